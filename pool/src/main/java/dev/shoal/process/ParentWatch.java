package dev.shoal.process;

import java.util.Optional;

/**
 * Makes a child JVM end when the process that started it ends, however that happened (a crash or SIGKILL
 * runs no shutdown hook, so the parent cannot reap its children then). Python's pools leave orphans here;
 * Shoal's worker JVMs do not.
 */
public final class ParentWatch
{
    /** Exit code of a child whose parent went away. */
    public static final int EXIT_ORPHANED = 70;

    private ParentWatch()
    {
    }

    /**
     * Halts this JVM as soon as its parent process exits. Call first thing in a worker's {@code main}.
     */
    public static void haltWhenParentExits()
    {
        final Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        parent.ifPresent(p -> p.onExit().thenRun(() ->
        {
            System.err.println("parent process " + p.pid() + " exited: stopping this worker");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }));
    }
}
