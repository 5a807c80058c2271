package dev.shoal.bench.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.model.RunSample;
import dev.shoal.bench.proc.RunRecord;
import dev.shoal.cli.demo.DemoHandlers;
import dev.shoal.pool.ProcessPool;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Shoal's {@code ProcessPool} ({@code shoal}) with {@link #WORKERS} worker JVMs (one consumer thread each) and
 * tiny jobs: the {@code hash} handler of {@link DemoHandlers} with no spin time, whose 8-byte result is checked
 * for every job. The harness JVM submits, as a Python program's main process does. Three variants, each with its
 * own warm-up and measured runs on one pool:
 * <ul>
 *   <li>{@code submit}: {@code opsPerRun} calls of {@code submit}, then waiting on every future; jobs/s from the
 *       first submit to the last completion (Python: {@code ProcessPoolExecutor.submit}).</li>
 *   <li>{@code map-chunk64}: one {@code map} over {@code opsPerRun} arguments, 64 per ring slot (Python:
 *       {@code Pool.map} with a chunksize).</li>
 *   <li>{@code submit-paced}: one job in flight at a time, {@link #pacedJobs} of them; p50/p99/p99.9 of
 *       submit-to-completion (from before {@code submit} to the moment the pool completes the future), and
 *       {@code p50_until_get_ns} up to the return of {@code get()} in the submitting thread (its wake-up
 *       included).</li>
 * </ul>
 */
public final class ShoalPoolPeer implements PeerImpl
{
    /** Worker JVMs. */
    public static final int WORKERS = 2;
    /** Arguments per ring slot in the map variant. */
    public static final int MAP_CHUNK = 64;

    @Override
    public String impl()
    {
        return "shoal";
    }

    @Override
    public List<Measurement> run(final CaseParams params) throws Exception
    {
        final int jobs = (int)params.opsPerRun();
        final List<byte[]> arguments = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++)
        {
            arguments.add(DemoHandlers.argument(i, 0));
        }
        final List<Measurement> result = new ArrayList<>();
        try (ProcessPool pool = ProcessPool.builder(DemoHandlers.class).workers(WORKERS).threadsPerWorker(1)
            .logSink(line -> { }).start())
        {
            final List<RunSample> submit = new ArrayList<>();
            final List<RunSample> map = new ArrayList<>();
            final List<RunSample> paced = new ArrayList<>();
            final long[] getP50 = new long[params.totalRuns()];
            final long[] oneGetP50 = new long[1];
            for (int r = 0; r < params.totalRuns(); r++)
            {
                final boolean keep = r >= params.warmups();
                add(keep, submit, submitAll(pool, arguments));
                add(keep, map, mapAll(pool, arguments));
                add(keep, paced, submitPaced(pool, pacedJobs(params), oneGetP50));
                getP50[r] = oneGetP50[0];
            }
            result.add(measurement(submit, "submit", pool));
            result.add(measurement(map, "map-chunk" + MAP_CHUNK, pool).with("chunk", MAP_CHUNK));
            result.add(measurement(paced, "submit-paced", pool).with("latency_mode", "serial")
                .with("p50_until_get_ns", medianAfter(getP50, params.warmups())));
        }
        return result;
    }

    /**
     * @param params the case.
     * @return jobs per run of the paced variant: a tenth of the flooded ones, at least 1000.
     */
    static int pacedJobs(final CaseParams params)
    {
        return (int)Math.max(1_000, params.opsPerRun() / 10);
    }

    private static Measurement measurement(final List<RunSample> samples, final String variant, final ProcessPool pool)
    {
        return Measurement.of(samples, false, 1 + WORKERS).withVariant(variant).with("workers", WORKERS)
            .with("threads_per_worker", 1).with("submitter", "harness JVM")
            .with("redelivered", pool.stats().redelivered());
    }

    private static long medianAfter(final long[] values, final int skip)
    {
        final long[] kept = java.util.Arrays.copyOfRange(values, skip, values.length);
        java.util.Arrays.sort(kept);
        return kept[kept.length / 2];
    }

    private static void add(final boolean keep, final List<RunSample> samples, final RunSample sample)
    {
        if (keep)
        {
            samples.add(sample);
        }
    }

    private static RunSample submitAll(final ProcessPool pool, final List<byte[]> arguments) throws Exception
    {
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>(arguments.size());
        final long start = System.nanoTime();
        for (final byte[] argument : arguments)
        {
            futures.add(pool.submit(DemoHandlers.HASH, argument));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        final long end = System.nanoTime();
        for (int i = 0; i < futures.size(); i++)
        {
            check(i, futures.get(i).get());
        }
        return RunSample.throughput(arguments.size(), end - start);
    }

    private static RunSample mapAll(final ProcessPool pool, final List<byte[]> arguments)
    {
        final long start = System.nanoTime();
        final List<byte[]> results = pool.map(DemoHandlers.HASH, arguments, MAP_CHUNK);
        final long end = System.nanoTime();
        for (int i = 0; i < results.size(); i++)
        {
            check(i, results.get(i));
        }
        if (results.size() != arguments.size())
        {
            throw new IllegalStateException("map returned " + results.size() + " results for " + arguments.size());
        }
        return RunSample.throughput(arguments.size(), end - start);
    }

    private static RunSample submitPaced(final ProcessPool pool, final int jobs, final long[] getP50) throws Exception
    {
        final long[] latencies = new long[jobs];
        final long[] untilGet = new long[jobs];
        final long[] completed = new long[1];
        final long start = System.nanoTime();
        for (int i = 0; i < jobs; i++)
        {
            final byte[] argument = DemoHandlers.argument(i, 0);
            final long submitted = System.nanoTime();
            final CompletableFuture<byte[]> future = pool.submit(DemoHandlers.HASH, argument);
            // Stamped by the thread that completes the future (the pool's result collector).
            final CompletableFuture<byte[]> stamped = future.whenComplete((r, t) -> completed[0] = System.nanoTime());
            final byte[] result = stamped.get(10, TimeUnit.SECONDS);
            untilGet[i] = System.nanoTime() - submitted;
            latencies[i] = completed[0] - submitted;
            check(i, result);
        }
        final long end = System.nanoTime();
        final RunRecord record = new RunRecord();
        record.percentilesOf(untilGet, jobs);
        getP50[0] = record.p50Ns;
        record.percentilesOf(latencies, jobs);
        return new RunSample(jobs, end - start, record.p50Ns, record.p99Ns, record.p999Ns);
    }

    private static void check(final long argument, final byte[] result)
    {
        if (result == null || result.length != Long.BYTES ||
            new UnsafeBuffer(result).getLong(0) != DemoHandlers.mix(argument))
        {
            throw new IllegalStateException("job " + argument + " returned a wrong result");
        }
    }
}
