package dev.shoal.journal;

/**
 * A journal directory or record that Shoal cannot read: not a Chronicle Queue, written by an incompatible version,
 * or a record that does not follow {@link JournalRecordDescriptor}. The message names the path or field and value.
 */
public final class JournalFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, with {@code name=value}.
     */
    public JournalFormatException(final String message)
    {
        super(message);
    }

    /**
     * @param message what is wrong, with {@code name=value}.
     * @param cause   the underlying failure.
     */
    public JournalFormatException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
