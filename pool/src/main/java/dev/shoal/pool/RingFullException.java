package dev.shoal.pool;

import java.util.concurrent.RejectedExecutionException;

/**
 * A submit under {@code failFast(true)} found every ring slot in use: the job was not submitted, and the same
 * submit may succeed once workers have taken jobs. Other rejections (a pool shut down or broken) are plain
 * {@link RejectedExecutionException}s, which no retry cures.
 */
public final class RingFullException extends RejectedExecutionException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param ringCapacity the ring's slots.
     */
    public RingFullException(final int ringCapacity)
    {
        super("job ring full: " + ringCapacity + " jobs in flight");
    }
}
