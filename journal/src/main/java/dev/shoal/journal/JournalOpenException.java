package dev.shoal.journal;

/**
 * A journal directory that cannot be opened: missing, not a directory, no permission, no disk space, or not a
 * Shoal journal. Thrown before anything is written; the message names the path and the problem.
 */
public final class JournalOpenException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the path and the problem.
     */
    public JournalOpenException(final String message)
    {
        super(message);
    }

    /**
     * @param message the path and the problem.
     * @param cause   the underlying failure.
     */
    public JournalOpenException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
