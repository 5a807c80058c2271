package dev.shoal.bench.peer;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * The one idle strategy every peer's waiting loop uses, so no peer wins by spinning harder: spin a little,
 * yield a little, then park from 1 to 100 microseconds. With more processes than cores this keeps throughput
 * from collapsing into spinning.
 */
public final class Idle
{
    private Idle()
    {
    }

    /**
     * @return a new strategy (one per thread).
     */
    public static IdleStrategy strategy()
    {
        return new BackoffIdleStrategy(100, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
    }
}
