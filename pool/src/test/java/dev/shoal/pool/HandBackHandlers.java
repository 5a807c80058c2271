package dev.shoal.pool;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The handler of {@code HandBackCrashTest}; what it does depends on its JVM's {@link HandBackCrashInitializer} role.
 */
public final class HandBackHandlers implements HandlerRegistry
{
    /**
     * Returns its argument. In the first worker both jobs wait for each other and halt it; in the halter, a
     * redelivered job (the one running alone) waits until the other's hand-back ended.
     */
    public static final HandlerKey<byte[], byte[]> PAIR = HandlerKey.bytes("pair");

    private static final CountDownLatch BOTH_RUNNING = new CountDownLatch(2);

    @Override
    public void register(final Handlers h)
    {
        h.add(PAIR, (arg, ctx) ->
        {
            if (HandBackCrashInitializer.role() == HandBackCrashInitializer.Role.FIRST)
            {
                BOTH_RUNNING.countDown();
                BOTH_RUNNING.await(60, TimeUnit.SECONDS);
                Runtime.getRuntime().halt(9);
            }
            else if (HandBackCrashInitializer.role() == HandBackCrashInitializer.Role.HALTER && ctx.attempt() > 1)
            {
                HandBackCrashInitializer.awaitHandBackEnd();
            }
            return arg;
        });
    }
}
