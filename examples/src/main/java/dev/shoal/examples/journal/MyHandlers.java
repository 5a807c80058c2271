package dev.shoal.examples.journal;

import dev.shoal.pool.HandlerKey;
import dev.shoal.pool.HandlerRegistry;
import dev.shoal.pool.Handlers;

/**
 * The handlers the journal example names: {@code parse} stands for the user's parsing of one input.
 */
public final class MyHandlers implements HandlerRegistry
{
    /** Parses one input (here: returns it). */
    public static final HandlerKey<byte[], byte[]> PARSE = HandlerKey.bytes("parse");

    @Override
    public void register(final Handlers h)
    {
        h.add(PARSE, (argument, context) -> argument);
    }
}
