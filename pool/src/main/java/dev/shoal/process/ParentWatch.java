package dev.shoal.process;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes a child JVM end when the process that started it ends, however that happened (a crash or SIGKILL
 * runs no shutdown hook, so the parent cannot reap its children then). Python's pools leave orphans here;
 * Shoal's worker JVMs do not.
 */
public final class ParentWatch
{
    /** Exit code of a child whose parent went away. */
    public static final int EXIT_ORPHANED = 70;
    /**
     * System property {@link JavaProcess} gives every child: the pid of the process that started it. A parent
     * killed while the child JVM was still starting has already handed it to another parent (init, or a
     * subreaper) by the time the child's {@code main} runs, so the parent the child finds then is not its own.
     */
    public static final String PARENT_PID_PROPERTY = "shoal.parent.pid";
    /** How often a child looks at who its parent is. */
    static final long POLL_MILLIS = 50;
    /** How long the parent may go unread before the child takes it for gone. */
    static final long UNREAD_LIMIT_MILLIS = 5_000;

    private ParentWatch()
    {
    }

    /**
     * Halts this JVM as soon as its parent process exits, or at once when the parent that started it (named by
     * {@link #PARENT_PID_PROPERTY}) is gone already. Call first thing in a worker's {@code main}.
     */
    public static void haltWhenParentExits()
    {
        final Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        final String expected = System.getProperty(PARENT_PID_PROPERTY);
        if (expected != null && !expected.equals(parent.map(p -> Long.toString(p.pid())).orElse("none")))
        {
            System.err.println("parent process " + expected + " exited before this worker started: stopping");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }
        if (parent.isEmpty())
        {
            return;
        }
        // Not onExit(): for a process that is not its child the JDK polls with a back-off of up to seconds, and a
        // worker lived on 2.2 s after its coordinator was SIGKILLed, long enough for a rerun to discard the region
        // it still wrote into. The kernel hands an orphan to another parent at once, so a changed parent pid, read
        // every POLL_MILLIS, is the parent's exit.
        final long parentPid = parent.get().pid();
        final Thread watch = new Thread(() ->
        {
            int unread = 0;
            while (true)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
                // Empty when /proc could not be read (a handler out of file descriptors): not a parent's exit
                // unless it lasts, as a parent that no longer exists also reads empty.
                final long now = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
                unread = now == -1L ? unread + 1 : 0;
                if (now != -1L && now != parentPid || unread * POLL_MILLIS > UNREAD_LIMIT_MILLIS)
                {
                    System.err.println("parent process " + parentPid + " exited: stopping this worker");
                    System.err.flush();
                    Runtime.getRuntime().halt(EXIT_ORPHANED);
                }
            }
        }, "shoal-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
