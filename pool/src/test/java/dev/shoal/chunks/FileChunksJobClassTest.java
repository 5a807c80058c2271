package dev.shoal.chunks;

import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A job class that no class loader finds by name (here a hidden class; in practice a plugin's or a container's
 * class): threads of the caller's JVM run the class they were given, and worker processes, which can only load a
 * job by name from the class path, are refused at once, naming why.
 */
class FileChunksJobClassTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRunTheJobClassItWasGivenInThreads() throws Exception
    {
        final Class<?> hidden = hiddenCountingJob();
        final Path file = ChunkFixtures.write(dir, "lines.txt", ChunkFixtures.randomContent(3, 2000));
        final FileChunks chunks = FileChunks.builder(file).processes(false).workers(2).chunkBytes(500)
            .region(dir.resolve("threads")).build();
        final ChunkOutcome<LineChecksum> o = chunks.run(jobClass(hidden));
        final ChunkOutcome<LineChecksum> reference = FileChunks.builder(file).processes(false).workers(1)
            .region(dir.resolve("reference")).build().run(LineChecksumJob.class);
        assertEquals(reference.result().checksum(), o.result().checksum());
        assertEquals(reference.lines(), o.lines());
        // The merger's job and the threads' job: both of the class given (it was reloaded by name, and failed).
        assertEquals(2, ((AtomicInteger)hidden.getField("CREATED").get(null)).get());
    }

    @Test
    void shouldRefuseWorkerProcessesForAJobClassTheyCannotLoadByName() throws Exception
    {
        final Class<?> hidden = hiddenCountingJob();
        final Path file = ChunkFixtures.write(dir, "lines.txt", ChunkFixtures.randomContent(4, 2000));
        final Path region = dir.resolve("processes");
        final FileChunks chunks = FileChunks.builder(file).workers(2).chunkBytes(500).region(region).build();
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> chunks.run(jobClass(hidden)));
        assertTrue(ex.getMessage().contains("is a hidden class, which no class loader finds by name") &&
            ex.getMessage().contains("processes(false)"), ex.getMessage());
        assertFalse(Files.exists(region), "refused before anything is made");
    }

    /**
     * A plugin's own class of a name the class path also has: the workers would run the class path's while this
     * JVM merged with, and hashed the code of, the plugin's (the first version of the check looked at the name only).
     */
    @Test
    void shouldRefuseWorkerProcessesForAnotherClassOfTheSameName() throws Exception
    {
        final Class<?> plugins = new ChildFirst().loadClass(CountingJob.class.getName());
        assertNotSame(CountingJob.class, plugins);
        final Path file = ChunkFixtures.write(dir, "lines.txt", ChunkFixtures.randomContent(5, 2000));
        final Path region = dir.resolve("same-name");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> FileChunks.builder(file).workers(2).chunkBytes(500).region(region).build().run(jobClass(plugins)));
        assertTrue(ex.getMessage().contains("not from the class path worker JVMs start with, where a class of that " +
            "name is another one"), ex.getMessage());
        assertFalse(Files.exists(region), "refused before anything is made");
        // In threads of this JVM the plugin's class is the one that runs (the merger's job and the threads' one).
        final AtomicInteger created = (AtomicInteger)plugins.getField("CREATED").get(null);
        final int before = created.get();
        FileChunks.builder(file).processes(false).workers(2).chunkBytes(500).region(dir.resolve("plugin-threads"))
            .build().run(jobClass(plugins));
        assertEquals(before + 2, created.get());
    }

    /** Defines CountingJob itself, from its class file, instead of asking its parent: a plugin's loader. */
    private static final class ChildFirst extends ClassLoader
    {
        ChildFirst()
        {
            super(ChildFirst.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
        {
            if (!name.equals(CountingJob.class.getName()))
            {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name))
            {
                final Class<?> loaded = findLoadedClass(name);
                if (loaded != null)
                {
                    return loaded;
                }
                try (InputStream in = CountingJob.class.getResourceAsStream("CountingJob.class"))
                {
                    final byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                }
                catch (final java.io.IOException ex)
                {
                    throw new ClassNotFoundException(name, ex);
                }
            }
        }
    }

    private static Class<?> hiddenCountingJob() throws Exception
    {
        final byte[] bytes;
        try (InputStream in = CountingJob.class.getResourceAsStream("CountingJob.class"))
        {
            bytes = in.readAllBytes();
        }
        return MethodHandles.lookup().defineHiddenClass(bytes, true).lookupClass();
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends ChunkJob<LineChecksum>> jobClass(final Class<?> type)
    {
        return (Class<? extends ChunkJob<LineChecksum>>)type;
    }
}
