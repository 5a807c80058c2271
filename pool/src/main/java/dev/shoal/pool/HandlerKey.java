package dev.shoal.pool;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A handler's name with the types of its argument and result: the one place a handler's codecs are stated.
 * Registration ({@link Handlers#add(HandlerKey, TypedFunction)}) and submission ({@link ProcessPool#submit(
 * HandlerKey, Object)}) both take the key, so a job whose argument or result type does not match its handler does
 * not compile. Declare keys once, as constants both sides see:
 *
 * <pre>{@code
 * public static final HandlerKey<Long, Long> SQUARE = HandlerKey.of("square", Codecs.LONG, Codecs.LONG);
 *
 * h.add(SQUARE, x -> x * x);                               // in the HandlerRegistry
 * CompletableFuture<Long> f = pool.submit(SQUARE, 7L);     // in the parent
 * }</pre>
 *
 * @param <A> the argument type.
 * @param <R> the result type.
 */
public final class HandlerKey<A, R>
{
    private final String name;
    private final byte[] nameBytes;
    private final Codec<A> argumentCodec;
    private final Codec<R> resultCodec;

    private HandlerKey(final String name, final Codec<A> argumentCodec, final Codec<R> resultCodec)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (name.isEmpty() || nameBytes.length > Handlers.MAX_NAME_BYTES)
        {
            throw new IllegalArgumentException("handler name must be 1.." + Handlers.MAX_NAME_BYTES +
                " bytes of UTF-8: name=" + name);
        }
        this.argumentCodec = Objects.requireNonNull(argumentCodec, "argumentCodec");
        this.resultCodec = Objects.requireNonNull(resultCodec, "resultCodec");
    }

    /**
     * @param name          the handler's name (1 to 255 bytes of UTF-8).
     * @param argumentCodec encodes arguments in the parent, decodes them in the worker.
     * @param resultCodec   encodes results in the worker, decodes them in the parent.
     * @param <A>           the argument type.
     * @param <R>           the result type.
     * @return the key.
     */
    public static <A, R> HandlerKey<A, R> of(final String name, final Codec<A> argumentCodec,
        final Codec<R> resultCodec)
    {
        return new HandlerKey<>(name, argumentCodec, resultCodec);
    }

    /**
     * @param name the handler's name.
     * @return a key for a handler of raw bytes, which travel as they are (no copy into a codec).
     */
    public static HandlerKey<byte[], byte[]> bytes(final String name)
    {
        return new HandlerKey<>(name, Codecs.BYTES, Codecs.BYTES);
    }

    /**
     * @param name the handler's name.
     * @return a key for a handler of UTF-8 text.
     */
    public static HandlerKey<String, String> text(final String name)
    {
        return new HandlerKey<>(name, Codecs.STRING, Codecs.STRING);
    }

    /**
     * @return the handler's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the argument codec.
     */
    public Codec<A> argumentCodec()
    {
        return argumentCodec;
    }

    /**
     * @return the result codec.
     */
    public Codec<R> resultCodec()
    {
        return resultCodec;
    }

    /**
     * @return the name as UTF-8, encoded once (shared: do not modify).
     */
    byte[] nameBytes()
    {
        return nameBytes;
    }

    /**
     * @param argument an argument.
     * @return its bytes; raw bytes pass through as they are.
     */
    byte[] encodeArgument(final A argument)
    {
        return argumentCodec == Codecs.BYTES ? (byte[])argument : argumentCodec.encode(argument);
    }

    /**
     * @param bytes a result's bytes.
     * @return the result; raw bytes pass through as they are.
     */
    @SuppressWarnings("unchecked")
    R decodeResult(final byte[] bytes)
    {
        return resultCodec == Codecs.BYTES ? (R)bytes : resultCodec.decode(bytes);
    }

    @Override
    public String toString()
    {
        return "HandlerKey[" + name + "]";
    }
}
