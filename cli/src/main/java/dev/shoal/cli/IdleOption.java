package dev.shoal.cli;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * The {@code --idle} choices of the ring commands, each an Agrona {@link IdleStrategy}.
 */
public enum IdleOption
{
    /** Busy spin: lowest latency, one core per waiting thread. */
    spin,
    /** {@code Thread.yield()} between attempts. */
    yield,
    /** Spin, then yield, then park from 1 us up to 1 ms: an idle thread costs almost no CPU. */
    backoff,
    /** Sleep 1 ms between attempts. */
    sleep;

    /**
     * @return a new strategy (strategies keep state: one per thread).
     */
    public IdleStrategy newStrategy()
    {
        return switch (this)
        {
            case spin -> new BusySpinIdleStrategy();
            case yield -> new YieldingIdleStrategy();
            case backoff -> new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1));
            case sleep -> new SleepingMillisIdleStrategy(1);
        };
    }
}
