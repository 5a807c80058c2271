package dev.shoal.bench.peer;

import java.nio.MappedByteBuffer;

import dev.shoal.bench.proc.ChildArgs;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Child side of {@link AgronaPingPongPeer}: the pinger writes to {@code ping} and reads {@code pong}; the ponger
 * the other way round.
 */
public final class AgronaPingPongTask extends PingPongTask
{
    private MappedByteBuffer outMap;
    private MappedByteBuffer inMap;
    private RingBuffer out;
    private RingBuffer in;
    private UnsafeBuffer source;
    private long received;

    @Override
    protected void openChannels(final ChildArgs args)
    {
        source = new UnsafeBuffer(new byte[size]);
        outMap = IoUtil.mapExistingFile(args.dir().resolve(pinger ? "ping" : "pong").toFile(), "out");
        inMap = IoUtil.mapExistingFile(args.dir().resolve(pinger ? "pong" : "ping").toFile(), "in");
        out = new OneToOneRingBuffer(new UnsafeBuffer(outMap));
        in = new OneToOneRingBuffer(new UnsafeBuffer(inMap));
    }

    @Override
    protected void send(final long id)
    {
        Payload.fill(source, 0, size, id);
        while (!out.write(1, source, 0, size))
        {
            Thread.onSpinWait();
        }
    }

    @Override
    protected long receive()
    {
        received = -1;
        while (in.read(this::onMessage, 1) == 0)
        {
            Thread.onSpinWait();
        }
        return received;
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
