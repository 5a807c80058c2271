package dev.shoal.pool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;


/**
 * Handlers for the pool tests.
 */
public final class TestHandlers implements HandlerRegistry
{
    /** Handler name of a checked job: spins for the argument's microseconds, then returns {@link #mix(long)}. */
    public static final String MIX = "mix";

    @Override
    public void register(final Handlers h)
    {
        h.add(MIX, (arg, ctx) ->
        {
            final ByteBuffer in = ByteBuffer.wrap(arg);
            final long value = in.getLong(0);
            final long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(in.getLong(Long.BYTES));
            while (System.nanoTime() - end < 0)
            {
                Thread.onSpinWait();
            }
            return ByteBuffer.allocate(Long.BYTES).putLong(0, mix(value)).array();
        });
        h.add("square", Codecs.LONG, Codecs.LONG, x -> x * x);
        h.add("echo", (arg, ctx) -> arg);
        h.add("fail", (arg, ctx) ->
        {
            throw new IllegalStateException("boom " + new String(arg, StandardCharsets.UTF_8));
        });
        h.add("halt", (arg, ctx) ->
        {
            Runtime.getRuntime().halt(9);
            return arg;
        });
        h.add("haltFirstAttempt", (arg, ctx) ->
        {
            if (ctx.attempt() == 1)
            {
                Runtime.getRuntime().halt(9);
            }
            return Codecs.LONG.encode((long)ctx.attempt());
        });
        h.add("spin", Codecs.LONG, Codecs.LONG, micros ->
        {
            final long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
            while (System.nanoTime() < end)
            {
                Thread.onSpinWait();
            }
            return micros;
        });
        h.add("park", Codecs.LONG, Codecs.LONG, millis ->
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
            return millis;
        });
        h.add("log", (arg, ctx) ->
        {
            ctx.log("hello from job " + ctx.jobId());
            System.out.println("stdout line of job " + ctx.jobId());
            return arg;
        });
        h.add("pid", (arg, ctx) -> Codecs.LONG.encode(ProcessHandle.current().pid()));
    }

    /**
     * @param value      the value the job mixes.
     * @param workMicros how long the job spins first.
     * @return the argument of a {@link #MIX} job.
     */
    public static byte[] mixArgument(final long value, final long workMicros)
    {
        return ByteBuffer.allocate(2 * Long.BYTES).putLong(0, value).putLong(Long.BYTES, workMicros).array();
    }

    /**
     * @param value any value.
     * @return the 64-bit mix a {@link #MIX} job returns (murmur3's finaliser).
     */
    public static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
