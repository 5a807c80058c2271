package dev.shoal.bench.proc;

/**
 * What one child measured in one run: its own start and end ({@link System#nanoTime()}, CLOCK_MONOTONIC on
 * Linux, so comparable between processes), the operations it counted, a checksum of what it saw, and round-trip
 * percentiles when it measured any.
 */
public final class RunRecord
{
    /** When this child started the run. */
    public long startNs;
    /** When this child finished the run. */
    public long endNs;
    /** Operations this child counted (messages consumed, increments, round trips, pairs). */
    public long ops;
    /** Checksum of what the child handled, for the harness to compare with what was sent. */
    public long sum;
    /** Median round trip, 0 when not measured. */
    public long p50Ns;
    /** 99th percentile round trip, 0 when not measured. */
    public long p99Ns;
    /** 99.9th percentile round trip, 0 when not measured. */
    public long p999Ns;

    /**
     * Fills the percentiles from round-trip samples (sorts them in place).
     *
     * @param samples nanosecond samples.
     * @param count   how many of them are valid.
     */
    public void percentilesOf(final long[] samples, final int count)
    {
        java.util.Arrays.sort(samples, 0, count);
        p50Ns = Percentiles.nearestRank(samples, count, 50.0);
        p99Ns = Percentiles.nearestRank(samples, count, 99.0);
        p999Ns = Percentiles.nearestRank(samples, count, 99.9);
    }
}
