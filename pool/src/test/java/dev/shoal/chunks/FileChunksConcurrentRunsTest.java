package dev.shoal.chunks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.shoal.core.RegionLocation;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two runs of the same file and job at the same time derive the same region: the second one must fail at once,
 * naming the run in progress, and leave it alone (it used to work the ranges the first one had not reached, find
 * the first one's held range and end "incomplete", claiming a region "kept" that the first run then deleted).
 */
@Timeout(90)
class FileChunksConcurrentRunsTest
{
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private ChildJvms jvms;
    private String regionsBefore;

    @TempDir
    Path dir;

    @BeforeEach
    void regionsInTheTestFolder()
    {
        jvms = new ChildJvms(dir);
        regionsBefore = System.getProperty(RegionLocation.DIRECTORY_PROPERTY);
        System.setProperty(RegionLocation.DIRECTORY_PROPERTY, regions().toString());
    }

    @AfterEach
    void cleanUp() throws InterruptedException
    {
        // Let a held run end by itself before the executor goes: an interrupted thread-mode coordinator unmaps its
        // region while its worker threads still write into it (the JVM dies of SIGSEGV).
        TestJobs.HoldingJob.release.countDown();
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
        executor.shutdownNow();
        jvms.close();
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
    void shouldRefuseASecondRunInThisJvmWhileTheFirstIsInProgress() throws Exception
    {
        final byte[] bytes = ChunkFixtures.randomContent(61, 3_000);
        final Path file = ChunkFixtures.write(dir, "same.txt", bytes);
        TestJobs.HoldingJob.reset();
        final Future<ChunkOutcome<LineChecksum>> first = executor.submit(() -> threads(file).run(
            TestJobs.HoldingJob.class));
        assertTrue(TestJobs.HoldingJob.holding.await(30, TimeUnit.SECONDS), "the first run holds its first range");

        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> threads(file).run(TestJobs.HoldingJob.class));
        assertInProgress(ex.getMessage(), ProcessHandle.current().pid());

        TestJobs.HoldingJob.release.countDown();
        final ChunkOutcome<LineChecksum> o = first.get(30, TimeUnit.SECONDS);
        FileChunksThreadsTest.assertChecksum(bytes, o, "the first run, untouched by the second");
        assertEquals(0, o.rangesResumed());
        assertEquals(List.of(), regionFiles(), "the finished run deleted its region");
    }

    /** A run with another chunk size was told it would "resume" a run it would discard once that one ended. */
    @Test
    void shouldSayARunWithOtherSettingsWouldDiscardTheRunInProgress() throws Exception
    {
        final Path file = ChunkFixtures.write(dir, "settings.txt", ChunkFixtures.randomContent(63, 3_000));
        TestJobs.HoldingJob.reset();
        final Future<ChunkOutcome<LineChecksum>> first = executor.submit(() -> threads(file).run(
            TestJobs.HoldingJob.class));
        assertTrue(TestJobs.HoldingJob.holding.await(30, TimeUnit.SECONDS), "the first run holds its first range");

        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> FileChunks.builder(file).processes(false).workers(2).chunkBytes(1000).build()
                .run(TestJobs.HoldingJob.class));
        assertInProgress(ex.getMessage(), ProcessHandle.current().pid());
        assertTrue(ex.getMessage().contains("(it then starts over, discarding that run's region if it was kept, " +
            "since "), ex.getMessage());
        assertFalse(ex.getMessage().contains("resumes"), ex.getMessage());

        TestJobs.HoldingJob.release.countDown();
        assertEquals(0, first.get(30, TimeUnit.SECONDS).rangesResumed());
    }

    @Test
    void shouldRefuseARunWhileAnotherJvmRunsTheSameFileAndJob() throws Exception
    {
        final byte[] bytes = ChunkFixtures.randomContent(62, 8_000);
        final Path file = ChunkFixtures.write(dir, "shared.txt", bytes);
        // The other JVM's only worker pauses holding its 3rd range: that run stays in progress until the kill.
        final Process other = jvms.start(ChunkRunMain.class, List.of("-D" + RegionLocation.DIRECTORY_PROPERTY + "=" +
            regions()), file.toString(), LineChecksumJob.class.getName(), "1", "2000", "2");
        ChildJvms.awaitCondition("the other run's worker paused", Duration.ofSeconds(30),
            () -> pausedWorker().isPresent());
        final long paused = pausedWorker().orElseThrow();

        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> threads(file).run(LineChecksumJob.class));
        assertInProgress(ex.getMessage(), other.pid());

        ProcessHandle.of(paused).ifPresent(ProcessHandle::destroyForcibly); // the other run now ends incomplete
        assertEquals(1, jvms.await(other, Duration.ofSeconds(30)), jvms.output(other));
        assertTrue(jvms.output(other).contains("failed: run incomplete: 2 of "), jvms.output(other));

        final ChunkOutcome<LineChecksum> o = threads(file).run(LineChecksumJob.class);
        FileChunksThreadsTest.assertChecksum(bytes, o, "resumed once the other run ended");
        assertEquals(2, o.rangesResumed(), "the two ranges the other run finished");
        assertEquals(List.of(), regionFiles());
    }

    private static void assertInProgress(final String message, final long pid)
    {
        assertTrue(message.contains("is in progress (its coordinator is pid " + pid), message);
        assertFalse(message.contains("incomplete"), message);
        assertFalse(message.contains("is kept"), message);
    }

    private FileChunks threads(final Path file)
    {
        return FileChunks.builder(file).processes(false).workers(2).chunkBytes(2000).build();
    }

    private Path regions()
    {
        return dir.resolve("regions");
    }

    private Optional<Long> pausedWorker()
    {
        try (Stream<Path> paths = Files.walk(regions()))
        {
            return paths.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("paused-"))
                .map(n -> Long.parseLong(n.substring("paused-".length()))).findFirst();
        }
        catch (final java.io.IOException | java.io.UncheckedIOException ex)
        {
            return Optional.empty(); // not made yet
        }
    }

    private List<Path> regionFiles() throws java.io.IOException
    {
        try (Stream<Path> left = Files.list(regions()))
        {
            return left.toList();
        }
    }
}
