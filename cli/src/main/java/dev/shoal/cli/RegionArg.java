package dev.shoal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.RegionOptions;
import picocli.CommandLine.Parameters;

/**
 * The {@code REGION} parameter every region command shares (a picocli mixin), and the region it opened, so that a
 * failure can be explained: a region file truncated under a running command faults at some later access, and
 * {@link #truncation()} turns that into one line that says so.
 */
public final class RegionArg
{
    @Parameters(index = "0", paramLabel = "REGION",
        description = "A bare name (a file in /dev/shm/shoal) or a file path, relative to the working directory.")
    String nameOrPath;

    /** The file the command opened and the region's length then (kept after close, for the failure handler). */
    private volatile Path openedPath;
    private volatile long openedLength;

    /**
     * @return where the parameter points.
     */
    RegionLocation location()
    {
        return RegionLocation.of(nameOrPath);
    }

    /**
     * Opens the region, remembering it for {@link #truncation()}.
     *
     * @return the open region, owned by the caller.
     * @throws IllegalArgumentException when the path is a directory.
     */
    Region open()
    {
        final RegionLocation location = location();
        if (Files.isDirectory(location.path()))
        {
            throw new IllegalArgumentException(location.path() + " is a directory, not a region file");
        }
        final Region region = Region.open(location, RegionOptions.defaults());
        openedLength = region.length();
        openedPath = region.location().path();
        return region;
    }

    /**
     * @return a one-line explanation when the region file this command opened is now shorter than the region (it
     * was truncated while in use), or gone, else {@code null}.
     */
    String truncation()
    {
        final Path path = openedPath;
        if (path == null)
        {
            return null;
        }
        try
        {
            final long size = Files.size(path);
            return size < openedLength ? "region " + path + " was truncated to " + size + " bytes while in use; " +
                "expected " + openedLength : null;
        }
        catch (final NoSuchFileException ex)
        {
            return "region " + path + " was deleted while in use";
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * @return a one-line explanation of a fault (SIGBUS) reading or writing the region this command opened, for a
     *     region neither truncated nor deleted: its file system may have no room for a page the region touched
     *     first; {@code null} when no region was opened.
     */
    String fault()
    {
        final Path path = openedPath;
        return path == null ? null : "region " + path + " faulted (" + faultCause(path) + ")";
    }

    /**
     * @param path a region file that faulted.
     * @return the likely cause, from its length and its file system's usable space.
     */
    static String faultCause(final Path path)
    {
        try
        {
            final long usable = Files.getFileStore(path).getUsableSpace();
            final long size = Files.size(path);
            return usable < size ? "its file system has " + usable + " bytes usable, less than its " + size +
                ": a page the region had not touched before could not be given" : "a read or write of its mapping " +
                "faulted; the file is " + size + " bytes, and its file system has " + usable + " usable";
        }
        catch (final IOException | SecurityException ex)
        {
            return "a read or write of its mapping faulted; " + ex.getMessage();
        }
    }

    /**
     * A command with a {@link RegionArg}: the CLI's failure handler asks it about truncation.
     */
    interface User
    {
        /**
         * @return the command's region parameter.
         */
        RegionArg regionArg();
    }
}
