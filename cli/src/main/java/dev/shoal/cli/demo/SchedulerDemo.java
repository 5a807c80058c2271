package dev.shoal.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.ScheduleEntry;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleHeapStats;
import dev.shoal.core.ScheduleRecord;
import dev.shoal.core.SharedLongArray;
import dev.shoal.process.JavaProcess;
import dev.shoal.process.StaleFiles;
import dev.shoal.remote.HeapServer;
import org.agrona.IoUtil;

/**
 * The scheduler pattern with real processes: this process is the refresher (it fills the heap with
 * {@code replaceAll}, refreshes it every second and returns the leases of dead workers every 100 ms), and
 * {@code W} worker JVMs ({@link SchedulerWorker}) take due records, check them and reschedule them. With chaos,
 * workers are SIGKILLed at random moments and one worker halts itself in the middle of a sift while holding
 * the lock (at a sift crash point, {@link SchedulerWorker#HALT_AT_SIFT}); each is replaced. At the end every
 * record must be present exactly once. Every child is reaped, on error too (and by a shutdown hook if this JVM
 * is interrupted).
 */
public final class SchedulerDemo implements AutoCloseable
{
    /** Name of the heap in the demo's region. */
    public static final String HEAP = "schedule";
    /** Name of the control array in the demo's region. */
    public static final String CONTROL = "control";

    private static final long RECOVER_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long REFRESH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The demo's region is {@code scheduler-demo-PID}, its log folder {@code tmp/shoal-scheduler-PID-*}. */
    static final String REGION_PREFIX = "scheduler-demo-";
    static final String LOG_PREFIX = "shoal-scheduler-";

    private final Config config;
    private final Random random;
    private final List<Process> workers = new CopyOnWriteArrayList<>();
    private final Path logDir;
    /** Set when an error names a worker's log: the folder then outlives the run, for the user to read. */
    private volatile boolean keepLogs;
    private final Thread shutdownHook = new Thread(this::killAll, "scheduler-demo-reaper");
    private long kills;
    private long refreshes;
    private HeapServer server;
    private int remoteHosts;
    private long returned;

    /**
     * The demo's parameters.
     *
     * @param workers worker JVMs.
     * @param records records in the heap.
     * @param seconds how long the workers run.
     * @param chaos   whether to kill workers at random moments.
     * @param delayMs how far in the future a rescheduled record is due (0: at once, for throughput).
     * @param seed    random seed for the chaos.
     */
    public record Config(int workers, int records, double seconds, boolean chaos, long delayMs, long seed,
        String listen, int minHosts, Duration hostTimeout, int remoteWindow)
    {
        /**
         * @param workers     worker JVMs.
         * @param records     records in the heap.
         * @param seconds     how long the workers run.
         * @param chaos       whether to kill workers.
         * @param delayMs     reschedule delay.
         * @param seed        random seed.
         * @param listen      {@code HOST:PORT} to serve the heap to remote consumers on, or {@code null}.
         * @param minHosts    with listen: agents to wait for before the run.
         * @param hostTimeout with listen: silence after which a host's records go back to the heap.
         * @param remoteWindow with listen: records one host may hold at once.
         */
        public Config
        {
            if (workers < (listen != null ? 0 : 1) || workers > 64)
            {
                throw new IllegalArgumentException("workers must be " + (listen != null ? 0 : 1) + "..64: workers=" +
                    workers);
            }
            if (chaos && workers == 0)
            {
                throw new IllegalArgumentException("chaos kills local workers: it needs at least one");
            }
            if (records < 1 || records > 4_000_000)
            {
                throw new IllegalArgumentException("records must be 1..4000000: records=" + records);
            }
            if (!(seconds > 0 && seconds <= 3600))
            {
                throw new IllegalArgumentException("seconds must be in (0, 3600]: seconds=" + seconds);
            }
            if (delayMs < 0)
            {
                throw new IllegalArgumentException("delay must not be negative: delayMs=" + delayMs);
            }
        }

        /**
         * A run on local workers only.
         *
         * @param workers worker JVMs.
         * @param records records in the heap.
         * @param seconds how long the workers run.
         * @param chaos   whether to kill workers.
         * @param delayMs reschedule delay.
         * @param seed    random seed.
         */
        public Config(final int workers, final int records, final double seconds, final boolean chaos,
            final long delayMs, final long seed)
        {
            this(workers, records, seconds, chaos, delayMs, seed, null, 0, Duration.ofSeconds(3), 16);
        }
    }

    /**
     * What a run did and found.
     *
     * @param records      records in the heap.
     * @param workers      worker JVMs.
     * @param seconds      measured run time.
     * @param pops         records polled during the run.
     * @param reschedules  records rescheduled during the run.
     * @param takeovers    lock takeovers from dead holders.
     * @param redelivered  leases of dead holders put back.
     * @param lost         records missing at the end.
     * @param duplicated   extra copies (or unreadable payloads) at the end.
     * @param kills        workers killed or halted by the chaos.
     * @param refreshes    replaceAll refreshes.
     * @param consistent   whether the heap's index matched its pool at the end.
     * @param popsPerSecond pops per second of run time.
     * @param remoteHosts  agents connected at the end (0 without listen).
     * @param remoteJoined agents that joined, a rejoin counted again.
     * @param returned     records returned to the heap from lost hosts.
     */
    public record Result(
        int records, int workers, double seconds, long pops, long reschedules, long takeovers, long redelivered,
        long lost, long duplicated, long kills, long refreshes, boolean consistent, double popsPerSecond,
        int remoteHosts, long remoteJoined, long returned)
    {
        /**
         * @return whether every record was present exactly once and the heap was consistent.
         */
        public boolean verified()
        {
            return lost == 0 && duplicated == 0 && consistent;
        }
    }

    /**
     * @param config the parameters.
     */
    public SchedulerDemo(final Config config)
    {
        this.config = config;
        this.random = new Random(config.seed());
        // What a demo killed with SIGKILL left (its region and log folder carry its pid): gone once it is.
        StaleFiles.sweepRegions(REGION_PREFIX);
        StaleFiles.sweepTempFolders(LOG_PREFIX);
        try
        {
            this.logDir = Files.createTempDirectory(LOG_PREFIX + ProcessHandle.current().pid() + "-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Runs the demo; blocks for about {@code seconds} plus start-up and the end check.
     *
     * @return the result.
     */
    public Result run()
    {
        final String name = REGION_PREFIX + ProcessHandle.current().pid();
        // Room beside the records for what is leased while replaceAll refreshes them: local workers' leases, and
        // with listen up to 16 remote hosts' windows.
        final int capacity = config.records() + Math.max(64, 4 * config.workers()) +
            (config.listen() != null ? 16 * config.remoteWindow() : 0);
        final RegionSpec spec = RegionSpec.builder()
            .add(ScheduleHeap.spec(HEAP, capacity, SchedulerRecords.PAYLOAD_BYTES))
            .longArray(CONTROL, SchedulerWorker.CONTROL_LENGTH)
            .build();
        Region.delete(name);
        try (Region region = Region.create(name, spec);
            ScheduleHeap heap = ScheduleHeap.open(region, HEAP))
        {
            try
            {
                return runOn(region, heap);
            }
            finally
            {
                if (server != null)
                {
                    server.close(); // before the region closes under its thread
                }
            }
        }
        finally
        {
            killAll();
            Region.delete(name);
        }
    }

    private Result runOn(final Region region, final ScheduleHeap heap)
    {
        final SharedLongArray control = region.longArray(CONTROL);
        refresh(heap);
        final String path = region.location().path().toString();
        for (int i = 0; i < config.workers(); i++)
        {
            workers.add(startWorker(path, i, config.chaos() && i == 0));
        }
        awaitReady(control);
        if (config.listen() != null)
        {
            server = serve(region);
        }
        final ScheduleHeapStats.Counters atStart = heap.stats().counters();
        final long start = System.nanoTime();
        coordinate(heap, path, start);
        control.set(SchedulerWorker.STOP_INDEX, 1);
        final long elapsed = System.nanoTime() - start;
        final ScheduleHeapStats.Counters atStop = heap.stats().counters();
        stopWorkers();
        if (server != null)
        {
            remoteHosts = server.hosts();
            server.close(); // returns what the hosts still held
            returned = server.returned();
        }
        heap.recoverDeadLeases();
        return verify(heap, atStop.pops() - atStart.pops(), atStop.reschedules() - atStart.reschedules(), elapsed);
    }

    /**
     * Serves the heap to remote consumers and waits for the first of them.
     */
    private HeapServer serve(final Region region)
    {
        final HeapServer started = HeapServer.builder(region, HEAP).listen(config.listen())
            .hostTimeout(config.hostTimeout()).window(config.remoteWindow()).log(line -> System.err.println(line))
            .start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (started.hosts() < config.minHosts())
        {
            if (System.nanoTime() - deadline > 0)
            {
                started.close();
                throw new IllegalStateException("no agent connected to " + config.listen() + " within 60 s (" +
                    started.hosts() + " of " + config.minHosts() + "); start one with: shoal agent --connect " +
                    "HOST:PORT --scheduler");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // polling a deadline-based wait
        }
        return started;
    }

    private void coordinate(final ScheduleHeap heap, final String path, final long start)
    {
        final long end = start + (long)(config.seconds() * 1e9);
        long nextRecover = start + RECOVER_INTERVAL_NANOS;
        long nextRefresh = start + REFRESH_INTERVAL_NANOS;
        long nextKill = start + nextKillDelay();
        for (long now = System.nanoTime(); now - end < 0; now = System.nanoTime())
        {
            if (now - nextRecover >= 0)
            {
                heap.recoverDeadLeases();
                nextRecover = now + RECOVER_INTERVAL_NANOS;
            }
            if (now - nextRefresh >= 0)
            {
                refresh(heap);
                nextRefresh = now + REFRESH_INTERVAL_NANOS;
            }
            if (config.chaos() && now - nextKill >= 0)
            {
                final int victim = random.nextInt(workers.size());
                workers.get(victim).destroyForcibly();
                nextKill = now + nextKillDelay();
            }
            replaceExited(path);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the coordinator's tick, not a sync
        }
    }

    private long nextKillDelay()
    {
        return TimeUnit.MILLISECONDS.toNanos(300 + random.nextInt(1200));
    }

    private void replaceExited(final String path)
    {
        for (int i = 0; i < workers.size(); i++)
        {
            final Process worker = workers.get(i);
            if (!worker.isAlive())
            {
                final int status = reap(worker);
                if (!config.chaos() || (status != SchedulerWorker.HALT_STATUS && status != 137 && status != 143))
                {
                    keepLogs = true;
                    throw new IllegalStateException("worker " + i + " (pid " + worker.pid() + ") exited " + status +
                        "; log: " + logDir.resolve("worker-" + i + ".log"));
                }
                kills++;
                workers.set(i, startWorker(path, i, false));
            }
        }
    }

    private void refresh(final ScheduleHeap heap)
    {
        final long now = System.currentTimeMillis();
        final List<ScheduleRecord> records = new ArrayList<>(config.records());
        for (int i = 0; i < config.records(); i++)
        {
            records.add(new ScheduleRecord(now + (i % 100), SchedulerRecords.payload(i)));
        }
        if (heap.replaceAll(records) == null)
        {
            throw new IllegalStateException("refresh of " + config.records() + " records does not fit beside " +
                heap.stats().leases() + " leases in capacity=" + heap.capacity());
        }
        refreshes++;
    }

    private Process startWorker(final String path, final int index, final boolean haltInSift)
    {
        final Path log = logDir.resolve("worker-" + index + ".log");
        final JavaProcess process = JavaProcess.of(SchedulerWorker.class)
            .jvmOption("-Xmx64m").jvmOption("-XX:+UseSerialGC")
            .args(path, HEAP, CONTROL, Long.toString(config.delayMs()))
            .output(log, log);
        if (haltInSift)
        {
            process.jvmOption("-Dshoal.test.crashpoints=true")
                .jvmOption("-D" + SchedulerWorker.HALT_AT_SIFT + "=" + (2_000 + random.nextInt(60_000)));
        }
        return process.start();
    }

    private void awaitReady(final SharedLongArray control)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (control.get(SchedulerWorker.READY_INDEX) < config.workers())
        {
            if (System.nanoTime() - deadline > 0)
            {
                keepLogs = true;
                throw new IllegalStateException("workers not ready after 60 s: ready=" +
                    control.get(SchedulerWorker.READY_INDEX) + " of " + config.workers() + "; logs in " + logDir);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private void stopWorkers()
    {
        for (final Process worker : workers)
        {
            try
            {
                if (!worker.waitFor(10, TimeUnit.SECONDS))
                {
                    worker.destroyForcibly();
                    kills++;
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping workers", ex);
            }
        }
        killAll();
    }

    private Result verify(final ScheduleHeap heap, final long pops, final long reschedules, final long elapsed)
    {
        boolean consistent = true;
        try
        {
            heap.verify();
        }
        catch (final IllegalStateException ex)
        {
            consistent = false;
        }
        final int[] seen = new int[config.records()];
        long duplicated = 0;
        for (final ScheduleEntry entry : heap.snapshot())
        {
            final long n = SchedulerRecords.number(entry.payload());
            if (n < 0 || n >= seen.length || seen[(int)n]++ > 0)
            {
                duplicated++;
            }
        }
        long lost = 0;
        for (final int count : seen)
        {
            lost += count == 0 ? 1 : 0;
        }
        final ScheduleHeapStats.Counters counters = heap.stats().counters();
        final double seconds = elapsed / 1e9;
        return new Result(config.records(), config.workers(), seconds, pops, reschedules, counters.takeovers(),
            counters.redelivered(), lost, duplicated, kills, refreshes, consistent, pops / seconds, remoteHosts,
            server == null ? 0 : server.hostsJoined(), returned);
    }

    private static int reap(final Process process)
    {
        try
        {
            return process.waitFor();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void killAll()
    {
        final List<Process> copy = List.copyOf(workers);
        for (final Process worker : copy)
        {
            worker.destroyForcibly();
        }
        for (final Process worker : copy)
        {
            try
            {
                worker.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * @return the folder holding the workers' logs.
     */
    public Path logDir()
    {
        return logDir;
    }

    /**
     * Reaps every worker, removes the shutdown hook, and the worker logs unless an error pointed at them.
     */
    @Override
    public void close()
    {
        killAll();
        if (!keepLogs)
        {
            IoUtil.delete(logDir.toFile(), true);
        }
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ex)
        {
            // shutting down already: the hook runs
        }
    }
}
