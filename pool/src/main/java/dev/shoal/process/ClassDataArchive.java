package dev.shoal.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A class-data-sharing archive for worker JVMs, made on first use (the JDK's dynamic AppCDS:
 * {@code -XX:ArchiveClassesAtExit}, then {@code -XX:SharedArchiveFile}). A worker started with it maps the
 * application classes it loads, already parsed and verified, instead of reading them from the jars: a chunk
 * worker reached its first claim 40-55 ms sooner on this 2-core machine (0.18-0.28 s without).
 *
 * <p>One archive per JDK and class path, named by a hash of the {@code java} home and version and of each jar's
 * path, size and modification time, so a rebuilt jar or another JDK never meets an archive made for another one
 * (the JDK would refuse it, with a warning, and run without). It lives in {@code ~/.cache/shoal/cds} (system
 * property {@value #DIRECTORY_PROPERTY}), which keeps the newest {@value #KEPT_ARCHIVES}. Off with
 * {@code -D}{@value #ENABLED_PROPERTY}{@code =false}, and off when the class path names a directory, whose classes
 * the JDK does not archive (test runs from {@code target/classes}).
 *
 * <p>Making it: the first worker that finds no archive dumps one as it exits, into a file of its own; the parent
 * moves that file into place once the worker has exited with status 0 ({@link #creatorExited}), so a worker killed
 * during the dump leaves nothing a later JVM would map. One creator at a time across processes: a lock file
 * created with {@code CREATE_NEW}, taken over when older than {@link #STALE_LOCK}. Every failure here (no home
 * directory, a full disk) means only that workers start without the archive.
 */
public final class ClassDataArchive
{
    /** System property naming the archive folder. */
    public static final String DIRECTORY_PROPERTY = "shoal.cds.dir";
    /** System property: {@code false} turns archives off. */
    public static final String ENABLED_PROPERTY = "shoal.cds";
    /** Archives kept in the folder: one per recent build of the jars. */
    static final int KEPT_ARCHIVES = 8;
    /** A creator's lock older than this belongs to a run that died before finishing. */
    static final Duration STALE_LOCK = Duration.ofMinutes(10);
    /** The JDK's messages about archives (such as one it cannot use) would otherwise go to the worker's output. */
    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";

    /**
     * A worker's archive options.
     *
     * @param jvmOptions options to add to the worker's command line (none when archives are off).
     * @param creates    whether this worker dumps the archive: then report its exit to {@link #creatorExited}.
     */
    public record Options(List<String> jvmOptions, boolean creates)
    {
    }

    private static final Options NONE = new Options(List.of(), false);

    private final Path archive;
    private final Path lock;
    private final Path dump;
    private boolean creating;
    /** The worker started by {@link #start} that dumps the archive, until it has exited. */
    private Process creator;

    private ClassDataArchive(final Path archive)
    {
        this.archive = archive;
        this.lock = archive.resolveSibling(archive.getFileName() + ".lock");
        this.dump = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".dump");
    }

    /**
     * @param classPath the workers' class path.
     * @return the archive for it, or {@code null} when archives are off for it.
     */
    public static ClassDataArchive forClassPath(final String classPath)
    {
        if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true")) || classPath == null ||
            classPath.isEmpty())
        {
            return null;
        }
        final String key = key(classPath);
        if (key == null)
        {
            return null;
        }
        return new ClassDataArchive(folder().resolve("shoal-" + key + ".jsa"));
    }

    /**
     * @return the archive file (present once made).
     */
    public Path path()
    {
        return archive;
    }

    /**
     * @return the options for the next worker: use the archive when it exists, else make this worker its creator
     * when no one else is making it, else nothing.
     */
    public synchronized Options next()
    {
        if (Files.isRegularFile(archive))
        {
            return new Options(List.of("-XX:SharedArchiveFile=" + archive, QUIET), false);
        }
        if (creating || !takeLock())
        {
            return NONE;
        }
        creating = true;
        return new Options(List.of("-XX:ArchiveClassesAtExit=" + dump, QUIET), true);
    }

    /**
     * Starts a worker with the archive's options, the one place that knows which worker dumps it: a launch that
     * fails gives the creator's lock back at once.
     *
     * @param launcher the worker's launcher.
     * @return the started worker; report it to {@link #exited} once it is gone.
     */
    public synchronized Process start(final JavaProcess launcher)
    {
        final Options options = next();
        launcher.jvmOptions(options.jvmOptions());
        try
        {
            final Process process = launcher.start();
            if (options.creates())
            {
                creator = process;
            }
            return process;
        }
        catch (final RuntimeException ex)
        {
            if (options.creates())
            {
                creatorExited(-1); // never started
            }
            throw ex;
        }
    }

    /**
     * A worker started by {@link #start} has exited or was killed: when it was the creator, its dump is moved into
     * place (status 0) or dropped. A creator still alive (just killed) is waited for up to 5 s first, so that it
     * cannot write its dump after the dump was deleted.
     *
     * @param worker the worker.
     */
    public synchronized void exited(final Process worker)
    {
        if (worker != creator)
        {
            return;
        }
        creator = null;
        try
        {
            worker.waitFor(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        creatorExited(worker.isAlive() ? -1 : worker.exitValue());
    }

    /**
     * Called once the creating worker has exited: moves its dump into place when it exited cleanly, else drops it.
     *
     * @param exitValue the worker's exit status.
     */
    public synchronized void creatorExited(final int exitValue)
    {
        if (!creating)
        {
            return;
        }
        creating = false;
        try
        {
            if (exitValue == 0 && Files.isRegularFile(dump) && Files.size(dump) > 0)
            {
                Files.move(dump, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                pruneOthers();
            }
        }
        catch (final IOException | RuntimeException ignored)
        {
            // no archive this time: the next run tries again
        }
        finally
        {
            deleteQuietly(dump);
            deleteQuietly(lock);
        }
    }

    /**
     * Each rebuild of the jars names a new archive and leaves the old one unused: keep the newest
     * {@value #KEPT_ARCHIVES} of the folder (this one included) and delete the rest.
     */
    private void pruneOthers() throws IOException
    {
        final List<Path> archives;
        try (Stream<Path> files = Files.list(archive.getParent()))
        {
            archives = files.filter(f -> f.getFileName().toString().startsWith("shoal-") &&
                f.getFileName().toString().endsWith(".jsa") && !f.equals(archive))
                .sorted(Comparator.comparing(ClassDataArchive::modified).reversed()).toList();
        }
        for (int i = KEPT_ARCHIVES - 1; i < archives.size(); i++)
        {
            deleteQuietly(archives.get(i));
        }
    }

    private static FileTime modified(final Path file)
    {
        try
        {
            return Files.getLastModifiedTime(file);
        }
        catch (final IOException ex)
        {
            return FileTime.fromMillis(0); // gone meanwhile: first to be pruned
        }
    }

    private boolean takeLock()
    {
        try
        {
            Files.createDirectories(archive.getParent());
            try
            {
                Files.createFile(lock);
                return true;
            }
            catch (final FileAlreadyExistsException ex)
            {
                final FileTime taken = Files.getLastModifiedTime(lock);
                if (taken.toInstant().isAfter(Instant.now().minus(STALE_LOCK)))
                {
                    return false; // another run is making it
                }
                Files.setLastModifiedTime(lock, FileTime.from(Instant.now())); // a dead run's: take it over
                return true;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    private static Path folder()
    {
        final String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null && !configured.isEmpty())
        {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "shoal", "cds");
    }

    /**
     * @return a hash naming the JDK and every jar of the class path (path, size, modification time), or
     * {@code null} when an entry is not a readable jar.
     */
    static String key(final String classPath)
    {
        final StringBuilder identity = new StringBuilder()
            .append(System.getProperty("java.home")).append('\n')
            .append(System.getProperty("java.vm.version")).append('\n');
        for (final String entry : classPath.split(File.pathSeparator))
        {
            final Path jar = Path.of(entry).toAbsolutePath();
            if (!entry.endsWith(".jar") || !Files.isRegularFile(jar))
            {
                return null; // a directory (or anything else): the JDK archives classes from jars only
            }
            try
            {
                identity.append(jar).append('|').append(Files.size(jar)).append('|')
                    .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
            }
            catch (final IOException ex)
            {
                return null;
            }
        }
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            return null;
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignored)
        {
            // a leftover dump or lock is harmless: dumps are never mapped, locks go stale
        }
    }
}
