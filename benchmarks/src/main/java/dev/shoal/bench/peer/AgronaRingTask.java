package dev.shoal.bench.peer;

import java.nio.MappedByteBuffer;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Child side of {@link AgronaRingPeer}: a producer writes its share of each run into ring {@code id % C}; a
 * consumer reads its ring until it has its share, checking every payload.
 */
public final class AgronaRingTask implements ChildTask
{
    private static final int MSG_TYPE = 1;

    private MappedByteBuffer[] mapped;
    private RingBuffer[] rings;
    private boolean producer;
    private int index;
    private int producers;
    private int consumers;
    private int size;
    private long ops;
    private UnsafeBuffer source;
    private final IdleStrategy idle = Idle.strategy();
    private long count;
    private long sum;

    @Override
    public void open(final ChildArgs args)
    {
        producer = "producer".equals(args.get("role"));
        index = args.getInt("index");
        producers = args.getInt("producers");
        consumers = args.getInt("consumers");
        size = args.getInt("size");
        ops = args.getLong("ops");
        final boolean m2o = "m2o".equals(args.get("kind"));
        final int ringCount = producer ? consumers : 1;
        mapped = new MappedByteBuffer[ringCount];
        rings = new RingBuffer[ringCount];
        for (int i = 0; i < ringCount; i++)
        {
            final int ring = producer ? i : index;
            mapped[i] = IoUtil.mapExistingFile(args.dir().resolve("ring-" + ring).toFile(), "ring");
            final UnsafeBuffer buffer = new UnsafeBuffer(mapped[i]);
            rings[i] = m2o ? new ManyToOneRingBuffer(buffer) : new OneToOneRingBuffer(buffer);
        }
        source = new UnsafeBuffer(new byte[size]);
    }

    @Override
    public void run(final long run, final RunRecord record)
    {
        record.startNs = System.nanoTime();
        if (producer)
        {
            produce(run);
            record.ops = ops / producers;
        }
        else
        {
            consume(record);
        }
        record.endNs = System.nanoTime();
    }

    private void produce(final long run)
    {
        final long share = ops / producers;
        for (long i = 0; i < share; i++)
        {
            final long id = Handoff.id(run, ops, producers, index, i);
            Payload.fill(source, 0, size, id);
            final RingBuffer ring = rings[(int)(id % consumers)];
            idle.reset();
            while (!ring.write(MSG_TYPE, source, 0, size))
            {
                idle.idle();
            }
        }
    }

    private void consume(final RunRecord record)
    {
        final long share = ops / consumers;
        count = 0;
        sum = 0;
        final RingBuffer ring = rings[0];
        while (count < share)
        {
            final int read = ring.read(this::onMessage, (int)Math.min(Integer.MAX_VALUE, share - count));
            if (read == 0)
            {
                idle.idle();
            }
            else
            {
                idle.reset();
            }
        }
        record.ops = count;
        record.sum = sum;
    }

    private void onMessage(final int msgType, final DirectBuffer buffer, final int offset, final int length)
    {
        final long id = Payload.check(buffer, offset, length, size);
        if (id % consumers != index)
        {
            throw new IllegalStateException("job " + id + " reached consumer " + index);
        }
        count++;
        sum += id;
    }

    @Override
    public void close()
    {
        for (final MappedByteBuffer m : mapped)
        {
            IoUtil.unmap(m);
        }
    }
}
