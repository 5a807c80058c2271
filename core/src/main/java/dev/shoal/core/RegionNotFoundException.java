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
        super("region not found: " + location.path() + hint(location));
    }

    /**
     * A bare name is looked up in the regions' folder, not the current one: when the current folder has a file of
     * that name, the user most likely meant it ("inspect reg.bin" beside ./reg.bin said only "not found").
     */
    private static String hint(final RegionLocation location)
    {
        final String name = location.name();
        if (!RegionLocation.isBareName(name) || !java.nio.file.Files.exists(java.nio.file.Path.of(name)))
        {
            return "";
        }
        return " (a bare name is looked up in " + RegionLocation.defaultDirectory() + "; for the file " + name +
            " in the current folder, give ./" + name + ")";
    }
}
