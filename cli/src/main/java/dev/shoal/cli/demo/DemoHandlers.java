package dev.shoal.cli.demo;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;

import dev.shoal.pool.HandlerKey;
import dev.shoal.pool.HandlerRegistry;
import dev.shoal.pool.Handlers;

/**
 * The handlers of {@code shoal demo pool}: {@code hash} spins for the requested microseconds, then returns a
 * 64-bit mix of its argument, which the caller checks.
 */
public final class DemoHandlers implements HandlerRegistry
{
    /** The demo job: raw bytes in (value, microseconds of work), eight bytes out. */
    public static final HandlerKey<byte[], byte[]> HASH = HandlerKey.bytes("hash");

    @Override
    public void register(final Handlers handlers)
    {
        handlers.add(HASH, (argument, context) ->
        {
            final UnsafeBuffer in = new UnsafeBuffer(argument);
            final long value = in.getLong(0);
            final long workNanos = TimeUnit.MICROSECONDS.toNanos(in.getLong(Long.BYTES));
            if (workNanos > 0)
            {
                final long end = System.nanoTime() + workNanos;
                while (System.nanoTime() - end < 0)
                {
                    Thread.onSpinWait();
                }
            }
            final byte[] out = new byte[Long.BYTES];
            new UnsafeBuffer(out).putLong(0, mix(value));
            return out;
        });
    }

    /**
     * @param argument value and work in microseconds.
     * @param workMicros spin time per job.
     * @return the job argument bytes.
     */
    public static byte[] argument(final long argument, final long workMicros)
    {
        final byte[] bytes = new byte[2 * Long.BYTES];
        final UnsafeBuffer b = new UnsafeBuffer(bytes);
        b.putLong(0, argument);
        b.putLong(Long.BYTES, workMicros);
        return bytes;
    }

    /**
     * A 64-bit finaliser (the well-known murmur3 fmix64 constants): the result each job must return.
     *
     * @param value any value.
     * @return its mix.
     */
    public static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
