package dev.shoal.bench.peer;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.CrossProcessCase;
import org.agrona.IoUtil;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Agrona's {@code ManyToOneRingBuffer} ({@code agrona-m2o}) or {@code OneToOneRingBuffer} ({@code agrona-o2o})
 * over a mapped file shared by producer and consumer JVMs.
 * <p>
 * Both have a single consumer. For several consumers, {@code agrona-m2o} uses one ring per consumer and every
 * producer sends job {@code id} to ring {@code id % C} (round robin): the usual way to fan out with M2O, and
 * static partitioning, not work stealing (a slow consumer is not helped by the others). {@code agrona-o2o} also
 * has a single producer, so it only runs 1P1C and is skipped with a reason elsewhere.
 */
public final class AgronaRingPeer extends ProcessHandoffPeer
{
    /** Ring capacity in bytes (a power of two): large enough for 64 KiB messages. */
    public static final int CAPACITY = 1 << 20;

    private final boolean manyToOne;

    /**
     * @param manyToOne true for {@code ManyToOneRingBuffer}, false for {@code OneToOneRingBuffer}.
     */
    public AgronaRingPeer(final boolean manyToOne)
    {
        this.manyToOne = manyToOne;
    }

    @Override
    public String impl()
    {
        return manyToOne ? "agrona-m2o" : "agrona-o2o";
    }

    @Override
    public String skipReason(final CaseParams params)
    {
        if (!manyToOne && (params.producers() != 1 || params.consumers() != 1))
        {
            return "OneToOneRingBuffer has one producer and one consumer: runs 1P1C only";
        }
        if (params.sizeBytes() > CAPACITY / 8)
        {
            return "message of " + params.sizeBytes() + " B above the ring's max message length " + CAPACITY / 8;
        }
        return null;
    }

    @Override
    protected Class<? extends ChildTask> task()
    {
        return AgronaRingTask.class;
    }

    @Override
    protected ChildArgs extraArgs(final CaseParams params)
    {
        return ChildArgs.create().put("kind", manyToOne ? "m2o" : "o2o");
    }

    @Override
    protected void prepare(final CrossProcessCase shared, final CaseParams params)
    {
        for (int c = 0; c < params.consumers(); c++)
        {
            createRingFile(shared, "ring-" + c);
        }
    }

    /**
     * Creates a zeroed ring file of {@link #CAPACITY} plus the trailer.
     *
     * @param shared the case.
     * @param name   file name.
     */
    static void createRingFile(final CrossProcessCase shared, final String name)
    {
        IoUtil.unmap(IoUtil.mapNewFile(shared.file(name).toFile(), CAPACITY + RingBufferDescriptor.TRAILER_LENGTH));
    }
}
