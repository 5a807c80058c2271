package dev.shoal.pool;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

/**
 * The pool's default completion executor: one daemon thread that runs, in order, the batches of completions the
 * result reader hands it. Futures complete and their callbacks run here, so a callback that blocks holds up later
 * completions (until it returns) but never the reading of results.
 *
 * <p>The queue is unbounded: the reader never waits for this thread. When idle the thread yields a while (no
 * busy spin: on a small machine the reader and the workers already spin), then parks until {@link #execute}
 * unparks it; {@code parked} is written before the queue's last poll and read
 * after the queue's offer (both volatile), so a task offered while the thread goes to sleep is never missed.
 */
final class CompletionThread implements Executor
{
    private static final int SPINS = 0;
    private static final int YIELDS = 300;

    private final ManyToOneConcurrentLinkedQueue<Runnable> tasks = new ManyToOneConcurrentLinkedQueue<>();
    private final Consumer<String> logSink;
    private final Thread thread;
    private volatile boolean parked;
    private volatile boolean stopping;

    CompletionThread(final String name, final Consumer<String> logSink)
    {
        this.logSink = logSink;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    /**
     * @return whether the caller is this thread, that is, a callback running here.
     */
    boolean isCurrent()
    {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(final Runnable task)
    {
        if (stopping)
        {
            throw new RejectedExecutionException("completion thread stopped");
        }
        tasks.offer(task);
        if (parked) // volatile read after the offer: pairs with the write of parked before the last poll
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Runs what is queued, then ends the thread.
     *
     * @param timeoutMillis longest wait for the end.
     * @return whether the thread has ended.
     */
    boolean stopAndJoin(final long timeoutMillis)
    {
        stopping = true;
        LockSupport.unpark(thread);
        if (thread.isAlive() && Thread.currentThread() != thread)
        {
            try
            {
                thread.join(timeoutMillis);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        return !thread.isAlive();
    }

    private void run()
    {
        int idle = 0;
        while (true)
        {
            final Runnable task = tasks.poll();
            if (task != null)
            {
                runSafely(task);
                idle = 0;
            }
            else if (stopping)
            {
                return; // the pool stops this thread only after the reader ended: no task can follow
            }
            else if (idle < SPINS)
            {
                idle++;
                Thread.onSpinWait();
            }
            else if (idle < SPINS + YIELDS)
            {
                idle++;
                Thread.yield();
            }
            else
            {
                parked = true; // volatile write before the re-check: execute sees it or we see its task
                if (tasks.isEmpty() && !stopping)
                {
                    LockSupport.park(this);
                }
                parked = false;
            }
        }
    }

    private void runSafely(final Runnable task)
    {
        try
        {
            task.run();
        }
        catch (final RuntimeException ex)
        {
            logSink.accept("[pool] a completion failed: " + ex);
        }
    }
}
