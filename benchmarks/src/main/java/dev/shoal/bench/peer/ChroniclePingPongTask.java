package dev.shoal.bench.peer;

import dev.shoal.bench.proc.ChildArgs;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;

/**
 * Child side of {@link ChroniclePingPongPeer}: appends to one queue, tails the other.
 */
public final class ChroniclePingPongTask extends PingPongTask
{
    private ChronicleQueue outQueue;
    private ChronicleQueue inQueue;
    private ExcerptAppender appender;
    private ExcerptTailer tailer;
    private Bytes<?> outBytes;
    private Bytes<?> inBytes;

    @Override
    protected void openChannels(final ChildArgs args)
    {
        outQueue = ChronicleQueue.singleBuilder(args.dir().resolve(pinger ? "ping" : "pong")).build();
        inQueue = ChronicleQueue.singleBuilder(args.dir().resolve(pinger ? "pong" : "ping")).build();
        appender = outQueue.createAppender();
        tailer = inQueue.createTailer();
        outBytes = ChronicleBytes.payload(size);
        inBytes = ChronicleBytes.payload(size);
    }

    @Override
    protected void send(final long id)
    {
        ChronicleBytes.fill(outBytes, size, id);
        appender.writeBytes(outBytes);
    }

    @Override
    protected long receive()
    {
        while (true)
        {
            inBytes.clear();
            if (tailer.readBytes(inBytes))
            {
                return ChronicleBytes.check(inBytes, size);
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void close()
    {
        outBytes.releaseLast();
        inBytes.releaseLast();
        appender.close();
        tailer.close();
        outQueue.close();
        inQueue.close();
    }
}
