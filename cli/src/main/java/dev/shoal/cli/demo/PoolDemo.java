package dev.shoal.cli.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

import org.agrona.concurrent.UnsafeBuffer;

import dev.shoal.pool.PoolStats;
import dev.shoal.pool.ProcessPool;

/**
 * {@code shoal demo pool}: N jobs through a pool of worker JVMs, every result checked against the expected
 * hash of its argument, optionally with a worker SIGKILLed part way through.
 */
public final class PoolDemo
{
    /**
     * @param workers    worker JVMs.
     * @param threads    consumer threads per worker.
     * @param jobs       job count.
     * @param workMicros spin time per job.
     * @param batch      jobs per ring slot.
     * @param chaos      SIGKILL a worker a third of the way through.
     * @param journal    journal directory, or {@code null} for none; jobs are keyed {@code hash-INDEX}.
     * @param resume     answer jobs the journal completed before from it, without running them.
     * @param listen     {@code HOST:PORT} to accept agents on (remote worker hosts), or {@code null}.
     * @param minHosts   with listen: agents to wait for before the first job.
     * @param hostWait   with listen: how long to wait for them, and for one to come back when all are lost with no
     *                   local worker.
     * @param hostTimeout with listen: how long a silent host is kept before its jobs go elsewhere.
     * @param remoteWindow with listen: job frames one host may hold unanswered.
     */
    public record Config(int workers, int threads, int jobs, long workMicros, int batch, boolean chaos, Path journal,
        boolean resume, String listen, int minHosts, Duration hostWait, Duration hostTimeout, int remoteWindow)
    {
        /**
         * A run without a journal.
         *
         * @param workers    worker JVMs.
         * @param threads    consumer threads per worker.
         * @param jobs       job count.
         * @param workMicros spin time per job.
         * @param batch      jobs per ring slot.
         * @param chaos      SIGKILL a worker a third of the way through.
         */
        public Config(final int workers, final int threads, final int jobs, final long workMicros, final int batch,
            final boolean chaos)
        {
            this(workers, threads, jobs, workMicros, batch, chaos, null, false);
        }

        /**
         * A run on local workers only.
         *
         * @param workers    worker JVMs.
         * @param threads    consumer threads per worker.
         * @param jobs       job count.
         * @param workMicros spin time per job.
         * @param batch      jobs per ring slot.
         * @param chaos      SIGKILL a worker a third of the way through.
         * @param journal    journal directory, or {@code null}.
         * @param resume     answer from the journal what it completed before.
         */
        public Config(final int workers, final int threads, final int jobs, final long workMicros, final int batch,
            final boolean chaos, final Path journal, final boolean resume)
        {
            this(workers, threads, jobs, workMicros, batch, chaos, journal, resume, null, 0, Duration.ZERO,
                Duration.ofSeconds(3), 64);
        }
    }

    /**
     * @param jobs           jobs submitted (in each pass).
     * @param done           results right in the pass with the fewest right.
     * @param wrong          results wrong, over every pass.
     * @param failed         futures failed, over every pass.
     * @param redelivered    jobs redelivered after a worker died.
     * @param workerRestarts workers restarted.
     * @param killedPid      pid killed by chaos, 0 if none.
     * @param seconds        the first pass (cold JVMs): wall time from first submit to last result.
     * @param p50Micros      median submit-to-result latency.
     * @param p99Micros      99th percentile submit-to-result latency.
     * @param journaled      results appended to the journal by this run.
     * @param resumed        jobs answered from the journal without running.
     * @param checksum       sum of every job's result: equal for equal outputs, however the run was split.
     * @param remoteHosts    agents connected at the end (0 without listen).
     * @param remoteJoined   agents that joined during the run, a rejoin counted again.
     * @param againSeconds   the same jobs again on the same pool, its worker JVMs and this JVM compiled further: the
     *                       second pass's wall time (0 when there was none: with chaos, a journal or remote hosts).
     *                       Its results are checked too (wrong, failed).
     * @param againP50Micros the second pass's median submit-to-result latency.
     * @param againP99Micros the second pass's 99th percentile.
     */
    public record Result(long jobs, long done, long wrong, long failed, long redelivered, long workerRestarts,
        long killedPid, double seconds, double p50Micros, double p99Micros, long journaled, long resumed,
        long checksum, int remoteHosts, long remoteJoined, double againSeconds, double againP50Micros,
        double againP99Micros)
    {
        /**
         * @return jobs per second of the second pass, 0 when there was none.
         */
        public double againJobsPerSecond()
        {
            return againSeconds > 0 ? jobs / againSeconds : 0;
        }

        /**
         * @return jobs per second.
         */
        public double jobsPerSecond()
        {
            return seconds > 0 ? jobs / seconds : 0;
        }

        /**
         * @return whether every job returned its right result.
         */
        public boolean verified()
        {
            return done == jobs && wrong == 0 && failed == 0;
        }
    }

    private PoolDemo()
    {
    }

    /**
     * @param config   what to run.
     * @param progress receives the number of results so far (from the collector thread).
     * @return the outcome.
     */
    public static Result run(final Config config, final LongConsumer progress)
    {
        final PoolStats stats;
        final ProcessPool.Builder builder = ProcessPool.builder(DemoHandlers.class).workers(config.workers())
            .threadsPerWorker(config.threads()).logSink(line -> { });
        if (config.journal() != null)
        {
            builder.journal(config.journal()).resume(config.resume());
        }
        if (config.listen() != null)
        {
            // The remote side's lines (hosts joining, given up) are the run's news: on standard error.
            builder.listen(config.listen()).hostTimeout(config.hostTimeout()).remoteWindow(config.remoteWindow())
                .logSink(line ->
            {
                if (line.startsWith("[remote]"))
                {
                    System.err.println(line);
                }
            });
        }
        int remoteHosts = 0;
        long remoteJoined = 0;
        long redeliveredRemote = 0;
        final Pass first;
        final Pass again;
        try (ProcessPool pool = builder.start())
        {
            if (config.listen() != null)
            {
                awaitHosts(pool, config);
            }
            first = pass(pool, config, progress, config.chaos());
            // The same jobs again on the same pool, now further compiled: nearer the pool's pace. Not with a journal
            // (a resumed pass would only read it back), chaos (one kill per run) or remote hosts (their own pace).
            again = !config.chaos() && config.journal() == null && config.listen() == null ?
                pass(pool, config, progress, false) : Pass.NONE;
            stats = pool.stats();
            remoteHosts = pool.remoteHosts();
            remoteJoined = pool.remoteHostsJoined();
            redeliveredRemote = pool.remoteRedelivered();
        }
        final long worstPass = Math.max(first.wrong() + first.failed(), again.wrong() + again.failed());
        return new Result(config.jobs(), config.jobs() - worstPass, first.wrong() + again.wrong(),
            first.failed() + again.failed(), stats.redelivered() + redeliveredRemote, stats.workerRestarts(),
            first.killedPid(), first.seconds(), first.p50Micros(), first.p99Micros(), stats.journaled(),
            stats.resumed(), first.checksum(), remoteHosts, remoteJoined, again.seconds(), again.p50Micros(),
            again.p99Micros());
    }

    /**
     * One pass of the demo's jobs: all submitted at once, every result checked as it completes, then joined.
     */
    private static Pass pass(final ProcessPool pool, final Config config, final LongConsumer progress,
        final boolean chaos)
    {
        final AtomicLong finished = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong checksum = new AtomicLong();
        final long[] latencies = new long[config.jobs()];
        long killed = 0;
        final long start = System.nanoTime();
        final int killAt = chaos ? config.jobs() / 3 : -1;
        // With remote hosts only, a submit waits for room in the ring for as long as no host takes jobs: the
        // watch gives the run up when every host is gone for the host wait, in the submits as in the join.
        final HostWatch watch = config.listen() != null && config.workers() == 0 ? new HostWatch(pool, config) : null;
        try
        {
            killed = submitAll(pool, config, progress, killAt, latencies, finished, wrong, failed, checksum);
            pool.join();
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            throw watch != null && watch.gaveUp() != null ? new IllegalStateException(watch.gaveUp(), ex) : ex;
        }
        finally
        {
            if (watch != null)
            {
                watch.close();
            }
        }
        if (watch != null && watch.gaveUp() != null)
        {
            throw new IllegalStateException(watch.gaveUp());
        }
        final long end = System.nanoTime();
        Arrays.sort(latencies);
        return new Pass((end - start) / 1e9, percentile(latencies, 0.50), percentile(latencies, 0.99), wrong.get(),
            failed.get(), checksum.get(), killed);
    }

    private static long submitAll(final ProcessPool pool, final Config config, final LongConsumer progress,
        final int killAt, final long[] latencies, final AtomicLong finished, final AtomicLong wrong,
        final AtomicLong failed, final AtomicLong checksum)
    {
        long killed = 0;
        for (int i = 0; i < config.jobs(); i += config.batch())
        {
            final int count = Math.min(config.jobs(), i + config.batch()) - i;
            final long submitted = System.nanoTime();
            final List<CompletableFuture<byte[]>> fs = submit(pool, config, i, count);
            for (int k = 0; k < fs.size(); k++)
            {
                final int index = i + k;
                fs.get(k).whenComplete((bytes, error) ->
                {
                    latencies[index] = System.nanoTime() - submitted;
                    if (error != null)
                    {
                        failed.incrementAndGet();
                    }
                    else if (new UnsafeBuffer(bytes).getLong(0) != DemoHandlers.mix(index))
                    {
                        wrong.incrementAndGet();
                    }
                    else
                    {
                        checksum.addAndGet(DemoHandlers.mix(index));
                    }
                    progress.accept(finished.incrementAndGet());
                });
            }
            if (killAt >= 0 && i >= killAt && killed == 0)
            {
                killed = pool.killWorker(ThreadLocalRandom.current().nextInt(config.workers()));
            }
        }
        return killed;
    }

    /**
     * Jobs {@code first .. first + count - 1}: one {@code submit} each when unbatched, else one batch; keyed
     * {@code hash-INDEX} only with a journal (the keys name the jobs a resumed run can skip).
     */
    private static List<CompletableFuture<byte[]>> submit(final ProcessPool pool, final Config config,
        final int first, final int count)
    {
        if (config.journal() == null && count == 1)
        {
            return List.of(pool.submit(DemoHandlers.HASH, DemoHandlers.argument(first, config.workMicros())));
        }
        final List<byte[]> batch = new ArrayList<>(count);
        final List<String> keys = new ArrayList<>(count);
        for (int j = first; j < first + count; j++)
        {
            batch.add(DemoHandlers.argument(j, config.workMicros()));
            if (config.journal() != null)
            {
                keys.add("hash-" + j);
            }
        }
        return config.journal() != null ? pool.submitBatch(DemoHandlers.HASH, keys, batch) :
            pool.submitBatch(DemoHandlers.HASH, batch);
    }

    /**
     * One pass: wall time, latency percentiles (µs), results wrong and failed, their checksum, the pid chaos killed.
     */
    private record Pass(double seconds, double p50Micros, double p99Micros, long wrong, long failed, long checksum,
        long killedPid)
    {
        /** No second pass: nothing run, nothing wrong (its 0 seconds is what the result reports as "none"). */
        static final Pass NONE = new Pass(0, 0, 0, 0, 0, 0, 0);
    }

    private static void awaitHosts(final ProcessPool pool, final Config config)
    {
        final long deadline = System.nanoTime() + config.hostWait().toNanos();
        while (pool.remoteHosts() < config.minHosts())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("no agent connected to " + config.listen() + " within " +
                    config.hostWait().toSeconds() + " s (" + pool.remoteHosts() + " of " + config.minHosts() +
                    "); start one with: shoal agent --connect HOST:PORT");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling a deadline-based wait
        }
    }

    /**
     * With remote hosts only: watches, from a thread of its own, for every agent gone with none back within the
     * host wait, and then stops the pool, so that a submit waiting for room in the ring and a join waiting for
     * results both end (the jobs would wait for a host for ever).
     */
    private static final class HostWatch implements AutoCloseable
    {
        private final Thread thread;
        private volatile boolean stop;
        private volatile String gaveUp;

        HostWatch(final ProcessPool pool, final Config config)
        {
            thread = new Thread(() -> watch(pool, config), "shoal-demo-host-watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void watch(final ProcessPool pool, final Config config)
        {
            long hostlessSince = 0;
            while (!stop)
            {
                if (pool.remoteHosts() > 0)
                {
                    hostlessSince = 0;
                }
                else if (hostlessSince == 0)
                {
                    hostlessSince = System.nanoTime();
                }
                else if (System.nanoTime() - hostlessSince > config.hostWait().toNanos())
                {
                    final long left = pool.stats().pending();
                    gaveUp = "every agent of " + config.listen() + " is gone and none came back within " +
                        config.hostWait().toSeconds() + " s; " + left + " job(s) not done";
                    pool.shutdownNow();
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // polling a deadline-based wait
            }
        }

        /**
         * @return why the run was given up, or null.
         */
        String gaveUp()
        {
            return gaveUp;
        }

        @Override
        public void close()
        {
            stop = true;
            LockSupport.unpark(thread);
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static double percentile(final long[] sorted, final double p)
    {
        if (sorted.length == 0)
        {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int)(p * sorted.length))] / 1000.0;
    }
}
