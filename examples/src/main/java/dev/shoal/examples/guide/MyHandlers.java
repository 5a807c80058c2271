package dev.shoal.examples.guide;

import dev.shoal.pool.Codecs;
import dev.shoal.pool.HandlerKey;
import dev.shoal.pool.HandlerRegistry;
import dev.shoal.pool.Handlers;

// tag::my-handlers[]
public final class MyHandlers implements HandlerRegistry
{
    // A key names a handler and states its codecs once; registry and submitter use the same constant.
    public static final HandlerKey<Long, Long> SQUARE = HandlerKey.of("square", Codecs.LONG, Codecs.LONG);
    public static final HandlerKey<String, String> UPPER = HandlerKey.text("upper");
    public static final HandlerKey<byte[], byte[]> RAW = HandlerKey.bytes("raw");

    @Override
    public void register(Handlers h)
    {
        h.add(SQUARE, x -> x * x);
        h.add(UPPER, s -> s.toUpperCase());
        h.add(RAW, (argument, context) ->                   // bytes in, bytes out, with the job's context
        {
            context.log("job " + context.jobId() + " attempt " + context.attempt());
            return argument;
        });
    }
}
// end::my-handlers[]
