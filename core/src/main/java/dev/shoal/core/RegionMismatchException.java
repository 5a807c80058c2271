package dev.shoal.core;

/**
 * An existing, well-formed region does not match the spec it was opened with
 * (a structure missing, of another kind, or with other parameters).
 */
public final class RegionMismatchException extends RegionFormatException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what differs, with both values.
     */
    public RegionMismatchException(final String message)
    {
        super(message);
    }
}
