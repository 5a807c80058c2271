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

import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private FileChunks.Builder builder(final Path file, final int count, final int chunk)
    {
        return FileChunks.builder(file).workers(count).chunkBytes(chunk).windowBytes(4096)
            .region(dir.resolve("region-" + System.nanoTime())).workerStarted(workers::add)
            .workerJvmOptions(List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1"));
    }
}
