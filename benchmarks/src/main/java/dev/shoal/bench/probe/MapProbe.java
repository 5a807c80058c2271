package dev.shoal.bench.probe;

import java.util.ArrayList;
import java.util.List;

import dev.shoal.cli.demo.DemoHandlers;
import dev.shoal.pool.ProcessPool;

/**
 * {@code ProcessPool.map} over tiny jobs, many times in one JVM: the bench's {@code pool-tiny} map variant (the
 * {@code hash} handler, 64 arguments per slot, 2 worker JVMs) without the rest of the bench around it. Prints each
 * round's rate and the bytes the JVM allocated per job (all threads), so a change to the map path can be measured
 * against the build before it, alternating. Give the JVM a fixed, pre-touched heap
 * ({@code -Xms3g -Xmx3g -Xmn1g -XX:+AlwaysPreTouch}): on a growing heap the rounds measure first-touch page faults
 * and pauses, not the pool (docs/benchmarks.md, session 10).
 *
 * <pre>
 * java @config/jvm/core.args -Xms3g -Xmx3g -Xmn1g -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar \
 *     dev.shoal.bench.probe.MapProbe 1000000 12
 * </pre>
 */
public final class MapProbe
{
    private MapProbe()
    {
    }

    /**
     * @param args jobs per round, rounds.
     * @throws Exception when the pool fails.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length != 2)
        {
            System.err.println("usage: MapProbe JOBS ROUNDS");
            System.exit(2);
        }
        final int jobs = Integer.parseInt(args[0]);
        final int rounds = Integer.parseInt(args[1]);
        final List<byte[]> arguments = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++)
        {
            arguments.add(DemoHandlers.argument(i, 0));
        }
        try (ProcessPool pool = ProcessPool.builder(DemoHandlers.class).workers(2).threadsPerWorker(1)
            .logSink(line -> { }).start())
        {
            for (int r = 0; r < rounds; r++)
            {
                final long allocatedBefore = allocatedBytes();
                final long start = System.nanoTime();
                final List<byte[]> results = pool.map(DemoHandlers.HASH, arguments, 64);
                final long nanos = System.nanoTime() - start;
                final long allocated = allocatedBytes() - allocatedBefore;
                if (results.size() != jobs)
                {
                    throw new IllegalStateException("map returned " + results.size() + " results for " + jobs);
                }
                System.out.printf("round %d: %.2f M jobs/s (%d ms), %d bytes allocated per job%n", r,
                    jobs * 1e3 / nanos, nanos / 1_000_000, allocated / jobs);
            }
        }
    }

    private static long allocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (final long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds()))
        {
            sum += Math.max(0, bytes);
        }
        return sum;
    }
}
