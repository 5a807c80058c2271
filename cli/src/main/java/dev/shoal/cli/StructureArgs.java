package dev.shoal.cli;

import dev.shoal.core.RegionSpec;

/**
 * Parses the structure options of {@code shoal create}: {@code NAME:LENGTH[:padded]} and the like.
 */
final class StructureArgs
{
    private StructureArgs()
    {
    }

    static void addArray(final RegionSpec.Builder builder, final String arg)
    {
        final String[] parts = parts(arg);
        if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !"padded".equals(parts[2])))
        {
            throw new IllegalArgumentException("--array expects NAME:LENGTH[:padded], got '" + arg + "'");
        }
        final int length = parseInt("--array", "LENGTH", parts[1]);
        if (parts.length == 3)
        {
            builder.paddedLongArray(parts[0], length);
        }
        else
        {
            builder.longArray(parts[0], length);
        }
    }

    static int parseInt(final String option, final String field, final String text)
    {
        try
        {
            return Integer.parseInt(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " " + field + " must be an integer, got '" + text + "'");
        }
    }

    static String[] split(final String option, final String arg, final int parts, final String shape)
    {
        final String[] p = parts(arg);
        if (p.length != parts)
        {
            throw new IllegalArgumentException(option + " expects " + shape + ", got '" + arg + "'");
        }
        return p;
    }

    /**
     * Every part, empty ones included: {@code split(":")} drops trailing empty parts, so {@code h:10:8:} passed as
     * {@code h:10:8}. An empty part in the middle is named by the field's own check (an empty name, an integer).
     */
    private static String[] parts(final String arg)
    {
        return arg.split(":", -1);
    }
}
