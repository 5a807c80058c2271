package dev.shoal.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few megabytes mounted by a test (as root) to run a file system out of room, and unmounted by it.
 * {@link #mount} answers null where mounting is refused (not root, no tmpfs), for the test to skip.
 */
public final class SmallTmpfs implements AutoCloseable
{
    private final Path path;

    private SmallTmpfs(final Path path)
    {
        this.path = path;
    }

    /**
     * @param parent where to make the mount point (a test's temporary folder).
     * @param bytes  the file system's size.
     * @return the mounted file system, or {@code null} when it could not be mounted.
     * @throws IOException when the mount point cannot be made.
     */
    public static SmallTmpfs mount(final Path parent, final long bytes) throws IOException
    {
        final Path at = Files.createDirectory(parent.resolve("small"));
        return exec("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", at.toString()) == 0 ?
            new SmallTmpfs(at) : null;
    }

    /**
     * @return the mount point.
     */
    public Path path()
    {
        return path;
    }

    /**
     * Unmounts it lazily: a file a JVM still maps (Chronicle may release a closed queue's last mapping from a
     * background thread a moment later) would make a plain unmount fail as busy.
     *
     * @throws IllegalStateException when umount fails.
     */
    @Override
    public void close()
    {
        if (exec("umount", "-l", path.toString()) != 0)
        {
            throw new IllegalStateException("could not unmount " + path);
        }
    }

    private static int exec(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(20, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        }
        catch (final IOException ex)
        {
            return -1; // no mount command: as refused
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
