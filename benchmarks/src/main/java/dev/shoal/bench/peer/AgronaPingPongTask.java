package dev.shoal.bench.peer;

import java.nio.MappedByteBuffer;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Child side of {@link AgronaPingPongPeer}: the pinger writes to {@code ping} and reads {@code pong}; the ponger
 * the other way round.
 */
public final class AgronaPingPongTask implements ChildTask
{
    private MappedByteBuffer outMap;
    private MappedByteBuffer inMap;
    private RingBuffer out;
    private RingBuffer in;
    private boolean pinger;
    private int size;
    private long ops;
    private long[] samples;
    private UnsafeBuffer source;
    private long received;

    @Override
    public void open(final ChildArgs args)
    {
        pinger = "ping".equals(args.get("role"));
        size = args.getInt("size");
        ops = args.getLong("ops");
        samples = new long[(int)ops];
        source = new UnsafeBuffer(new byte[size]);
        outMap = IoUtil.mapExistingFile(args.dir().resolve(pinger ? "ping" : "pong").toFile(), "out");
        inMap = IoUtil.mapExistingFile(args.dir().resolve(pinger ? "pong" : "ping").toFile(), "in");
        out = new OneToOneRingBuffer(new UnsafeBuffer(outMap));
        in = new OneToOneRingBuffer(new UnsafeBuffer(inMap));
    }

    @Override
    public void run(final long run, final RunRecord record)
    {
        record.startNs = System.nanoTime();
        for (long i = 0; i < ops; i++)
        {
            final long id = run * ops + i;
            if (pinger)
            {
                final long sent = System.nanoTime();
                send(id);
                awaitEcho(id);
                samples[(int)i] = System.nanoTime() - sent;
            }
            else
            {
                awaitEcho(id);
                send(id);
            }
        }
        record.endNs = System.nanoTime();
        record.ops = ops;
        if (pinger)
        {
            record.percentilesOf(samples, (int)ops);
        }
    }

    private void send(final long id)
    {
        Payload.fill(source, 0, size, id);
        while (!out.write(1, source, 0, size))
        {
            Thread.onSpinWait();
        }
    }

    private void awaitEcho(final long id)
    {
        received = -1;
        while (in.read(this::onMessage, 1) == 0)
        {
            Thread.onSpinWait();
        }
        if (received != id)
        {
            throw new IllegalStateException("expected message " + id + ", got " + received);
        }
    }

    private void onMessage(final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        received = Payload.check(buffer, offset, length, size);
    }

    @Override
    public void close()
    {
        IoUtil.unmap(outMap);
        IoUtil.unmap(inMap);
    }
}
