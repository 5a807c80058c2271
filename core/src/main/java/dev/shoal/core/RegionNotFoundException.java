package dev.shoal.core;

/**
 * No region file at the given location.
 */
public final class RegionNotFoundException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param location where it was looked for.
     */
    public RegionNotFoundException(final RegionLocation location)
    {
        super("region not found: " + location.path());
    }
}
