package dev.shoal.bench.peer;

import java.util.ArrayList;
import java.util.List;

import dev.shoal.bench.model.RunSample;
import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.RunRecord;

/**
 * The job numbering of the hand-off workloads, shared by every peer so they all do the same work. In run
 * {@code r} with {@code N} jobs, {@code P} producers and {@code C} consumers, producer {@code p} sends its
 * {@code i}-th job with id {@code (r * N/P + i) * P + p}, so the run's ids are exactly {@code r*N .. r*N+N-1};
 * a job goes to consumer {@code id % C} where the peer routes by consumer. Consumers report the count and the
 * sum of the ids they saw, and the harness compares them with the expected values.
 */
public final class Handoff
{
    private Handoff()
    {
    }

    /**
     * @param run       run index.
     * @param opsPerRun jobs per run.
     * @param producers producer count.
     * @param producer  producer index.
     * @param i         job index within this producer's share of the run.
     * @return the job's id.
     */
    public static long id(final long run, final long opsPerRun, final int producers, final int producer, final long i)
    {
        return (run * (opsPerRun / producers) + i) * producers + producer;
    }

    /**
     * @param run       run index.
     * @param opsPerRun jobs per run.
     * @return the sum of the run's ids.
     */
    public static long expectedSum(final long run, final long opsPerRun)
    {
        return opsPerRun * run * opsPerRun + opsPerRun * (opsPerRun - 1) / 2;
    }

    /**
     * Turns the children's records into samples: jobs counted by the consumer slots, wall time from the first
     * start to the last end of any child; checks the count and the id sum of every run.
     *
     * @param runs          records per run, by slot.
     * @param warmups       runs to drop.
     * @param firstConsumer first consumer slot (producers come first).
     * @param opsPerRun     jobs per run.
     * @return the measured samples.
     */
    public static List<RunSample> samples(
        final List<RunRecord[]> runs, final int warmups, final int firstConsumer, final long opsPerRun)
    {
        final List<RunSample> samples = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++)
        {
            final RunRecord[] records = runs.get(r);
            long ops = 0;
            long sum = 0;
            long start = Long.MAX_VALUE;
            long end = Long.MIN_VALUE;
            for (int slot = 0; slot < records.length; slot++)
            {
                start = Math.min(start, records[slot].startNs);
                end = Math.max(end, records[slot].endNs);
                if (slot >= firstConsumer)
                {
                    ops += records[slot].ops;
                    sum += records[slot].sum;
                }
            }
            if (ops != opsPerRun || sum != expectedSum(r, opsPerRun))
            {
                throw new IllegalStateException("run " + r + ": consumers saw " + ops + " jobs with id sum " + sum +
                    ", expected " + opsPerRun + " with sum " + expectedSum(r, opsPerRun));
            }
            if (r >= warmups)
            {
                samples.add(RunSample.throughput(ops, end - start));
            }
        }
        return samples;
    }

    /**
     * @param base      the case's base arguments.
     * @param role      producer or consumer.
     * @param index     index within the role.
     * @param producers producer count.
     * @param consumers consumer count.
     * @param size      payload size.
     * @param opsPerRun jobs per run.
     * @return the child's arguments.
     */
    public static ChildArgs args(
        final ChildArgs base, final String role, final int index, final int producers, final int consumers,
        final int size, final long opsPerRun)
    {
        return base.copy().put("role", role).put("index", index).put("producers", producers)
            .put("consumers", consumers).put("size", size).put("ops", opsPerRun);
    }
}
