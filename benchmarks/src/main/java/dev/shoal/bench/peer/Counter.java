package dev.shoal.bench.peer;

import java.util.ArrayList;
import java.util.List;

import dev.shoal.bench.model.RunSample;
import dev.shoal.bench.proc.RunRecord;

/**
 * The counter workload: two workers each add 1 to a counter {@code ops / 2} times per run, either all on one
 * shared element ({@code shared-element}) or each on its own element on its own cache line
 * ({@code padded-per-worker}). The caller checks the final counter values after the runs.
 */
public final class Counter
{
    /** Variant: both workers on element 0. */
    public static final String SHARED = "shared-element";
    /** Variant: worker i on its own padded element. */
    public static final String PADDED = "padded-per-worker";
    /** Workers. */
    public static final int WORKERS = 2;

    private Counter()
    {
    }

    /**
     * @param runs      records per run.
     * @param warmups   runs to drop.
     * @param opsPerRun increments per run, all workers together.
     * @return samples: increments over the wall time from first start to last end.
     */
    public static List<RunSample> samples(final List<RunRecord[]> runs, final int warmups, final long opsPerRun)
    {
        final List<RunSample> samples = new ArrayList<>();
        for (int r = warmups; r < runs.size(); r++)
        {
            long ops = 0;
            long start = Long.MAX_VALUE;
            long end = Long.MIN_VALUE;
            for (final RunRecord record : runs.get(r))
            {
                ops += record.ops;
                start = Math.min(start, record.startNs);
                end = Math.max(end, record.endNs);
            }
            if (ops != opsPerRun)
            {
                throw new IllegalStateException("run " + r + ": " + ops + " increments, expected " + opsPerRun);
            }
            samples.add(RunSample.throughput(ops, end - start));
        }
        return samples;
    }
}
