package dev.shoal.bench.proc;

/**
 * Nearest-rank percentiles of sorted samples (the definition the Python peers use too).
 */
public final class Percentiles
{
    private Percentiles()
    {
    }

    /**
     * @param sorted     samples in ascending order.
     * @param count      number of valid samples at the start of the array.
     * @param percentile 0 &lt; p &lt;= 100.
     * @return the smallest sample such that at least p% of the samples are &lt;= it; 0 when there are none.
     */
    public static long nearestRank(final long[] sorted, final int count, final double percentile)
    {
        if (count == 0)
        {
            return 0;
        }
        final int rank = (int)Math.ceil(percentile * count / 100.0 - 1e-9); // 99.9% of 1000 is rank 999, not 1000
        return sorted[Math.min(count, Math.max(rank, 1)) - 1];
    }
}
