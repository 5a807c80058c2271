package dev.shoal.pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import dev.shoal.core.JobRing;
import dev.shoal.core.ParticipantInfo;
import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.RegionOptions;
import dev.shoal.core.SharedLongArray;
import dev.shoal.process.StaleFiles;
import dev.shoal.pool.spi.RemoteProvider;
import dev.shoal.pool.spi.RemoteWorkers;
import org.agrona.IoUtil;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

/**
 * What a running pool owns and the order it is built and torn down in: the journal, the region with its ring and
 * result buffer, the worker log folder, the supervisor and its workers, the result reader, the completion thread,
 * the submit handles and the JVM shutdown hook. {@link #start} builds everything or, on any failure, nothing is
 * left behind; {@link #shutdown} tears down in the one order that loses no result.
 */
final class PoolRuntime
{
    private static final AtomicInteger POOLS = new AtomicInteger();
    /**
     * A pool's region is {@code pool-PID-N} and its worker log folder {@code tmp/shoal-pool-PID-*}: the owner's pid
     * in each name lets the next pool remove what a killed one left ({@link StaleFiles}).
     */
    static final String REGION_PREFIX = "pool-";
    static final String LOG_PREFIX = "shoal-pool-";

    final PoolConfig config;
    final PendingJobs pending;
    final PoolJournal journal;
    final Region region;
    final JobRing ring;
    final WorkerSupervisor supervisor;
    final JobSubmitter submitter;
    private final SharedLongArray control;
    private final Path logDir;
    private final ResultCollector collector;
    private final CompletionThread completionThread;
    private final SubmitHandles handles;
    private final Thread collectorThread;
    private final Thread supervisorThread;
    private final Thread shutdownHook;
    private final PoolGateway gateway;
    /** Volatile: the JVM's shutdown hook reads it (emergencyStop) on a thread of its own. */
    private volatile RemoteWorkers remote;
    private volatile boolean closed;
    /** The result thread ended on an error: a final drain on the closing thread would meet it again. */
    private volatile boolean collectorFailed;
    /** Guards the unmapping against {@link #redelivered()}'s read of the ring (stats() may run during close()). */
    private final Object mapping = new Object();
    /** The ring's redelivered count as the region was unmapped (read under {@link #mapping}). */
    private long redeliveredAtClose;
    private boolean unmapped;
    /**
     * Why the pool cannot run jobs any more, or null: set once (by CAS, not under this object's monitor, which
     * {@link #shutdown} holds while it waits for the threads that report a break), before pending jobs are failed.
     */
    private final AtomicReference<String> brokenReason = new AtomicReference<>();

    private PoolRuntime(final PoolConfig config, final Handlers handlers, final PoolJournal journal,
        final Region region, final Path logDir)
    {
        this.config = config;
        this.pending = new PendingJobs(config.ringCapacity, config.resultBufferBytes);
        this.journal = journal;
        this.region = region;
        this.logDir = logDir;
        this.ring = JobRing.open(region, PoolLayout.JOBS);
        this.control = region.longArray(PoolLayout.CONTROL);
        final ManyToOneRingBuffer[] results = new ManyToOneRingBuffer[config.workers + 1];
        for (int writer = 0; writer <= config.workers; writer++)
        {
            results[writer] = new ManyToOneRingBuffer(region.bytes(PoolLayout.results(writer)));
        }
        this.completionThread = config.completionExecutor != null ? null :
            new CompletionThread("shoal-pool-completions", config.logSink);
        // The collector is built after the supervisor (it reports ready workers to it); the supervisor reaches the
        // collector through salvageResults, called only once both exist.
        this.supervisor = new WorkerSupervisor(config, journal, region.location().path(), logDir, ring,
            this::salvageResults, this::markBroken);
        this.collector = new ResultCollector(results, pending, config.logSink, supervisor::markReady,
            hooks(config.resultHook, journal), journal,
            completionThread != null ? completionThread : config.completionExecutor,
            ResultCollector.idleSpins(Runtime.getRuntime().availableProcessors(),
                config.workers * config.threadsPerWorker));
        this.handles = new SubmitHandles(ring, config.submitHandles, config.submitHandles);
        this.submitter = new JobSubmitter(config, handlers, pending, journal, handles, this::brokenReason);
        this.collectorThread = new Thread(collector, "shoal-pool-results");
        this.supervisorThread = new Thread(supervisor, "shoal-pool-supervisor");
        this.shutdownHook = new Thread(this::emergencyStop, "shoal-pool-reaper");
        this.gateway = config.listen == null ? null :
            new PoolGateway(config, ring, results[config.workers],
                reason -> markBroken("the remote side stopped on an error: " + reason));
    }

    /**
     * The supervisor's way to the collector: empties an exited worker's result buffer (see
     * {@link ResultCollector#salvage}).
     */
    private boolean salvageResults(final int worker, final java.util.function.BooleanSupplier keepWaiting)
    {
        return collector.salvage(worker, keepWaiting);
    }

    /**
     * @return why the pool cannot run jobs any more (workers that fail to start, the remote side's thread failing),
     * or {@code null} while it can.
     */
    String brokenReason()
    {
        return brokenReason.get();
    }

    /**
     * Marks the pool broken, once: new jobs are refused from now on and every pending one fails with the reason,
     * so no caller waits for a result that cannot come (a {@code get()} without a timeout, a {@code map}). The
     * reason is set before the pending jobs are failed, and a submit checks it again after registering its jobs,
     * so a submit racing with this either sees the reason or has its jobs failed here.
     *
     * @param reason what broke, for the exceptions and the log.
     */
    void markBroken(final String reason)
    {
        if (!brokenReason.compareAndSet(null, reason))
        {
            return;
        }
        config.logSink.accept("[pool] broken: " + reason + "; pending jobs fail and new ones are refused");
        pending.failAll(new JobFailedException("pool broken: " + reason));
    }

    /**
     * Builds the pool's parts and starts its workers, waiting until each is ready.
     *
     * @param config the settings.
     * @return the running parts.
     * @throws PoolStartException when a worker cannot start; nothing is left behind.
     */
    static PoolRuntime start(final PoolConfig config)
    {
        final Handlers handlers = Handlers.load(config.registryClass);
        // Opened first: a bad journal directory fails the start before any region or process exists.
        final PoolJournal journal = config.journal == null ? null :
            PoolJournal.open(config.journal, config.resume, config.logSink);
        PoolRuntime runtime = null;
        Region region = null;
        Path logDir = null;
        try
        {
            StaleFiles.sweepRegions(REGION_PREFIX);
            StaleFiles.sweepTempFolders(LOG_PREFIX);
            final RegionLocation location = config.region != null ? RegionLocation.of(config.region) :
                RegionLocation.of(REGION_PREFIX + ProcessHandle.current().pid() + "-" + POOLS.incrementAndGet());
            region = create(location, config);
            logDir = createLogDir();
            runtime = new PoolRuntime(config, handlers, journal, region, logDir);
            runtime.startThreadsAndWorkers();
            return runtime;
        }
        catch (final RuntimeException | Error ex)
        {
            if (runtime == null || !runtime.collectorThread.isAlive())
            {
                closeQuietly(region);
            }
            if (region != null)
            {
                Region.delete(region.location());
            }
            if (logDir != null)
            {
                IoUtil.delete(logDir.toFile(), true);
            }
            if (journal != null)
            {
                journal.close();
            }
            throw ex;
        }
    }

    private static Region create(final RegionLocation location, final PoolConfig config)
    {
        try
        {
            return Region.create(location, PoolLayout.spec(config.ringCapacity, config.maxJobBytes,
                config.resultBufferBytes, config.workers, config.participants()), RegionOptions.defaults());
        }
        catch (final IllegalStateException ex)
        {
            if (!Files.exists(location.path()))
            {
                throw ex;
            }
            throw new IllegalStateException("region already exists: " + location.path() + " (" +
                whoHolds(location) + "); a pool makes a region of its own, named or not", ex);
        }
    }

    /**
     * @return who is attached to an existing region, for the message of a pool that cannot create it.
     */
    private static String whoHolds(final RegionLocation location)
    {
        try (Region existing = Region.open(location.path().toString()))
        {
            final List<Long> live = existing.participants().snapshot().stream().filter(ParticipantInfo::alive)
                .map(ParticipantInfo::pid).distinct().collect(Collectors.toList());
            return live.isEmpty() ? "made by pid " + existing.creatorPid() + ", no live process attached: left by " +
                "a process that was killed; delete it with `shoal delete " + location.path() + "` or Region.delete" :
                "in use by live pids " + live;
        }
        catch (final RuntimeException ex)
        {
            return "not a region Shoal can open: " + ex.getMessage();
        }
    }

    private static Path createLogDir()
    {
        try
        {
            return Files.createTempDirectory(LOG_PREFIX + ProcessHandle.current().pid() + "-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create a folder for worker logs: " + ex.getMessage(), ex);
        }
    }

    private static void closeQuietly(final Region region)
    {
        if (region != null)
        {
            region.close();
        }
    }

    private static ResultCollector.ResultHook hooks(final ResultCollector.ResultHook a,
        final ResultCollector.ResultHook b)
    {
        if (a == null || b == null)
        {
            return a == null ? b : a;
        }
        return (jobId, job, status, attempt, workerId, body) ->
        {
            b.onResult(jobId, job, status, attempt, workerId, body);
            a.onResult(jobId, job, status, attempt, workerId, body);
        };
    }

    private void startThreadsAndWorkers()
    {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        if (completionThread != null)
        {
            completionThread.start();
        }
        collectorThread.setDaemon(true);
        // A result thread that ends on an error (a bug, an OutOfMemoryError, an Error from a journal library) reads
        // no result again: what it had read is handed over, and every other pending job fails with the reason
        // instead of leaving join(), close() and get() waiting for ever.
        collectorThread.setUncaughtExceptionHandler((thread, error) ->
        {
            collectorFailed = true; // first: the close that follows must not read the result buffers again
            try
            {
                collector.handOverAfterError();
            }
            finally
            {
                markBroken("the pool's result thread stopped on an error: " + error);
            }
        });
        collectorThread.start();
        try
        {
            supervisor.startAll();
            supervisor.awaitReady(config.startTimeout);
            if (gateway != null)
            {
                remote = remoteProvider().start(gateway);
            }
        }
        catch (final RuntimeException ex)
        {
            emergencyStop();
            stopCollector();
            stopCompletions();
            removeHook();
            throw ex;
        }
        supervisorThread.setDaemon(true);
        supervisorThread.start();
    }

    private static RemoteProvider remoteProvider()
    {
        final Iterator<RemoteProvider> found = ServiceLoader.load(RemoteProvider.class,
            PoolRuntime.class.getClassLoader()).iterator();
        if (!found.hasNext())
        {
            throw new IllegalStateException("listen(endpoint) needs shoal-remote (dev.shoal:shoal-remote) on the " +
                "class path: no " + RemoteProvider.class.getName() + " was found");
        }
        return found.next();
    }

    /**
     * @return the running remote side, or {@code null} when the pool does not listen.
     */
    RemoteWorkers remote()
    {
        return remote;
    }

    boolean closed()
    {
        return closed;
    }

    /**
     * @return jobs the ring redelivered, also after close (its count as the region was unmapped).
     */
    long redelivered()
    {
        synchronized (mapping)
        {
            return unmapped ? redeliveredAtClose : ring.redelivered();
        }
    }

    /**
     * Stops the workers (after they drain the ring, or at once), reads the last results, fails what is left,
     * then releases the region, the logs and the journal. Idempotent.
     *
     * @param state    {@link PoolLayout#STATE_DRAIN} or {@link PoolLayout#STATE_STOP}.
     * @param leftover fails jobs still pending at the end, or {@code null} for a {@link JobFailedException}
     *                 saying they were cancelled.
     * @return how many jobs were failed at the end.
     */
    synchronized int shutdown(final long state, final RuntimeException leftover)
    {
        if (closed)
        {
            return 0;
        }
        // The waits below (workers draining, the collector's last read, the completions) must not be cut short by
        // the caller's interrupt: the workers would be killed mid-drain and the last results failed unread. The
        // flag is set again on the way out.
        final boolean interrupted = Thread.interrupted();
        try
        {
            return stop(state, leftover);
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int stop(final long state, final RuntimeException leftover)
    {
        submitter.stopIntake();
        boolean remoteStopped = true;
        if (remote != null)
        {
            remote.close(); // after close()'s join nothing is in flight; after shutdownNow the rest is failed below
            remoteStopped = remote.stopped();
            if (remoteStopped)
            {
                gateway.close();
            }
            else
            {
                config.logSink.accept("[pool] the remote side's thread did not end: the pool's region stays mapped " +
                    "(it may still touch the ring)");
            }
        }
        supervisor.stopSupervising();
        join(supervisorThread);
        // Release store: workers read the state with a volatile load before each take.
        // After the result thread failed nobody reads results: the workers stop at once instead of draining the
        // ring into buffers that would fill.
        control.set(PoolLayout.STATE, collectorFailed ? PoolLayout.STATE_STOP : state);
        supervisor.awaitExitOrKill(config.stopTimeout);
        final boolean collectorStopped = stopCollector();
        if (collectorStopped && !collectorFailed)
        {
            collector.drainOnce(supervisor::hasExited);
        }
        stopCompletions(); // after the reader's last hand-off: every result read is completed
        submitter.failingPending(leftover); // first: a submit registering after the scan below fails its own jobs
        final int cancelled = pending.failAll(leftover);
        closed = true;
        submitter.stop();
        handles.close();
        if (collectorStopped && remoteStopped)
        {
            synchronized (mapping)
            {
                redeliveredAtClose = ring.redelivered();
                unmapped = true;
                region.close(); // unmap only once no thread of ours can touch the mapping
            }
        }
        if (!config.keepRegion)
        {
            Region.delete(region.location());
        }
        IoUtil.delete(logDir.toFile(), true);
        if (collectorStopped && journal != null)
        {
            journal.close(); // after the final drain: every delivered result is journaled
        }
        removeHook();
        return cancelled;
    }

    /**
     * @return true when the collector thread has ended (so the mapping may be unmapped).
     */
    private boolean stopCollector()
    {
        collector.stop();
        join(collectorThread);
        return !collectorThread.isAlive();
    }

    /**
     * Refuses a wait for this pool's results from a callback on the pool's own completion thread: the callback's
     * job counts as pending until the callback returns, and every result behind it completes on this thread, so
     * the wait would be for itself, for ever.
     *
     * @param what the method called, for the message.
     */
    void checkNotInCallback(final String what)
    {
        if (completionThread != null && completionThread.isCurrent())
        {
            throw new IllegalStateException(what + " called from a callback on the pool's completion thread would " +
                "wait for itself (the callback's own job is pending until it returns): call shutdown(), which does " +
                "not wait, or wait from another thread (an *Async callback, or a completionExecutor of your own)");
        }
    }

    private void stopCompletions()
    {
        if (completionThread != null && !completionThread.stopAndJoin(30_000))
        {
            config.logSink.accept("[pool] the completion thread is still in a callback after 30 s; left running");
        }
    }

    /**
     * The shutdown hook's work, and a failed start's: kill every worker, remove the region.
     */
    private void emergencyStop()
    {
        final RemoteWorkers listening = remote;
        if (listening != null)
        {
            // SIGTERM, Ctrl-C or System.exit with a pool still open: the hub says goodbye to its agents (they
            // left at their connect timeout, 30 s on, their workers busy till then) and removes its Aeron
            // directory from /dev/shm. Bounded: the hub's close waits at most 10 s for its thread.
            try
            {
                listening.close();
            }
            catch (final RuntimeException ex)
            {
                // the JVM is going down: the workers below matter more
            }
        }
        supervisor.stopSupervising();
        supervisor.killAll();
        if (!config.keepRegion)
        {
            Region.delete(region.location());
        }
    }

    private void removeHook()
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ex)
        {
            // the JVM is shutting down already: the hook runs or ran
        }
    }

    private static void join(final Thread thread)
    {
        if (!thread.isAlive())
        {
            return;
        }
        try
        {
            thread.join(30_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
