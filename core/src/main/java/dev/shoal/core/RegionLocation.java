package dev.shoal.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a region's file lives. A bare name ({@code jobs}, no slash) maps to {@code /dev/shm/shoal/NAME} on
 * Linux (tmpfs: no disk write-back, gone at reboot), or to {@code java.io.tmpdir/shoal/NAME} where there is no
 * {@code /dev/shm}; anything else is a path to that file (on disk it survives a reboot).
 *
 * @param name the name or path as given.
 * @param path the file.
 */
public record RegionLocation(String name, Path path)
{
    /**
     * The longest file name a region is created under, in UTF-8 bytes: creating one writes a file named after it,
     * with about 50 bytes more, beside it first, and file systems take names of up to 255 bytes.
     */
    public static final int MAX_FILE_NAME_BYTES = 200;

    /** System property overriding the folder for bare names. */
    public static final String DIRECTORY_PROPERTY = "shoal.dir";

    /**
     * @param nameOrPath a bare name or a path.
     * @return the location.
     * @throws IllegalArgumentException when empty.
     */
    public static RegionLocation of(final String nameOrPath)
    {
        if (nameOrPath == null || nameOrPath.isBlank())
        {
            throw new IllegalArgumentException("region name or path is empty");
        }
        if (isBareName(nameOrPath))
        {
            return new RegionLocation(nameOrPath, defaultDirectory().resolve(nameOrPath));
        }
        return new RegionLocation(nameOrPath, Path.of(nameOrPath).toAbsolutePath().normalize());
    }

    /**
     * @param path a file.
     * @return the location of that file.
     */
    public static RegionLocation of(final Path path)
    {
        return new RegionLocation(path.toString(), path.toAbsolutePath().normalize());
    }

    /**
     * @return the folder bare names map into.
     */
    public static Path defaultDirectory()
    {
        final String override = System.getProperty(DIRECTORY_PROPERTY);
        if (override != null && !override.isBlank())
        {
            return Path.of(override);
        }
        final Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm))
        {
            return shm.resolve("shoal");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "shoal");
    }

    /**
     * @param s a name or path as a user gave it.
     * @return true when it is a bare name, which lives in {@link #defaultDirectory()} (no separator, no leading
     * dot, a valid structure-style name); anything else is a file path.
     */
    public static boolean isBareName(final String s)
    {
        return s.indexOf('/') < 0 && s.indexOf('\\') < 0 && !s.startsWith(".") &&
            DirectoryDescriptor.isValidName(s);
    }

    /**
     * @throws IllegalArgumentException when the file name is too long to create a region under (more than
     *     {@value #MAX_FILE_NAME_BYTES} bytes).
     */
    public void checkCreatable()
    {
        final Path file = path.getFileName();
        final int bytes = file == null ? 0 : file.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_FILE_NAME_BYTES)
        {
            throw new IllegalArgumentException("region file name is " + bytes + " bytes long, at most " +
                MAX_FILE_NAME_BYTES + " allowed: " + name);
        }
    }

    @Override
    public String toString()
    {
        return path.toString();
    }
}
