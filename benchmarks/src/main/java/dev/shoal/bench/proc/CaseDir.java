package dev.shoal.bench.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A temporary directory for one case's shared files (control file, rings, queues, regions, child logs): on
 * tmpfs ({@code /dev/shm}) when the machine has it, as Shoal regions are by default, so no peer pays for disk
 * write-back. Deleted with everything in it on {@link #close()}.
 */
public final class CaseDir implements AutoCloseable
{
    private static final Set<CaseDir> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        // an interrupted harness (Ctrl-C, SIGTERM) still removes its files; ChildProcesses' hook kills the children
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(CaseDir::delete), "bench-case-dirs"));
    }

    private final Path path;

    private CaseDir(final Path path)
    {
        this.path = path;
        LIVE.add(this);
    }

    /**
     * @param label short name for the directory.
     * @return a new, empty directory.
     */
    public static CaseDir create(final String label)
    {
        final Path shm = Path.of("/dev/shm");
        final Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm :
            Path.of(System.getProperty("java.io.tmpdir"));
        try
        {
            final String prefix = "shoal-bench-" + label.replaceAll("[^a-z0-9-]", "_") + "-";
            return new CaseDir(Files.createTempDirectory(base, prefix));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create a case directory under " + base, ex);
        }
    }

    /**
     * @return the directory.
     */
    public Path path()
    {
        return path;
    }

    /**
     * @param name file name.
     * @return the path of that file in this directory.
     */
    public Path file(final String name)
    {
        return path.resolve(name);
    }

    /**
     * Deletes the directory and everything in it.
     */
    @Override
    public void close()
    {
        LIVE.remove(this);
        delete();
    }

    private void delete()
    {
        try (Stream<Path> walk = Files.walk(path))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            System.err.println("bench: could not delete " + path + ": " + ex.getMessage());
        }
    }
}
