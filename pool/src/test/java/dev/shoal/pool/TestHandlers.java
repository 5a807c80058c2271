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
    /** A checked job: spins for the argument's microseconds, then returns {@link #mix(long)}. */
    public static final HandlerKey<byte[], byte[]> MIX = HandlerKey.bytes("mix");
    /** Squares a long. */
    public static final HandlerKey<Long, Long> SQUARE = HandlerKey.of("square", Codecs.LONG, Codecs.LONG);
    /** Returns its argument. */
    public static final HandlerKey<byte[], byte[]> ECHO = HandlerKey.bytes("echo");
    /** Throws an IllegalStateException naming its argument. */
    public static final HandlerKey<byte[], byte[]> FAIL = HandlerKey.bytes("fail");
    /** Halts its worker JVM (a poison job). */
    public static final HandlerKey<byte[], byte[]> HALT = HandlerKey.bytes("halt");
    /** Returns null, typed: the pool must name the handler, not the codec. */
    public static final HandlerKey<Long, Long> NULL_TYPED = HandlerKey.of("nullTyped", Codecs.LONG, Codecs.LONG);
    /** Returns null, raw bytes. */
    public static final HandlerKey<byte[], byte[]> NULL_BYTES = HandlerKey.bytes("nullBytes");
    /** Halts its worker when its argument is 1 (a poison job among good ones); else returns the square. */
    public static final HandlerKey<Long, Long> HALT_ON_ONE = HandlerKey.of("haltOnOne", Codecs.LONG, Codecs.LONG);
    /** Halts its worker on the first attempt; returns the attempt number (a long) after. */
    public static final HandlerKey<byte[], byte[]> HALT_FIRST_ATTEMPT = HandlerKey.bytes("haltFirstAttempt");
    /** Calls System.exit(0) on the first attempt; returns the attempt number (a long) after. */
    public static final HandlerKey<byte[], byte[]> EXIT_ZERO_FIRST_ATTEMPT = HandlerKey.bytes("exitZeroFirstAttempt");
    /** Throws a RuntimeException whose message is the argument's count of 'x' characters. */
    public static final HandlerKey<Long, Long> HUGE_MESSAGE = HandlerKey.of("hugeMessage", Codecs.LONG, Codecs.LONG);
    /** Throws an exception whose getMessage() throws. */
    public static final HandlerKey<Long, Long> BROKEN_MESSAGE = HandlerKey.of("brokenMessage", Codecs.LONG,
        Codecs.LONG);
    /** Returns the attempt it runs on (a long). */
    public static final HandlerKey<byte[], byte[]> ATTEMPT = HandlerKey.bytes("attempt");
    /** Spins for its argument in microseconds, returns it. */
    public static final HandlerKey<Long, Long> SPIN = HandlerKey.of("spin", Codecs.LONG, Codecs.LONG);
    /** Parks for its argument in milliseconds, returns it. */
    public static final HandlerKey<Long, Long> PARK = HandlerKey.of("park", Codecs.LONG, Codecs.LONG);
    /** Logs a line through its context and prints one to stdout; returns its argument. */
    public static final HandlerKey<byte[], byte[]> LOG = HandlerKey.bytes("log");
    /** Returns its worker's pid (a long). */
    public static final HandlerKey<byte[], byte[]> PID = HandlerKey.bytes("pid");
    /** Reads one byte of its worker's standard input and returns what {@code System.in.read()} gave (a long). */
    public static final HandlerKey<byte[], byte[]> READ_INPUT = HandlerKey.bytes("readInput");

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
        h.add(SQUARE, x -> x * x);
        h.add(ECHO, (arg, ctx) -> arg);
        h.add(FAIL, (arg, ctx) ->
        {
            throw new IllegalStateException("boom " + new String(arg, StandardCharsets.UTF_8));
        });
        h.add(HALT, (arg, ctx) ->
        {
            Runtime.getRuntime().halt(9);
            return arg;
        });
        h.add(NULL_TYPED, x -> null);
        h.add(NULL_BYTES, (arg, ctx) -> null);
        h.add(HALT_ON_ONE, x ->
        {
            if (x == 1)
            {
                Runtime.getRuntime().halt(9);
            }
            return x * x;
        });
        h.add(HALT_FIRST_ATTEMPT, (arg, ctx) ->
        {
            if (ctx.attempt() == 1)
            {
                Runtime.getRuntime().halt(9);
            }
            return Codecs.LONG.encode((long)ctx.attempt());
        });
        h.add(EXIT_ZERO_FIRST_ATTEMPT, (arg, ctx) ->
        {
            if (ctx.attempt() == 1)
            {
                System.exit(0);
            }
            return Codecs.LONG.encode((long)ctx.attempt());
        });
        h.add(SPIN, micros ->
        {
            final long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
            while (System.nanoTime() < end)
            {
                Thread.onSpinWait();
            }
            return micros;
        });
        h.add(PARK, millis ->
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
            return millis;
        });
        h.add(LOG, (arg, ctx) ->
        {
            ctx.log("hello from job " + ctx.jobId());
            System.out.println("stdout line of job " + ctx.jobId());
            return arg;
        });
        h.add(ATTEMPT, (arg, ctx) -> Codecs.LONG.encode((long)ctx.attempt()));
        h.add(HUGE_MESSAGE, n ->
        {
            throw new IllegalStateException("x".repeat((int)(long)n));
        });
        h.add(BROKEN_MESSAGE, n ->
        {
            throw new IllegalStateException()
            {
                @Override
                public String getMessage()
                {
                    throw new UnsupportedOperationException("no message for you");
                }
            };
        });
        h.add(PID, (arg, ctx) -> Codecs.LONG.encode(ProcessHandle.current().pid()));
        h.add(READ_INPUT, (arg, ctx) -> Codecs.LONG.encode((long)System.in.read()));
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
