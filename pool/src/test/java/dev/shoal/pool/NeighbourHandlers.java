package dev.shoal.pool;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Handlers for {@code PoisonNeighboursTest}: a poison job and its neighbours, which meet in one worker JVM through
 * latches of that JVM. On its first delivery the poison job waits until three neighbours run beside it, then halts
 * its worker; on a later one it halts after waiting a moment for them. A neighbour that finds the poison job running
 * in its JVM (on its first delivery it waits for it) waits for the halt; otherwise it returns the attempt it runs on
 * (a long).
 */
public final class NeighbourHandlers implements HandlerRegistry
{
    /** Halts its worker once neighbours run beside it (on a redelivery, after 300 ms without them). */
    public static final HandlerKey<byte[], byte[]> POISON = HandlerKey.bytes("poison");
    /** Returns its attempt, unless the poison job runs in its JVM: then it waits for the halt. */
    public static final HandlerKey<byte[], byte[]> NEIGHBOUR = HandlerKey.bytes("neighbour");
    /** How many neighbours the poison job waits for on its first delivery. */
    public static final int NEIGHBOURS = 3;

    private static final CountDownLatch NEIGHBOURS_RUNNING = new CountDownLatch(NEIGHBOURS);
    private static final CountDownLatch POISON_RUNNING = new CountDownLatch(1);

    @Override
    public void register(final Handlers h)
    {
        h.add(POISON, (arg, ctx) ->
        {
            POISON_RUNNING.countDown();
            NEIGHBOURS_RUNNING.await(ctx.attempt() == 1 ? 60_000 : 300, TimeUnit.MILLISECONDS);
            Runtime.getRuntime().halt(9);
            return arg;
        });
        h.add(NEIGHBOUR, (arg, ctx) ->
        {
            NEIGHBOURS_RUNNING.countDown();
            // On its first delivery it is sure to meet the poison job (all four start at once): no short bound that
            // a stalled machine could outlast. Later, alone, it looks for a moment and goes on.
            if (POISON_RUNNING.await(ctx.attempt() == 1 ? 60_000 : 300, TimeUnit.MILLISECONDS))
            {
                // The poison job runs beside us: it halts this JVM (60 s is a bound the test never reaches).
                new CountDownLatch(1).await(60, TimeUnit.SECONDS);
            }
            return Codecs.LONG.encode((long)ctx.attempt());
        });
    }
}
