package dev.shoal.bench.peer;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;

/**
 * The round-trip loop shared by every ping-pong child: the pinger sends message {@code id}, waits for its echo
 * and records the round trip; the ponger waits for {@code id} and sends it back. Subclasses only say how a
 * message is sent and received over their transport; every received message is checked against its id.
 */
public abstract class PingPongTask implements ChildTask
{
    /** Whether this child starts each round trip. */
    protected boolean pinger;
    /** Message size in bytes. */
    protected int size;
    private long ops;
    private long[] samples;

    @Override
    public final void open(final ChildArgs args) throws Exception
    {
        pinger = "ping".equals(args.get("role"));
        size = args.getInt("size");
        ops = args.getLong("ops");
        samples = new long[(int)ops];
        openChannels(args);
    }

    /**
     * Opens the transport: the pinger writes to {@code ping} and reads {@code pong}; the ponger the other way.
     *
     * @param args the child's arguments.
     * @throws Exception when the transport cannot be opened.
     */
    protected abstract void openChannels(ChildArgs args) throws Exception;

    /**
     * Sends message {@code id}, spinning while the transport is full.
     *
     * @param id the message id.
     */
    protected abstract void send(long id);

    /**
     * Spins until the next message arrives.
     *
     * @return its id, read from its self-checking payload.
     */
    protected abstract long receive();

    @Override
    public final void run(final long run, final RunRecord record)
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

    private void awaitEcho(final long id)
    {
        final long received = receive();
        if (received != id)
        {
            throw new IllegalStateException("expected message " + id + ", got " + received);
        }
    }
}
