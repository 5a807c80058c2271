package dev.shoal.pool;

/**
 * A pool could not start: a worker JVM exited or did not report ready in time. The message carries the
 * worker's output (its stderr), and no process is left behind.
 */
public final class PoolStartException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, with the worker's output.
     */
    public PoolStartException(final String message)
    {
        super(message);
    }
}
