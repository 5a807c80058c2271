package dev.shoal.bench.peer;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;

/**
 * Child side of {@link ChroniclePingPongPeer}: appends to one queue, tails the other.
 */
public final class ChroniclePingPongTask implements ChildTask
{
    private ChronicleQueue outQueue;
    private ChronicleQueue inQueue;
    private ExcerptAppender appender;
    private ExcerptTailer tailer;
    private Bytes<?> outBytes;
    private Bytes<?> inBytes;
    private boolean pinger;
    private int size;
    private long ops;
    private long[] samples;

    @Override
    public void open(final ChildArgs args)
    {
        pinger = "ping".equals(args.get("role"));
        size = args.getInt("size");
        ops = args.getLong("ops");
        samples = new long[(int)ops];
        outQueue = ChronicleQueue.singleBuilder(args.dir().resolve(pinger ? "ping" : "pong")).build();
        inQueue = ChronicleQueue.singleBuilder(args.dir().resolve(pinger ? "pong" : "ping")).build();
        appender = outQueue.createAppender();
        tailer = inQueue.createTailer();
        outBytes = ChronicleBytes.payload(size);
        inBytes = ChronicleBytes.payload(size);
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
        ChronicleBytes.fill(outBytes, size, id);
        appender.writeBytes(outBytes);
    }

    private void awaitEcho(final long id)
    {
        while (true)
        {
            inBytes.clear();
            if (tailer.readBytes(inBytes))
            {
                break;
            }
            Thread.onSpinWait();
        }
        final long received = ChronicleBytes.check(inBytes, size);
        if (received != id)
        {
            throw new IllegalStateException("expected message " + id + ", got " + received);
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
