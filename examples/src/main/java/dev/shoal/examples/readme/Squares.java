package dev.shoal.examples.readme;

import dev.shoal.pool.Codecs;
import dev.shoal.pool.HandlerKey;
import dev.shoal.pool.HandlerRegistry;
import dev.shoal.pool.Handlers;

// tag::squares[]
public final class Squares implements HandlerRegistry {            // on the class path of the workers
    public static final HandlerKey<Long, Long> SQUARE = HandlerKey.of("square", Codecs.LONG, Codecs.LONG);

    @Override public void register(Handlers h) {
        h.add(SQUARE, x -> x * x);
    }
}
// end::squares[]
