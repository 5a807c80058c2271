package dev.shoal.pool;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * A worker consumer's wait for jobs: Agrona's back-off (spins, yields, then parks that double up to a longest),
 * except that {@link #reset()} only starts it over after a job came. {@code JobConsumer.take} resets its idle
 * strategy at each call, and a worker calls it again every poll timeout (50 ms) to read the pool's state; an idle
 * worker would otherwise spin and yield its way up from 1 us parks twenty times a second per thread. So an idle
 * consumer stays at its longest park until there is work again.
 */
final class WorkerIdle implements IdleStrategy
{
    private final BackoffIdleStrategy backoff;
    private boolean jobCame = true;

    /**
     * @param maxParkNanos the longest park.
     */
    WorkerIdle(final long maxParkNanos)
    {
        backoff = new BackoffIdleStrategy(64, 64, 1_000, maxParkNanos);
    }

    /**
     * Says a job came: the next wait starts with spins again.
     */
    void jobCame()
    {
        jobCame = true;
    }

    @Override
    public void idle(final int workCount)
    {
        backoff.idle(workCount);
    }

    @Override
    public void idle()
    {
        backoff.idle();
    }

    @Override
    public void reset()
    {
        if (jobCame)
        {
            jobCame = false;
            backoff.reset();
        }
    }
}
