package dev.shoal.remote;

import dev.shoal.pool.HandlerKey;
import dev.shoal.pool.HandlerRegistry;
import dev.shoal.pool.Handlers;

/**
 * A registry that lacks the test handlers: an agent started with it must refuse their jobs by name.
 */
public final class OtherHandlers implements HandlerRegistry
{
    /** The one handler it has. */
    public static final HandlerKey<byte[], byte[]> REVERSE = HandlerKey.bytes("reverse");

    @Override
    public void register(final Handlers h)
    {
        h.add(REVERSE, (arg, ctx) ->
        {
            final byte[] out = new byte[arg.length];
            for (int i = 0; i < arg.length; i++)
            {
                out[i] = arg[arg.length - 1 - i];
            }
            return out;
        });
    }
}
