package dev.shoal.bench.peer;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;
import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Child side of {@link ShoalPingPongPeer}: the pinger offers to {@code ping} and polls {@code pong}; the ponger
 * the other way round. Every message is checked and acknowledged.
 */
public final class ShoalPingPongTask implements ChildTask, JobHandler
{
    private Region region;
    private JobProducer out;
    private JobConsumer in;
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
        region = Region.open(args.dir().resolve("region").toString());
        out = JobRing.open(region, pinger ? ShoalPingPongPeer.PING : ShoalPingPongPeer.PONG).producer();
        in = JobRing.open(region, pinger ? ShoalPingPongPeer.PONG : ShoalPingPongPeer.PING).consumer();
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
        while (!out.offer(source, 0, size))
        {
            Thread.onSpinWait();
        }
    }

    private void awaitEcho(final long id)
    {
        received = -1;
        while (!in.poll(this))
        {
            Thread.onSpinWait();
        }
        in.taskDone();
        if (received != id)
        {
            throw new IllegalStateException("expected message " + id + ", got " + received);
        }
    }

    @Override
    public void onJob(
        final long jobId, final int attempt, final DirectBuffer buffer, final int offset, final int length)
    {
        received = Payload.check(buffer, offset, length, size);
    }

    @Override
    public void close()
    {
        out.close();
        in.close();
        region.close();
    }
}
