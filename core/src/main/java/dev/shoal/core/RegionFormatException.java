package dev.shoal.core;

/**
 * A region file, or a part of one, is not what Shoal expects: empty, truncated, foreign, written by a newer
 * layout, corrupt, or not matching the spec it was opened with. The message names the field and its value,
 * e.g. {@code directory[2].offset=9000 beyond region length=8192}.
 */
public class RegionFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message the field, its value and what was expected.
     */
    public RegionFormatException(final String message)
    {
        super(message);
    }

    /**
     * @param message the field, its value and what was expected.
     * @param cause   the underlying failure.
     */
    public RegionFormatException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
