package dev.shoal.chunks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.shoal.core.RegionLocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chunk worker JVMs split lines as their JDK does best, and still read every line once: on JDK 17 the eight-byte
 * split; on JDK 25 (the build's second run of this class, {@link NewlineGatherTest#EXPECTED_SPLIT} = vector) a
 * session's workers, and one-shot workers whose share of the file repays the module's start-up, get the vector
 * module and split with it. Each worker's log names its split.
 */
@Timeout(90)
class ChunkWorkerSplitTest
{
    @TempDir
    Path dir;
    private String regionsBefore;

    /** Derived region names and their side folders (the worker logs) land in the test's folder. */
    @BeforeEach
    void regionsInTheTestFolder()
    {
        regionsBefore = System.getProperty(RegionLocation.DIRECTORY_PROPERTY);
        System.setProperty(RegionLocation.DIRECTORY_PROPERTY, dir.resolve("regions").toString());
    }

    @AfterEach
    void restoreRegionFolder()
    {
        System.clearProperty(NewlineGathers.MIN_BYTES_PROPERTY);
        if (regionsBefore == null)
        {
            System.clearProperty(RegionLocation.DIRECTORY_PROPERTY);
        }
        else
        {
            System.setProperty(RegionLocation.DIRECTORY_PROPERTY, regionsBefore);
        }
    }

    @Test
    void shouldSplitInOneShotWorkersAsTheJdkDoesBest() throws IOException
    {
        // As if the file were large: every share repays the vector module's start-up.
        System.setProperty(NewlineGathers.MIN_BYTES_PROPERTY, "0");
        runOneShot("large.txt", expectedSplit());
    }

    @Test
    void shouldKeepTheEightByteSplitForASmallFileOnEveryJdk() throws IOException
    {
        runOneShot("small.txt", "swar");
    }

    private void runOneShot(final String name, final String expected) throws IOException
    {
        final byte[] bytes = ChunkFixtures.randomContent(78, 20_000);
        final Path file = ChunkFixtures.write(dir, name, bytes);
        // Kept, so the workers' logs stay in the region's side folder after the run.
        final ChunkOutcome<LineChecksum> outcome = FileChunks.builder(file).workers(2).chunkBytes(4099)
            .keepRegion(true).build().run(LineChecksumJob.class);
        FileChunksThreadsTest.assertChecksum(bytes, outcome, "one-shot workers");
        assertTrue(outcome.processes());
        assertLogsName(dir.resolve("regions"), 2, expected);
    }

    @Test
    void shouldSplitInSessionWorkersAsTheJdkDoesBest() throws IOException
    {
        final byte[] bytes = ChunkFixtures.randomContent(77, 20_000);
        final Path file = ChunkFixtures.write(dir, "session.txt", bytes);
        try (ChunkSession session = ChunkSession.builder().workers(2).start())
        {
            FileChunksThreadsTest.assertChecksum(bytes, FileChunks.builder(file).session(session).chunkBytes(4099)
                .build().run(LineChecksumJob.class), "session workers");
            assertLogsName(session.logFolder(), 2, expectedSplit());
        }
    }

    /** The split this JDK's workers should use when the file does not decide. */
    private static String expectedSplit()
    {
        return System.getProperty(NewlineGatherTest.EXPECTED_SPLIT,
            NewlineGathers.workerJvmOptions().isEmpty() ? "swar" : "vector");
    }

    /** Every worker log under the folder names the expected split. */
    private static void assertLogsName(final Path folder, final int workers, final String expected)
        throws IOException
    {
        final List<Path> logs;
        try (Stream<Path> files = Files.walk(folder))
        {
            logs = files.filter(f -> f.getFileName().toString().matches("worker-\\d+\\.log")).sorted().toList();
        }
        assertEquals(workers, logs.size(), "one log per worker: " + logs);
        for (final Path log : logs)
        {
            final String text = Files.readString(log);
            assertTrue(text.contains(": lines split by " + expected),
                log + " names the " + expected + " split: " + text);
        }
    }
}
