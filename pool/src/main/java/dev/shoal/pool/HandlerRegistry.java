package dev.shoal.pool;

/**
 * Registers a pool's handlers under their {@link HandlerKey}s. Name the implementing class (public, with a public
 * no-arg constructor) when building the pool; every worker JVM instantiates it and calls {@link #register}.
 *
 * <pre>{@code
 * public final class MyHandlers implements HandlerRegistry {
 *     public static final HandlerKey<Long, Long> SQUARE = HandlerKey.of("square", Codecs.LONG, Codecs.LONG);
 *
 *     public void register(Handlers h) {
 *         h.add(SQUARE, x -> x * x);
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface HandlerRegistry
{
    /**
     * @param handlers where to add the handlers.
     */
    void register(Handlers handlers);
}
