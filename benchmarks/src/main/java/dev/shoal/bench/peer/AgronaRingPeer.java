package dev.shoal.bench.peer;

import java.util.ArrayList;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
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
 * static partitioning, not work stealing (a slow consumer is not helped by the others). {@code agrona-m2o-1c}
 * ({@link #oneConsumer()}) runs the same producers into one ring with one consumer, whatever the case's consumer
 * count: what {@code ManyToOneRingBuffer} does on its own, and the peer issue 14 sets Shoal's shared ring with two
 * consumers against. {@code agrona-o2o} also has a single producer, so it only runs 1P1C and is skipped with a
 * reason elsewhere.
 */
public final class AgronaRingPeer extends ProcessHandoffPeer
{
    /** Ring capacity in bytes (a power of two): large enough for 64 KiB messages. */
    public static final int CAPACITY = 1 << 20;

    private final boolean manyToOne;
    private final boolean oneConsumer;

    /**
     * @param manyToOne true for {@code ManyToOneRingBuffer}, false for {@code OneToOneRingBuffer}.
     */
    public AgronaRingPeer(final boolean manyToOne)
    {
        this(manyToOne, false);
    }

    private AgronaRingPeer(final boolean manyToOne, final boolean oneConsumer)
    {
        this.manyToOne = manyToOne;
        this.oneConsumer = oneConsumer;
    }

    /**
     * @return {@code agrona-m2o-1c}: the case's producers, one {@code ManyToOneRingBuffer}, one consumer; runs only
     * where the case has several consumers (with one it is {@code agrona-m2o}).
     */
    public static AgronaRingPeer oneConsumer()
    {
        return new AgronaRingPeer(true, true);
    }

    @Override
    public String impl()
    {
        return oneConsumer ? "agrona-m2o-1c" : manyToOne ? "agrona-m2o" : "agrona-o2o";
    }

    @Override
    public List<Measurement> run(final CaseParams params) throws Exception
    {
        if (!oneConsumer)
        {
            return super.run(params);
        }
        final List<Measurement> measured = new ArrayList<>();
        for (final Measurement m : super.run(params.withProcesses(params.producers(), 1)))
        {
            measured.add(m.with("consumers_run", 1));
        }
        return measured;
    }

    @Override
    public String skipReason(final CaseParams params)
    {
        if (oneConsumer && params.consumers() < 2)
        {
            return "one consumer already: the same run as agrona-m2o";
        }
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
