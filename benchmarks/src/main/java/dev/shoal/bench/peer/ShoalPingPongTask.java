package dev.shoal.bench.peer;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Child side of {@link ShoalPingPongPeer}: the pinger offers to {@code ping} and drains one job from
 * {@code pong}; the ponger the other way round. Every message is checked and acknowledged.
 */
public final class ShoalPingPongTask extends PingPongTask implements JobHandler
{
    private Region region;
    private JobProducer out;
    private JobConsumer in;
    private UnsafeBuffer source;
    private long received;

    @Override
    protected void openChannels(final ChildArgs args)
    {
        source = new UnsafeBuffer(new byte[size]);
        region = Region.open(args.dir().resolve("region").toString());
        out = JobRing.open(region, pinger ? ShoalPingPongPeer.PING : ShoalPingPongPeer.PONG).producer();
        in = JobRing.open(region, pinger ? ShoalPingPongPeer.PONG : ShoalPingPongPeer.PING).consumer();
    }

    @Override
    protected void send(final long id)
    {
        Payload.fill(source, 0, size, id);
        while (!out.offer(source, 0, size))
        {
            Thread.onSpinWait();
        }
    }

    @Override
    protected long receive()
    {
        received = -1;
        while (in.drain(this, 1) == 0) // the job is read in its slot and acknowledged, as Agrona's read does
        {
            Thread.onSpinWait();
        }
        return received;
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
