package dev.shoal.bench.peer;

import java.time.Duration;
import java.util.BitSet;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.proc.CrossProcessCase;
import dev.shoal.bench.proc.Pinning;
import dev.shoal.bench.proc.RunRecord;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.ScheduleEntry;
import dev.shoal.core.ScheduleHeap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Shoal's {@code ScheduleHeap} ({@code shoal}) from two worker JVMs: the same work as {@link PbqHeapPeer} and
 * {@link RedisHeapPeer}. The harness fills a heap of {@code records} records (key {@code i}, an 8-byte payload
 * holding {@code i}); each worker polls the head and reschedules it with its key plus {@code records},
 * {@code ops / 2} pairs per run. After the runs the heap must hold every payload exactly once, with none leased,
 * and its counters must show every pair.
 */
public final class ShoalHeapPeer implements PeerImpl
{
    /** The heap's name in the region. */
    static final String HEAP = "heap";

    @Override
    public String impl()
    {
        return "shoal";
    }

    @Override
    public List<Measurement> run(final CaseParams params)
    {
        final long ops = params.opsDivisibleBy(Counter.WORKERS);
        final int records = params.records();
        try (CrossProcessCase shared = new CrossProcessCase("shoal-heap"))
        {
            final String path = shared.file("region").toString();
            final RegionSpec spec = RegionSpec.builder().scheduleHeap(HEAP, records, Long.BYTES).build();
            try (Region region = Region.create(path, spec))
            {
                fill(region, records);
                for (int w = 0; w < Counter.WORKERS; w++)
                {
                    shared.start(ShoalHeapTask.class, shared.baseArgs().put("region", path).put("records", records)
                        .put("ops", ops / Counter.WORKERS), Pinning.cpuFor(w, Counter.WORKERS),
                        ProcessHandoffPeer.CHILD_JVM);
                }
                final List<RunRecord[]> runs = shared.runAll(params.totalRuns(), Duration.ofSeconds(60));
                check(region, records, ops * params.totalRuns());
                return List.of(Measurement.of(Counter.samples(runs, params.warmups(), ops),
                    Pinning.pins(Counter.WORKERS), Counter.WORKERS).with("records", records)
                    .with("workers", Counter.WORKERS));
            }
        }
    }

    private static void fill(final Region region, final int records)
    {
        try (ScheduleHeap heap = ScheduleHeap.open(region, HEAP))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[Long.BYTES]);
            for (int i = 0; i < records; i++)
            {
                payload.putLong(0, i);
                if (heap.push(i, payload, 0, Long.BYTES) == ScheduleHeap.FULL)
                {
                    throw new IllegalStateException("heap full after " + i + " of " + records + " records");
                }
            }
        }
    }

    private static void check(final Region region, final int records, final long pairs)
    {
        try (ScheduleHeap heap = ScheduleHeap.open(region, HEAP))
        {
            heap.verify();
            final BitSet seen = new BitSet(records);
            for (final ScheduleEntry e : heap.snapshot())
            {
                final long i = new UnsafeBuffer(e.payload()).getLong(0);
                if (e.leased() || i < 0 || i >= records || seen.get((int)i))
                {
                    throw new IllegalStateException("heap record " + e + " leased, out of range or duplicated");
                }
                seen.set((int)i);
            }
            final long reschedules = heap.stats().counters().reschedules();
            if (seen.cardinality() != records || reschedules != pairs)
            {
                throw new IllegalStateException("heap holds " + seen.cardinality() + " of " + records +
                    " records after " + reschedules + " reschedules, expected " + pairs);
            }
        }
    }
}
