package dev.shoal.bench.proc;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether children can be pinned to CPUs with {@code taskset}, and the plan: with two or more CPUs and at most as
 * many pinned processes as CPUs, child {@code i} goes to CPU {@code i}; otherwise no child is pinned (pinning
 * more processes than CPUs only adds contention) and the result line says {@code "pinned": false}.
 */
public final class Pinning
{
    /** The taskset binary. */
    public static final String TASKSET = findTaskset();

    private Pinning()
    {
    }

    private static String findTaskset()
    {
        for (final String candidate : new String[]{ "/usr/bin/taskset", "/bin/taskset" })
        {
            if (Files.isExecutable(Path.of(candidate)))
            {
                return candidate;
            }
        }
        return null;
    }

    /**
     * @return whether taskset exists and the machine has at least two CPUs.
     */
    public static boolean available()
    {
        return TASKSET != null && Runtime.getRuntime().availableProcessors() >= 2 &&
            !Boolean.getBoolean("shoal.bench.noPin");
    }

    /**
     * @param processes number of processes of a case.
     * @return whether they will be pinned, one per CPU.
     */
    public static boolean pins(final int processes)
    {
        return available() && processes >= 2 && processes <= Runtime.getRuntime().availableProcessors();
    }

    /**
     * @param index     process index within the case.
     * @param processes number of processes of the case.
     * @return CPU for the process, or -1 for none.
     */
    public static int cpuFor(final int index, final int processes)
    {
        return pins(processes) ? index : -1;
    }
}
