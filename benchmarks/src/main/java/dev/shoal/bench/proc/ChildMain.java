package dev.shoal.bench.proc;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Main class of every child JVM the harness starts: {@code ChildMain TASK_CLASS key=value...} (with at least
 * {@code control}, {@code slot} and {@code dir}). It opens the task, marks itself ready, then does each run the
 * harness starts until told to stop. It halts by itself when its parent process is gone, so an aborted harness
 * never leaves a spinning child behind.
 */
public final class ChildMain
{
    private ChildMain()
    {
    }

    /**
     * @param args task class, then {@code key=value} arguments.
     */
    public static void main(final String[] args)
    {
        final ChildArgs childArgs = ChildArgs.parse(Arrays.asList(args).subList(1, args.length));
        final int slot = childArgs.slot();
        startOrphanWatch();
        try (Control control = Control.open(childArgs.getPath("control"));
            ChildTask task = newTask(args[0]))
        {
            try
            {
                task.open(childArgs);
                control.markReady(slot);
                runLoop(control, slot, task);
            }
            catch (final Throwable t)
            {
                control.markFailed(slot);
                throw t;
            }
        }
        catch (final Throwable t)
        {
            System.err.println("child " + args[0] + " slot " + slot + " failed: " + t);
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void runLoop(final Control control, final int slot, final ChildTask task) throws Exception
    {
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MICROSECONDS.toNanos(200));
        long last = Control.IDLE;
        while (true)
        {
            final long go = control.go();
            if (go == Control.STOP)
            {
                return;
            }
            if (go > last)
            {
                idle.reset();
                final RunRecord record = new RunRecord();
                task.run(go, record);
                control.publish(slot, go, record);
                last = go;
            }
            else
            {
                idle.idle();
            }
        }
    }

    private static ChildTask newTask(final String className) throws ReflectiveOperationException
    {
        return (ChildTask)Class.forName(className).getConstructor().newInstance();
    }

    private static void startOrphanWatch()
    {
        final ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        final Thread watch = new Thread(() ->
        {
            while (parent != null && parent.isAlive())
            {
                try
                {
                    Thread.sleep(500);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
            }
            Runtime.getRuntime().halt(3);
        }, "orphan-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
