package dev.shoal.pool;

/**
 * A job could not be completed for a reason other than its handler throwing: its workers died on every
 * attempt, the pool shut down before it ran, its result was too large, or its handler does not exist.
 */
public final class JobFailedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened, with the job id and handler.
     */
    public JobFailedException(final String message)
    {
        super(message);
    }
}
