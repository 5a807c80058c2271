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
        assertTrue(ex.getMessage().contains("is not on the class path worker JVMs start with") &&
            ex.getMessage().contains("processes(false)"), ex.getMessage());
        assertFalse(Files.exists(region), "refused before anything is made");
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
