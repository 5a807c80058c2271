package dev.shoal.bench.peer;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.CrossProcessCase;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;

/**
 * Shoal's {@code JobRing} ({@code shoal}) shared by producer and consumer JVMs: one multi-producer
 * multi-consumer ring, every consumer takes whichever job is next (work sharing, unlike the per-consumer rings
 * of {@code agrona-m2o}). A region also holds one counter the producers bump when they finish a run: the last
 * one offers one poison pill per consumer behind every job of the run, as the in-process peers do.
 * <p>
 * The ring has as many slots as fit in {@link AgronaRingPeer#CAPACITY} bytes of payload (at most
 * {@link #MAX_SLOTS}, at least {@link #MIN_SLOTS}), so it buffers about as much as the Agrona ring does.
 */
public final class ShoalHandoffPeer extends ProcessHandoffPeer
{
    /** The ring's name in the region. */
    static final String RING = "jobs";
    /** The producers' end-of-run counter in the region. */
    static final String FINISHED = "finished";
    /** Most slots, as many as the JCTools queue holds. */
    static final int MAX_SLOTS = InprocQueueTask.CAPACITY;
    /** Fewest slots. */
    static final int MIN_SLOTS = 16;

    @Override
    public String impl()
    {
        return "shoal";
    }

    @Override
    protected Class<? extends ChildTask> task()
    {
        return ShoalHandoffTask.class;
    }

    @Override
    protected void prepare(final CrossProcessCase shared, final CaseParams params)
    {
        final int slotBytes = slotBytes(params.sizeBytes());
        final RegionSpec spec = RegionSpec.builder()
            .jobRing(RING, slots(slotBytes), slotBytes)
            .paddedLongArray(FINISHED, 2)
            .build();
        Region.create(shared.file("region").toString(), spec).close();
    }

    /**
     * @param size job size.
     * @return slot size: the job rounded up to a multiple of 8.
     */
    static int slotBytes(final int size)
    {
        return (size + 7) & ~7;
    }

    /**
     * @param slotBytes slot size.
     * @return slot count, a power of two.
     */
    static int slots(final int slotBytes)
    {
        final int fit = Integer.highestOneBit(Math.max(1, AgronaRingPeer.CAPACITY / slotBytes));
        return Math.max(MIN_SLOTS, Math.min(MAX_SLOTS, fit));
    }
}
