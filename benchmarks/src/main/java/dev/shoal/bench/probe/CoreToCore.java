package dev.shoal.bench.probe;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long one cache line takes to go from one CPU to the other and back: two threads pass a counter through two
 * words 128 bytes apart, each waiting for the other's last write before it writes its own. On a VM the figure is
 * not a constant of the machine: the host may run the two vCPUs on hardware threads of one core or on distant
 * cores, and move them. On this project's 2-vCPU machine the same build's ring ran 3x faster at one hour than at
 * the next; {@code shoal bench} records this figure before each workload, beside the workload's table, to find out
 * how far the placement explains such swings. So far it does not explain them all: on 2026-12-04 it read 500-860 ns
 * both in a run whose ping-pong p50 was 320 ns and in runs where it was about 1000 ns (see docs/benchmarks.md).
 *
 * <p>Threads, not processes: the figure is a property of the two CPUs, which a mapped file shares the same way.
 * Both threads spin, so on a machine with at least two CPUs the scheduler runs them on two; each wait has a
 * deadline, so a machine with one CPU (or a thread descheduled for good) gives a slow figure, never a hang.
 */
public final class CoreToCore
{
    /** Words of the array between the two flags: 128 bytes, so they never share a line (or an adjacent pair). */
    private static final int OTHER = 16;
    private static final int ROUND_TRIPS = 100_000;
    private static final int REPEATS = 5;
    private static final long DEADLINE_NANOS = 10_000_000_000L;

    private CoreToCore()
    {
    }

    /**
     * @return the median round trip in nanoseconds over {@value #REPEATS} runs of {@value #ROUND_TRIPS} (after
     *     one warm-up run), or -1 when a run missed its deadline.
     */
    public static long medianRoundTripNanos()
    {
        final long[] runs = new long[REPEATS];
        roundTripNanos(ROUND_TRIPS); // warm-up: both loops compiled before the runs that count
        for (int i = 0; i < REPEATS; i++)
        {
            runs[i] = roundTripNanos(ROUND_TRIPS);
            if (runs[i] < 0)
            {
                return -1;
            }
        }
        Arrays.sort(runs);
        return runs[REPEATS / 2];
    }

    /**
     * @param roundTrips how many times the counter goes there and back.
     * @return nanoseconds per round trip, or -1 when the run missed its deadline.
     */
    static long roundTripNanos(final int roundTrips)
    {
        final AtomicLongArray words = new AtomicLongArray(OTHER + 1);
        final long deadline = System.nanoTime() + DEADLINE_NANOS;
        final Thread echo = new Thread(() ->
        {
            for (long i = 1; i <= roundTrips; i++)
            {
                if (!await(words, 0, i, deadline))
                {
                    return;
                }
                words.setRelease(OTHER, i); // release: pairs with the starter's acquire read
            }
        }, "shoal-core-to-core");
        echo.setDaemon(true);
        echo.start();
        try
        {
            final long start = System.nanoTime();
            for (long i = 1; i <= roundTrips; i++)
            {
                words.setRelease(0, i); // release: pairs with the echo's acquire read
                if (!await(words, OTHER, i, deadline))
                {
                    return -1;
                }
            }
            return (System.nanoTime() - start) / roundTrips;
        }
        finally
        {
            words.setRelease(0, Long.MAX_VALUE); // an echo still waiting sees a value past any it waits for
            joinQuietly(echo);
        }
    }

    /**
     * Spins until {@code words[index]} reaches {@code value}, reading the clock only every 4096 spins.
     *
     * @return false when the deadline passed first.
     */
    private static boolean await(final AtomicLongArray words, final int index, final long value, final long deadline)
    {
        int spins = 0;
        while (words.getAcquire(index) < value) // acquire: sees what the writer wrote before its release
        {
            if ((++spins & 4095) == 0 && System.nanoTime() - deadline > 0)
            {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    private static void joinQuietly(final Thread thread)
    {
        try
        {
            thread.join(DEADLINE_NANOS / 1_000_000L);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Prints the median round trip.
     *
     * <pre>
     * java -cp benchmarks/target/benchmarks.jar dev.shoal.bench.probe.CoreToCore
     * </pre>
     *
     * @param args none.
     */
    public static void main(final String[] args)
    {
        System.out.println("core-to-core round trip: " + medianRoundTripNanos() + " ns");
    }
}
