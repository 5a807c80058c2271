package dev.shoal.pool;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;


/**
 * The handlers a worker can run, by name. Filled by a {@link HandlerRegistry} in every worker and in the pool's
 * own process (which checks names at submit time, so an unknown name fails at once).
 */
public final class Handlers
{
    /** Longest handler name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 255;

    private final Map<String, Handler> byName = new TreeMap<>();

    /**
     * @param name    the handler name jobs use.
     * @param handler the code.
     * @return this.
     */
    public Handlers add(final String name, final Handler handler)
    {
        if (name == null || name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >
            MAX_NAME_BYTES)
        {
            throw new IllegalArgumentException("handler name must be 1.." + MAX_NAME_BYTES + " bytes: name=" + name);
        }
        if (byName.putIfAbsent(name, handler) != null)
        {
            throw new IllegalArgumentException("handler registered twice: name=" + name);
        }
        return this;
    }

    /**
     * Registers a typed handler under its key, whose codecs decode the argument and encode the result.
     *
     * @param key      the handler's name and codecs, the same constant the submitting side uses.
     * @param function the typed body.
     * @param <A>      argument type.
     * @param <R>      result type.
     * @return this.
     */
    public <A, R> Handlers add(final HandlerKey<A, R> key, final TypedFunction<A, R> function)
    {
        final Codec<A> in = key.argumentCodec();
        final Codec<R> out = key.resultCodec();
        return add(key.name(), (argument, context) ->
        {
            final R result = function.apply(in.decode(argument));
            if (result == null)
            {
                // Named here: the codec's own NullPointerException would blame the encoding, not the handler.
                throw new IllegalStateException("handler '" + key.name() + "' returned null: a result codec " +
                    "encodes values, not null");
            }
            return out.encode(result);
        });
    }

    /**
     * Registers a handler of raw bytes that also sees its job's context (id, attempt, log).
     *
     * @param key     the handler's name (a {@link HandlerKey#bytes(String)} key).
     * @param handler the body.
     * @return this.
     */
    public Handlers add(final HandlerKey<byte[], byte[]> key, final Handler handler)
    {
        return add(key.name(), handler);
    }

    /**
     * @param name a handler name.
     * @return the handler, or {@code null}.
     */
    public Handler get(final String name)
    {
        return byName.get(name);
    }

    /**
     * @return every registered name, sorted.
     */
    public java.util.Set<String> names()
    {
        return Collections.unmodifiableSet(byName.keySet());
    }

    /**
     * Instantiates a registry class by name (public no-arg constructor) and lets it register its handlers.
     *
     * @param registryClass fully qualified class name of a {@link HandlerRegistry}.
     * @return the filled handlers.
     * @throws IllegalArgumentException when the class is missing or not a registry.
     */
    public static Handlers load(final String registryClass)
    {
        final Handlers handlers = new Handlers();
        if (registryClass == null || registryClass.isEmpty())
        {
            return handlers;
        }
        try
        {
            final Class<?> type = Class.forName(registryClass);
            if (!HandlerRegistry.class.isAssignableFrom(type))
            {
                throw new IllegalArgumentException("handler registry " + registryClass + " does not implement " +
                    HandlerRegistry.class.getName());
            }
            ((HandlerRegistry)type.getConstructor().newInstance()).register(handlers);
            return handlers;
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalArgumentException("handler registry class not found: " + registryClass, ex);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalArgumentException("cannot instantiate handler registry " + registryClass + ": " + ex, ex);
        }
    }
}
