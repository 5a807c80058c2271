package dev.shoal.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workers' class-data archive with real JVMs: made by the first worker, moved into place only after a clean
 * exit, then mapped by the next; never made twice at once; off for directories; a changed jar gets another one.
 */
@Timeout(120)
class ClassDataArchiveTest
{
    @TempDir
    Path dir;

    private String savedDir;
    private Path jar;

    @BeforeEach
    void setUp() throws IOException
    {
        savedDir = System.getProperty(ClassDataArchive.DIRECTORY_PROPERTY);
        System.setProperty(ClassDataArchive.DIRECTORY_PROPERTY, dir.resolve("cds").toString());
        jar = dir.resolve("child.jar");
        writeJar(jar);
    }

    @AfterEach
    void tearDown()
    {
        if (savedDir == null)
        {
            System.clearProperty(ClassDataArchive.DIRECTORY_PROPERTY);
        }
        else
        {
            System.setProperty(ClassDataArchive.DIRECTORY_PROPERTY, savedDir);
        }
    }

    @Test
    void shouldMakeTheArchiveOnFirstUseAndMapItInTheNextWorker() throws Exception
    {
        final ClassDataArchive archive = ClassDataArchive.forClassPath(jar.toString());
        assertNotNull(archive);
        final ClassDataArchive.Options first = archive.next();
        assertTrue(first.creates(), "no archive yet: the first worker makes it");
        assertFalse(archive.next().creates(), "one creator at a time");
        assertTrue(archive.next().jvmOptions().isEmpty(), "the others start without while it is made");
        final int exit = run(first.jvmOptions(), List.of()).exitValue;
        archive.creatorExited(exit);
        assertEquals(0, exit);
        assertTrue(Files.isRegularFile(archive.path()), "moved into place after the clean exit");
        assertEquals(List.of(archive.path().getFileName().toString()), names(archive.path().getParent()),
            "no dump or lock left beside it");

        final ClassDataArchive.Options second = ClassDataArchive.forClassPath(jar.toString()).next();
        assertFalse(second.creates());
        final Result used = run(second.jvmOptions(), List.of("-Xlog:class+load=info"));
        assertEquals(0, used.exitValue, used.output);
        assertTrue(used.output.contains("dev.shoal.process.CdsChild source: shared objects file (top)"),
            "the worker's own class comes from the archive:\n" + used.output);
    }

    @Test
    void shouldKeepOnlyTheNewestArchivesOfEarlierBuilds() throws Exception
    {
        final ClassDataArchive archive = ClassDataArchive.forClassPath(jar.toString());
        final Path folder = archive.path().getParent();
        Files.createDirectories(folder);
        final Instant now = Instant.now();
        for (int i = 0; i < 12; i++)
        {
            final Path old = folder.resolve("shoal-old" + i + ".jsa");
            Files.writeString(old, "old");
            Files.setLastModifiedTime(old, FileTime.from(now.minusSeconds(3600L * (i + 1))));
        }
        Files.writeString(folder.resolve("notes.txt"), "not an archive: never touched");
        final ClassDataArchive.Options first = archive.next();
        assertEquals(0, run(first.jvmOptions(), List.of()).exitValue);
        archive.creatorExited(0);
        final List<String> left = names(folder);
        assertTrue(left.contains(archive.path().getFileName().toString()), left.toString());
        assertTrue(left.contains("notes.txt"), left.toString());
        assertEquals(ClassDataArchive.KEPT_ARCHIVES, left.stream().filter(n -> n.endsWith(".jsa")).count(),
            left.toString());
        assertTrue(left.contains("shoal-old0.jsa") && !left.contains("shoal-old7.jsa"), "the newest kept: " + left);
    }

    @Test
    void shouldTrackTheCreatorItStartsAndDropTheDumpOfOneKilled() throws Exception
    {
        // The launchers' path (chunk and pool workers): start() knows which worker dumps, exited() settles it.
        final ClassDataArchive archive = ClassDataArchive.forClassPath(jar.toString());
        final Path log = dir.resolve("start.log");
        final Process killed = archive.start(JavaProcess.of(CdsChild.class).classPath(jar.toString()).output(log, log));
        killed.destroyForcibly();
        archive.exited(killed);
        assertFalse(Files.exists(archive.path()), "a killed creator's dump is never moved into place");
        assertEquals(List.of(), names(archive.path().getParent()), "dump and lock removed");

        final Process clean = archive.start(JavaProcess.of(CdsChild.class).classPath(jar.toString()).output(log, log));
        assertTrue(clean.waitFor(60, TimeUnit.SECONDS));
        archive.exited(clean);
        assertTrue(Files.isRegularFile(archive.path()), "a clean exit moves the dump into place");
    }

    @Test
    void shouldDropTheDumpOfAWorkerThatDidNotExitCleanly() throws Exception
    {
        final ClassDataArchive archive = ClassDataArchive.forClassPath(jar.toString());
        final ClassDataArchive.Options first = archive.next();
        assertTrue(first.creates());
        assertEquals(0, run(first.jvmOptions(), List.of()).exitValue);
        archive.creatorExited(137); // as if killed during the dump: whatever it wrote must not be mapped later
        assertFalse(Files.exists(archive.path()));
        assertEquals(List.of(), names(archive.path().getParent()), "dump and lock removed");
        assertTrue(archive.next().creates(), "the next worker tries again");
    }

    @Test
    void shouldWaitForAnotherRunsCreatorAndTakeOverAStaleLock() throws IOException
    {
        final ClassDataArchive archive = ClassDataArchive.forClassPath(jar.toString());
        final Path lock = archive.path().resolveSibling(archive.path().getFileName() + ".lock");
        Files.createDirectories(lock.getParent());
        Files.createFile(lock);
        assertTrue(archive.next().jvmOptions().isEmpty(), "another run holds the lock: no archive options");
        final Instant stale = Instant.now().minus(ClassDataArchive.STALE_LOCK).minusSeconds(1);
        Files.setLastModifiedTime(lock, FileTime.from(stale));
        assertTrue(archive.next().creates(), "a lock left by a dead run is taken over");
    }

    @Test
    void shouldBeOffForDirectoriesAndNameAChangedJarAnew() throws IOException
    {
        assertNull(ClassDataArchive.forClassPath(dir.toString()), "classes in a directory are not archived");
        assertNull(ClassDataArchive.forClassPath(jar + java.io.File.pathSeparator + dir));
        final String before = ClassDataArchive.key(jar.toString());
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        assertNotEquals(before, ClassDataArchive.key(jar.toString()), "a rebuilt jar never meets an old archive");
        final String saved = System.getProperty(ClassDataArchive.ENABLED_PROPERTY);
        System.setProperty(ClassDataArchive.ENABLED_PROPERTY, "false");
        try
        {
            assertNull(ClassDataArchive.forClassPath(jar.toString()));
        }
        finally
        {
            if (saved == null)
            {
                System.clearProperty(ClassDataArchive.ENABLED_PROPERTY);
            }
            else
            {
                System.setProperty(ClassDataArchive.ENABLED_PROPERTY, saved);
            }
        }
    }

    private record Result(int exitValue, String output)
    {
    }

    private Result run(final List<String> archiveOptions, final List<String> more) throws Exception
    {
        final Path log = Files.createTempFile(dir, "child", ".log");
        final List<String> options = new ArrayList<>(archiveOptions);
        options.addAll(more);
        final Process process = JavaProcess.of(CdsChild.class).classPath(jar.toString()).jvmOptions(options)
            .output(log, log).start();
        try
        {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM exits");
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    private static List<String> names(final Path folder) throws IOException
    {
        try (var files = Files.list(folder))
        {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static void writeJar(final Path jar) throws IOException
    {
        final String entry = CdsChild.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
            InputStream in = CdsChild.class.getClassLoader().getResourceAsStream(entry))
        {
            assertNotNull(in, entry);
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
    }
}
