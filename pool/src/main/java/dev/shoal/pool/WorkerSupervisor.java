package dev.shoal.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.shoal.core.JobRing;
import dev.shoal.process.ClassDataArchive;
import dev.shoal.process.JavaProcess;

/**
 * Starts the pool's worker JVMs, restarts the ones that die (after handing their leased jobs back to the ring),
 * replaces the ones that reached their job quota, forwards their output, and stops them all at the end.
 * Runs on its own thread; liveness comes from the OS ({@link Process#isAlive()}), checked every few ms.
 */
final class WorkerSupervisor implements Runnable
{
    private static final int MAX_FAILED_STARTS_IN_A_ROW = 3;
    private static final int SIGNAL_EXIT_BASE = 128;

    /** How long a stopping worker may take before the log says what the pool waits for. */
    private static final long NOTICE_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final PoolConfig config;
    private final LogHook logHook;
    private final Path regionPath;
    private final Path logDir;
    private final JobRing ring;
    /** Empties an exited worker's result buffer (on the collector's thread) before a new worker takes it. */
    private final ResultBuffers resultBuffers;
    private final WorkerProcess[] workers;
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong recycles = new AtomicLong();
    private volatile boolean running = true;
    private volatile String brokenReason;
    /** Told once when the workers cannot be kept running (the pool fails its pending jobs). */
    private final Consumer<String> onBroken;
    private int failedStartsInARow;
    /** The workers' class-data archive, or null when archives are off (see {@link ClassDataArchive}). */
    private final ClassDataArchive archive;

    WorkerSupervisor(final PoolConfig config, final LogHook logHook, final Path regionPath, final Path logDir,
        final JobRing ring, final ResultBuffers resultBuffers, final Consumer<String> onBroken)
    {
        this.onBroken = onBroken;
        this.config = config;
        this.logHook = logHook;
        this.regionPath = regionPath;
        this.logDir = logDir;
        this.ring = ring;
        this.resultBuffers = resultBuffers;
        this.workers = new WorkerProcess[config.workers];
        this.archive = ClassDataArchive.forClassPath(
            config.classPath != null ? config.classPath : System.getProperty("java.class.path"));
    }

    /**
     * The result collector's side the supervisor needs: a dead worker's result buffer emptied before its
     * replacement writes there.
     */
    interface ResultBuffers
    {
        /**
         * @param worker      a worker whose process has exited.
         * @param keepWaiting asked while waiting; waiting ends when it says false.
         * @return true when the buffer was salvaged and may be given to a new worker.
         */
        boolean salvage(int worker, BooleanSupplier keepWaiting);
    }

    void startAll()
    {
        for (int i = 0; i < workers.length; i++)
        {
            workers[i] = launch(i);
        }
    }

    private WorkerProcess launch(final int id)
    {
        final Path log = logDir.resolve("worker-" + id + ".log");
        final List<String> args = new ArrayList<>(List.of(regionPath.toString(), Integer.toString(id),
            Integer.toString(config.threadsPerWorker), config.registryClass, Integer.toString(config.maxAttempts),
            Long.toString(config.maxJobsPerWorker), config.initializerClass == null ? "" : config.initializerClass));
        final JavaProcess launcher = JavaProcess.of(WorkerMain.class).jvmOptions(WorkerCompileCommands.OPTIONS)
            .jvmOptions(config.jvmOptions).args(args).output(log, log);
        if (config.classPath != null)
        {
            launcher.classPath(config.classPath);
        }
        return new WorkerProcess(id, archive == null ? launcher.start() : archive.start(launcher), log);
    }

    /**
     * After a worker has exited (or was killed): when it was dumping the class-data archive, the archive is moved
     * into place (clean exit) or its dump dropped.
     */
    private void exited(final WorkerProcess w)
    {
        if (archive != null)
        {
            archive.exited(w.process());
        }
    }

    /**
     * Waits until every worker reported ready.
     *
     * @throws PoolStartException with the failing worker's output when one exits or the timeout passes.
     */
    void awaitReady(final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        for (final WorkerProcess w : workers)
        {
            while (!w.isReady())
            {
                if (!w.process().isAlive())
                {
                    throw new PoolStartException("worker " + w.id() + " exited with code " + w.process().exitValue() +
                        " before it was ready; its output:\n" + w.output());
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new PoolStartException("worker " + w.id() + " not ready after " + timeout.toMillis() +
                        " ms; its output:\n" + w.output());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }
    }

    void markReady(final int workerId)
    {
        final WorkerProcess w = workerId >= 0 && workerId < workers.length ? workers[workerId] : null;
        if (w != null)
        {
            w.markReady();
        }
    }

    @Override
    public void run()
    {
        while (running)
        {
            for (int i = 0; i < workers.length && running; i++)
            {
                final WorkerProcess w = workers[i];
                w.forwardLog(config.logSink, logHook);
                if (!w.process().isAlive())
                {
                    replace(i, w);
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        for (final WorkerProcess w : workers)
        {
            if (w != null)
            {
                w.forwardLog(config.logSink, logHook);
            }
        }
    }

    private void replace(final int i, final WorkerProcess dead)
    {
        final int code = dead.process().exitValue();
        exited(dead);
        dead.forwardLog(config.logSink, logHook);
        final boolean recycled = code == WorkerMain.EXIT_DONE && dead.isReady();
        if (!recycled)
        {
            config.logSink.accept("[pool] worker " + i + " (pid " + dead.process().pid() + ") died with code " + code +
                "; handing its jobs back and restarting it");
            // A worker killed by a signal (exit code 128 + signal) before it was ready did not fail to start:
            // only a worker that exits by itself before ready (bad class path, failing initializer) counts.
            final boolean killed = code > SIGNAL_EXIT_BASE;
            failedStartsInARow = dead.isReady() || killed ? 0 : failedStartsInARow + 1;
            if (failedStartsInARow >= MAX_FAILED_STARTS_IN_A_ROW)
            {
                brokenReason = "worker " + i + " failed to start " + failedStartsInARow +
                    " times in a row; its output:\n" + dead.output();
                running = false;
                onBroken.accept(brokenReason);
                return;
            }
            restarts.incrementAndGet();
        }
        else
        {
            recycles.incrementAndGet();
        }
        ring.recoverDeadLeases();
        // Before the new worker exists: what the dead one committed is delivered and what it left half-written
        // dropped (a clean exit leaves nothing half-written; salvaged all the same, it costs one walk).
        if (resultBuffers.salvage(i, () -> running) && running)
        {
            workers[i] = launch(i);
        }
    }

    /**
     * @param i a local worker's id.
     * @return true when its current process has exited (nothing of it can write any more).
     */
    boolean hasExited(final int i)
    {
        final WorkerProcess w = workers[i];
        return w == null || !w.process().isAlive();
    }

    String brokenReason()
    {
        return brokenReason;
    }

    long restarts()
    {
        return restarts.get();
    }

    long recycles()
    {
        return recycles.get();
    }

    void stopSupervising()
    {
        running = false;
    }

    /**
     * @return the pids of the current workers.
     */
    List<Long> pids()
    {
        final List<Long> pids = new ArrayList<>();
        for (final WorkerProcess w : workers)
        {
            if (w != null)
            {
                pids.add(w.process().pid());
            }
        }
        return pids;
    }

    /**
     * Waits for every worker to exit on its own (each finishes the job it runs, then sees the pool's stop state),
     * and kills those still running when {@code grace} is over. Says in the log sink which workers it waits for
     * and which it kills, so that a close that takes long is never silent.
     */
    void awaitExitOrKill(final Duration grace)
    {
        final long start = System.nanoTime();
        final long deadline = start + grace.toNanos();
        for (int i = 0; i < workers.length; i++)
        {
            final WorkerProcess w = workers[i];
            if (w == null)
            {
                continue;
            }
            try
            {
                // A worker between jobs exits within moments; one still in a job gets a line saying what we wait for.
                final long firstWait = Math.min(Math.max(0, deadline - System.nanoTime()), NOTICE_AFTER_NANOS);
                if (!w.process().waitFor(firstWait, TimeUnit.NANOSECONDS))
                {
                    final long left = Math.max(0, deadline - System.nanoTime());
                    if (left > 0)
                    {
                        config.logSink.accept("[pool] stopping: worker " + i + " (pid " + w.process().pid() +
                            ") is still in a job; waiting up to " + millis(left) + " ms (shutdownGrace " +
                            grace + ") before killing it");
                    }
                    if (!w.process().waitFor(left, TimeUnit.NANOSECONDS))
                    {
                        w.kill();
                        config.logSink.accept("[pool] stopping: worker " + i + " (pid " + w.process().pid() +
                            ") did not finish its job within the shutdownGrace of " + grace + ": killed");
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                w.kill();
            }
            exited(w);
            w.forwardLog(config.logSink, logHook);
        }
    }

    private static long millis(final long nanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    void killAll()
    {
        for (final WorkerProcess w : workers)
        {
            if (w != null && w.process().isAlive())
            {
                w.kill();
                exited(w);
            }
        }
    }

    /**
     * For tests and chaos: kills one worker with SIGKILL.
     *
     * @param id worker id.
     * @return its pid.
     */
    long kill(final int id)
    {
        final WorkerProcess w = workers[id];
        final long pid = w.process().pid();
        w.process().destroyForcibly();
        return pid;
    }
}
