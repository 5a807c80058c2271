package dev.shoal.bench.model;

/**
 * One measured run.
 *
 * @param ops     operations done in the run.
 * @param nanos   wall time of the run.
 * @param p50Ns   median round trip (0 when not a round-trip workload).
 * @param p99Ns   99th percentile round trip.
 * @param p999Ns  99.9th percentile round trip.
 */
public record RunSample(long ops, long nanos, long p50Ns, long p99Ns, long p999Ns)
{
    /**
     * @param ops   operations.
     * @param nanos wall time.
     * @return a throughput-only sample.
     */
    public static RunSample throughput(final long ops, final long nanos)
    {
        return new RunSample(ops, nanos, 0, 0, 0);
    }

    /**
     * @return operations per second.
     */
    public double opsPerSecond()
    {
        return nanos <= 0 ? 0.0 : ops * 1e9 / nanos;
    }

    /**
     * @return whether percentiles were measured.
     */
    public boolean hasLatency()
    {
        return p50Ns > 0;
    }
}
