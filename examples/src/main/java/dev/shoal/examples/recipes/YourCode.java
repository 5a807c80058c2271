package dev.shoal.examples.recipes;

/**
 * The helpers the recipes leave to you ("only your own helpers are left out"), so that the recipes compile.
 */
final class YourCode
{
    private YourCode()
    {
    }

    static void process(final long start, final long end)
    {
        // read and process bytes [start, end) of your file
    }

    static long countRows(final String path)
    {
        return path.length();
    }

    static boolean fetch(final String url)
    {
        return !url.isEmpty();
    }
}
