package dev.shoal.chunks;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.shoal.core.RegionLocation;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole runs with real worker JVMs, including workers that die mid-range (halted, or SIGKILLed while holding
 * a claim) and the resumed run that must still produce exactly the reference result.
 */
@Timeout(60)
class FileChunksProcessesTest
{
    private final List<Process> workers = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @TempDir
    Path dir;

    @AfterEach
    void killWorkers() throws InterruptedException
    {
        executor.shutdownNow();
        for (final Process p : workers)
        {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldMatchReferenceWithTwoWorkerProcesses()
    {
        final byte[] bytes = ChunkFixtures.randomContent(11, 20_000);
        final Path file = ChunkFixtures.write(dir, "two.txt", bytes);
        final ChunkOutcome<LineChecksum> o = builder(file, 2, 3000).build().run(LineChecksumJob.class);

        FileChunksThreadsTest.assertChecksum(bytes, o, "two processes");
        assertEquals(2, o.workers());
        assertTrue(o.processes());
        assertEquals(0, o.rangesRedone());
        // The phases, timed across processes (CLOCK_MONOTONIC): a JVM start precedes the first claim, and the
        // phases fit in the run's wall time.
        assertTrue(o.startupSeconds() > 0, "start-up measured: " + o);
        assertTrue(o.processingSeconds() > 0, "processing measured: " + o);
        assertTrue(o.startupSeconds() + o.processingSeconds() <= o.seconds(), o.toString());
        assertTrue(o.processingBytesPerSecond() >= o.bytesPerSecond(), o.toString());
    }

    @Test
    void shouldGiveAJobThatReadsItsInputAnEmptyOne()
    {
        // NoisyJob reads System.in in a worker: a worker whose input were the coordinator's open pipe would wait
        // forever (the class's timeout fails the test), one whose input is closed reads its end at once.
        final byte[] bytes = ChunkFixtures.randomContent(12, 4_000);
        final Path file = ChunkFixtures.write(dir, "reads-input.txt", bytes);
        final ChunkOutcome<LineChecksum> o = builder(file, 2, 1000).maxRestarts(0).build()
            .run(TestJobs.NoisyJob.class);
        FileChunksThreadsTest.assertChecksum(bytes, o, "a job reading its input in worker processes");
        assertEquals(0, o.workerRestarts());
    }

    @Test
    void shouldWriteOrderedOutputFromWorkerProcesses()
    {
        final byte[] bytes = ChunkFixtures.randomContent(12, 5000);
        final Path file = ChunkFixtures.write(dir, "ordered.txt", bytes);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        builder(file, 2, 777).build().runOrdered(TestJobs.UpperCaseLines.class, Channels.newChannel(out));

        final StringBuilder expected = new StringBuilder();
        for (final byte[] line : ChunkFixtures.referenceLines(bytes))
        {
            expected.append(new String(line, StandardCharsets.US_ASCII).toUpperCase()).append('\n');
        }
        assertEquals(expected.toString(), out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldRedoTheRangeOfAHaltedWorker()
    {
        final byte[] bytes = ChunkFixtures.randomContent(13, 20_000);
        final Path file = ChunkFixtures.write(dir, "halt.txt", bytes);
        // One worker, so that it surely holds its 4th range when it halts (with two, the other one could take
        // every range first on a loaded machine); its replacement must redo exactly that range.
        final ChunkOutcome<LineChecksum> o = builder(file, 1, 2000).maxRestarts(1)
            .stopFirstWorkerAfter(3, ChunkWorker.StopMode.HALT).build().run(LineChecksumJob.class);

        FileChunksThreadsTest.assertChecksum(bytes, o, "after a halted worker");
        assertEquals(1, o.rangesRedone(), "the range the halted worker held");
        assertEquals(1, o.workerRestarts(), "the halted worker was replaced once");
    }

    @Test
    void shouldResumeExactlyAfterSigkillOfAWorkerHoldingARange() throws Exception
    {
        final byte[] bytes = ChunkFixtures.randomContent(14, 20_000);
        final Path file = ChunkFixtures.write(dir, "kill.txt", bytes);
        final Path region = dir.resolve("region");
        final FileChunks first = builder(file, 1, 2000).region(region).maxRestarts(0)
            .stopFirstWorkerAfter(4, ChunkWorker.StopMode.PAUSE).build();
        final Future<ChunkOutcome<LineChecksum>> run = executor.submit(() -> first.run(LineChecksumJob.class));

        ChildJvms.awaitCondition("worker paused holding its 5th range", Duration.ofSeconds(30), () ->
            workers.size() == 1 && Files.exists(ChunkRegion.sideFolder(region).resolve("paused-" +
            workers.get(0).pid())));
        workers.get(0).destroyForcibly(); // SIGKILL, mid-range
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, ex.getCause());
        assertTrue(ex.getCause().getMessage().contains("run incomplete: 4 of "), ex.getCause().getMessage());

        final ChunkOutcome<LineChecksum> o = builder(file, 2, 2000).region(region).build().run(LineChecksumJob.class);
        FileChunksThreadsTest.assertChecksum(bytes, o, "resumed after SIGKILL");
        assertEquals(4, o.rangesResumed());
        assertEquals(1, o.rangesRedone(), "the range the killed worker held");
        assertTrue(Files.notExists(region), "region deleted once complete");
    }

    /** A job that ends its worker with System.exit(7): the run said only "run incomplete: 1 of 2 ranges done". */
    @Test
    void shouldNameTheExitCodeOfAWorkerThatEndedWithoutAFailure()
    {
        final Path file = ChunkFixtures.write(dir, "exit.txt", "a\nexit\nc\n".getBytes(StandardCharsets.US_ASCII));
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> builder(file, 1, 4096).build().run(TestJobs.FailingJob.class));
        assertTrue(ex.getMessage().contains("run incomplete: 0 of 1 ranges done: worker ") &&
            ex.getMessage().contains(" exited with code 7"), ex.getMessage());
    }

    @Test
    void shouldCompleteWhenChaosKillsAWorker()
    {
        final byte[] bytes = ChunkFixtures.randomContent(15, 20_000);
        final Path file = ChunkFixtures.write(dir, "chaos.txt", bytes);
        final ChunkOutcome<LineChecksum> o = builder(file, 2, 1000).chaosKillAt(0).maxRestarts(2).build()
            .run(LineChecksumJob.class);

        FileChunksThreadsTest.assertChecksum(bytes, o, "after chaos");
        assertEquals(1, o.workersKilled());
    }

    @Test
    void shouldNameTheWorkersFailureAndReplaceTheStaleRunOfAChangedFile() throws Exception
    {
        final Path regions = dir.resolve("regions");
        final String before = System.getProperty(RegionLocation.DIRECTORY_PROPERTY);
        System.setProperty(RegionLocation.DIRECTORY_PROPERTY, regions.toString()); // derived region names land here
        try
        {
            final Path file = ChunkFixtures.write(dir, "boom.txt",
                "a\nboom\nc\n".getBytes(StandardCharsets.US_ASCII));
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> derived(file).build().run(TestJobs.FailingJob.class));
            assertTrue(ex.getMessage().contains("IllegalStateException: boom at offset"), ex.getMessage());
            assertTrue(ex.getMessage().contains("fix the cause above, then run again"), ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
            try (Stream<Path> left = Files.list(regions))
            {
                assertEquals(2, left.count(), "the failed run's region and its .d folder are kept for a resume");
            }

            Files.writeString(file, "a\nb\nc\nd\n"); // the file changes: the kept run is stale
            final ChunkOutcome<LineChecksum> good = derived(file).build().run(TestJobs.FailingJob.class);
            assertEquals(4, good.lines());
            try (Stream<Path> left = Files.list(regions))
            {
                assertEquals(List.of(), left.toList(), "the stale run was replaced, the good one cleaned up");
            }
        }
        finally
        {
            if (before == null)
            {
                System.clearProperty(RegionLocation.DIRECTORY_PROPERTY);
            }
            else
            {
                System.setProperty(RegionLocation.DIRECTORY_PROPERTY, before);
            }
        }
    }

    @Test
    void shouldRefuseWhatCannotBeSplitNamingWhy() throws Exception
    {
        assertTrue(message(dir.resolve("missing")).contains("file not found"));
        assertTrue(message(dir).contains("is a directory"));
        assertTrue(message(Path.of("/dev/null")).contains("not a regular file"));
        final Path proc = Path.of("/proc/self/status");
        if (Files.exists(proc))
        {
            assertTrue(message(proc).contains("reports size 0 but has content"), message(proc));
        }
    }

    private static String message(final Path file)
    {
        return assertThrows(IllegalArgumentException.class,
            () -> FileChunks.builder(file).workers(1).processes(false).build().run(LineChecksumJob.class))
            .getMessage();
    }

    /**
     * A failure an earlier run left in the kept region's side folder was read again by the next run: one whose worker
     * was only killed named the old cause and said to fix it.
     */
    @Test
    void shouldNameOnlyThisRunsFailures() throws Exception
    {
        final Path file = ChunkFixtures.write(dir, "flaky.txt", ChunkFixtures.randomContent(66, 2000));
        final Path region = dir.resolve("flaky-region");
        final List<String> options = List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1");
        final IllegalStateException first = assertThrows(IllegalStateException.class, () -> FileChunks.builder(file)
            .workers(1).chunkBytes(500).region(region).maxRestarts(0)
            .workerJvmOptions(java.util.stream.Stream.concat(options.stream(), java.util.stream.Stream.of(
                "-Dshoal.test.flaky=true")).toList()).build().run(TestJobs.FlakyJob.class));
        assertTrue(first.getMessage().contains("flaky: the database is down") &&
            first.getMessage().contains("fix the cause above"), first.getMessage());

        // The cause is gone; this run's only worker is halted after two ranges, with no restart allowed.
        final IllegalStateException second = assertThrows(IllegalStateException.class, () -> FileChunks.builder(file)
            .workers(1).chunkBytes(500).region(region).maxRestarts(0).workerJvmOptions(options)
            .stopFirstWorkerAfter(2, ChunkWorker.StopMode.HALT).build().run(TestJobs.FlakyJob.class));
        assertTrue(second.getMessage().contains("exited with code " + ChunkWorker.HALT_EXIT_CODE), second.getMessage());
        assertFalse(second.getMessage().contains("the database is down"), second.getMessage());
        assertTrue(second.getMessage().endsWith("is kept: run again to resume"), second.getMessage());
    }

    private FileChunks.Builder derived(final Path file)
    {
        return FileChunks.builder(file).workers(2).chunkBytes(2).maxRestarts(1).workerStarted(workers::add)
            .workerJvmOptions(List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1"));
    }

    private FileChunks.Builder builder(final Path file, final int count, final int chunk)
    {
        return FileChunks.builder(file).workers(count).chunkBytes(chunk).windowBytes(4096)
            .region(dir.resolve("region-" + System.nanoTime())).workerStarted(workers::add)
            .workerJvmOptions(List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1"));
    }
}
