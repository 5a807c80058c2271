package dev.shoal.pool;

/**
 * Registers a pool's handlers by name. Name the implementing class (public, with a public no-arg constructor)
 * when building the pool; every worker JVM instantiates it and calls {@link #register}.
 *
 * <pre>{@code
 * public final class MyHandlers implements HandlerRegistry {
 *     public void register(Handlers h) {
 *         h.add("square", Codecs.LONG, Codecs.LONG, x -> x * x);
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
