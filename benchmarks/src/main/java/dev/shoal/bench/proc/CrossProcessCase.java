package dev.shoal.bench.proc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One case run across child JVMs: a case directory, its control file, the children, and the loop that starts
 * each run and collects what every child measured. Closing it stops the children, kills any that do not exit,
 * and deletes the directory.
 */
public final class CrossProcessCase implements AutoCloseable
{
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final CaseDir dir;
    private final Control control;
    private final ChildProcesses children;

    /**
     * @param label short name of the case (used in the directory name).
     */
    public CrossProcessCase(final String label)
    {
        this.dir = CaseDir.create(label);
        this.control = Control.create(dir.file("control"));
        this.children = new ChildProcesses(dir.path());
    }

    /**
     * @param name file name.
     * @return a path in the case directory for a shared file.
     */
    public Path file(final String name)
    {
        return dir.file(name);
    }

    /**
     * @return arguments every child needs (control file, case directory); add the task's own to a copy.
     */
    public ChildArgs baseArgs()
    {
        return ChildArgs.create().put("control", dir.file("control")).put("dir", dir.path());
    }

    /**
     * Starts the next child; its slot is the number of children started before it.
     *
     * @param task       the task class.
     * @param args       its arguments (without slot).
     * @param cpu        CPU to pin to, or -1.
     * @param jvmOptions extra JVM options.
     * @return the slot of the child.
     */
    public int start(
        final Class<? extends ChildTask> task, final ChildArgs args, final int cpu, final List<String> jvmOptions)
    {
        final int slot = children.processes().size();
        children.start(task, args.copy().put("slot", slot), cpu, jvmOptions);
        return slot;
    }

    /**
     * Waits until every child is ready, then does each run in turn.
     *
     * @param runs       number of runs (warm-up runs included).
     * @param runTimeout longest time one run may take.
     * @return for each run, each child's record (indexed by slot).
     */
    public List<RunRecord[]> runAll(final int runs, final Duration runTimeout)
    {
        final int n = children.processes().size();
        awaitAll(n, READY_TIMEOUT, "ready", slot -> control.isReady(slot));
        final List<RunRecord[]> results = new ArrayList<>();
        for (int run = 0; run < runs; run++)
        {
            control.go(run);
            final long r = run;
            awaitAll(n, runTimeout, "run " + run, slot -> control.done(slot) >= r);
            final RunRecord[] records = new RunRecord[n];
            for (int slot = 0; slot < n; slot++)
            {
                records[slot] = control.read(slot);
            }
            results.add(records);
        }
        control.go(Control.STOP);
        return results;
    }

    private interface SlotCondition
    {
        boolean test(int slot);
    }

    private void awaitAll(final int n, final Duration timeout, final String what, final SlotCondition condition)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        for (int slot = 0; slot < n; slot++)
        {
            while (!condition.test(slot))
            {
                checkChild(slot, what);
                for (int other = 0; other < n; other++)
                {
                    checkChild(other, what);
                }
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("child " + slot + " not " + what + " within " + timeout +
                        ": " + children.logTail(slot));
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            }
        }
    }

    private void checkChild(final int slot, final String what)
    {
        final Process process = children.processes().get(slot);
        if (control.hasFailed(slot) || !process.isAlive())
        {
            final String status = process.isAlive() ? "failed" : "exited with " + process.exitValue();
            throw new IllegalStateException("child " + slot + " " + status + " before " + what + ": " +
                children.logTail(slot));
        }
    }

    @Override
    public void close()
    {
        control.go(Control.STOP);
        children.close();
        control.close();
        dir.close();
    }
}
