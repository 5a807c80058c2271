package dev.shoal.bench.model;

/**
 * The parameters of one measured case. Workloads set what they need; the rest keep their defaults.
 *
 * @param workload   contract name, e.g. {@code handoff-1p1c-32}.
 * @param producers  producer processes (or threads for in-process peers).
 * @param consumers  consumer processes (or threads).
 * @param sizeBytes  job / message size.
 * @param records    heap size for heap workloads.
 * @param fileBytes  input file size for file workloads.
 * @param opsPerRun  operations per measured run (messages, round trips, increments, pairs).
 * @param warmups    runs done and thrown away first.
 * @param runs       runs measured.
 * @param quick      whether this is a {@code --quick} run.
 * @param scaling    scaling dimension ({@code size}, {@code consumers}, {@code records}) or null.
 */
public record CaseParams(
    String workload,
    int producers,
    int consumers,
    int sizeBytes,
    int records,
    long fileBytes,
    long opsPerRun,
    int warmups,
    int runs,
    boolean quick,
    String scaling)
{
    /**
     * @param workload contract name.
     * @param quick    whether this is a quick run.
     * @return parameters with 1 producer, 1 consumer, 32 bytes, 10k records and the run counts for the mode.
     */
    public static CaseParams of(final String workload, final boolean quick)
    {
        return new CaseParams(workload, 1, 1, 32, 10_000, 0, quick ? 200_000 : 2_000_000, quick ? 1 : 2,
            quick ? 3 : 7, quick, null);
    }

    /**
     * @param p producers.
     * @param c consumers.
     * @return a copy with these counts.
     */
    public CaseParams withProcesses(final int p, final int c)
    {
        return new CaseParams(workload, p, c, sizeBytes, records, fileBytes, opsPerRun, warmups, runs, quick, scaling);
    }

    /**
     * @param bytes message size.
     * @return a copy with this size.
     */
    public CaseParams withSize(final int bytes)
    {
        return new CaseParams(workload, producers, consumers, bytes, records, fileBytes, opsPerRun,
            warmups, runs, quick, scaling);
    }

    /**
     * @param n heap records.
     * @return a copy with this heap size.
     */
    public CaseParams withRecords(final int n)
    {
        return new CaseParams(workload, producers, consumers, sizeBytes, n, fileBytes, opsPerRun,
            warmups, runs, quick, scaling);
    }

    /**
     * @param bytes input file size.
     * @return a copy with this file size.
     */
    public CaseParams withFileBytes(final long bytes)
    {
        return new CaseParams(workload, producers, consumers, sizeBytes, records, bytes, opsPerRun, warmups, runs,
            quick, scaling);
    }

    /**
     * @param ops operations per run.
     * @return a copy with this count.
     */
    public CaseParams withOps(final long ops)
    {
        return new CaseParams(workload, producers, consumers, sizeBytes, records, fileBytes, ops,
            warmups, runs, quick, scaling);
    }

    /**
     * @param name workload name.
     * @param dimension scaling dimension or null.
     * @return a copy under another name.
     */
    public CaseParams named(final String name, final String dimension)
    {
        return new CaseParams(name, producers, consumers, sizeBytes, records, fileBytes, opsPerRun,
            warmups, runs, quick,
            dimension);
    }

    /**
     * @param divisor number the run's operations must divide by (e.g. producers x consumers).
     * @return operations per run rounded down to a multiple of the divisor (at least one multiple).
     */
    public long opsDivisibleBy(final long divisor)
    {
        return Math.max(divisor, opsPerRun / divisor * divisor);
    }

    /**
     * @return warm-up runs plus measured runs.
     */
    public int totalRuns()
    {
        return warmups + runs;
    }
}
