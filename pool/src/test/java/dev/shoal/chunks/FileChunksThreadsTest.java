package dev.shoal.chunks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole runs with worker threads: claims, result slots (and spill files), merge order, resume.
 */
@Timeout(60)
class FileChunksThreadsTest
{
    @TempDir
    Path dir;

    static Stream<Arguments> edgeCases()
    {
        return ChunkFixtures.edgeCases().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeCases")
    void shouldMatchReferenceChecksumOnEveryEdgeCase(final String name, final String content)
    {
        final byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        final Path file = ChunkFixtures.write(dir, "edge.txt", bytes);
        for (final int chunk : new int[]{ 1, 3, 64, 1 << 20 })
        {
            final ChunkOutcome<LineChecksum> o = threads(file, chunk, 3).run(LineChecksumJob.class);
            assertChecksum(bytes, o, name + " chunk=" + chunk);
        }
    }

    /**
     * A progress listener that threw left the join loop without stopping the worker threads: the caller unmapped
     * the region under them and the JVM died of SIGSEGV. Now the threads are stopped and joined first.
     */
    @Test
    @Timeout(60)
    void shouldStopTheWorkerThreadsBeforeAThrowingProgressListenerEndsTheRun()
    {
        TestJobs.HoldingJob.reset(); // one worker holds its first line until interrupted: it is still running
        final Path file = ChunkFixtures.write(dir, "listened.txt", ChunkFixtures.randomContent(11, 3000));
        final FileChunks chunks = FileChunks.builder(file).processes(false).workers(2).chunkBytes(200)
            .region(dir.resolve("listened")).progress((done, total) ->
            {
                throw new IllegalStateException("the bar broke");
            }).build();
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> chunks.run(TestJobs.HoldingJob.class));
        assertTrue(ex.getMessage().contains("the progress listener threw") &&
            ex.getMessage().contains("the bar broke"), ex.getMessage());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().startsWith("shoal-chunks-") && t.isAlive()), "every worker thread joined");
    }

    /** A job's constructor that threw was reported as a missing no-arg constructor, its own message two causes down. */
    @Test
    void shouldNameWhatAJobsConstructorThrew()
    {
        final Path file = ChunkFixtures.write(dir, "ctor.txt", "a\n".getBytes(StandardCharsets.US_ASCII));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> FileChunks.builder(file).processes(false).workers(1).region(dir.resolve("ctor")).build()
                .run(TestJobs.ConstructorThrows.class));
        assertTrue(ex.getMessage().contains("the constructor of job " + TestJobs.ConstructorThrows.class.getName() +
            " threw: java.lang.IllegalStateException: config missing: set FOO"), ex.getMessage());
        assertEquals("workerJvmOptions", assertThrows(NullPointerException.class,
            () -> FileChunks.builder(file).workerJvmOptions(null)).getMessage());
    }

    /** A legal file name of 244 bytes made a derived region name over the 200-byte limit: refused, unprocessable. */
    @Test
    void shouldProcessAFileWhoseNameIsAsLongAsTheFileSystemAllows()
    {
        final byte[] bytes = "a\nbb\nccc\n".getBytes(StandardCharsets.US_ASCII);
        final Path file = ChunkFixtures.write(dir, "n".repeat(240) + ".txt", bytes);
        final ChunkOutcome<LineChecksum> o = FileChunks.builder(file).processes(false).workers(1).build()
            .run(LineChecksumJob.class);
        assertChecksum(bytes, o, "a 244-byte file name, its region named for it");
    }

    @Test
    void shouldMatchReferenceOnRandomFilesWithRandomChunkSizes()
    {
        final long master = System.nanoTime();
        final SplittableRandom seeds = new SplittableRandom(master);
        for (int round = 0; round < 12; round++)
        {
            final long seed = seeds.nextLong();
            final byte[] bytes = ChunkFixtures.randomContent(seed, 50 + (int)((seed >>> 1) % 400));
            final Path file = ChunkFixtures.write(dir, "random-" + round + ".txt", bytes);
            final int chunk = 1 + new SplittableRandom(seed).nextInt(Math.max(1, bytes.length / 3));
            final ChunkOutcome<LineChecksum> o = threads(file, chunk, 1 + round % 4).run(LineChecksumJob.class);
            assertChecksum(bytes, o, "master seed=" + master + " seed=" + seed + " chunk=" + chunk);
        }
    }

    /**
     * A file overwritten in place while its ranges were read (same length): the run summed ranges read before
     * and after the write as one file's and said nothing (a user's review). A worker that starts after the change
     * refuses it already; here the one worker started before it.
     */
    @Test
    void shouldRefuseTheTotalsOfAFileWrittenWhileItWasRead() throws IOException
    {
        final Path file = ChunkFixtures.write(dir, "rewritten.txt", ChunkFixtures.randomContent(7, 3000));
        TestJobs.RewritingJob.target = file;
        final FileChunks chunks = FileChunks.builder(file).processes(false).workers(1).chunkBytes(500)
            .region(dir.resolve("region")).build();
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> chunks.run(TestJobs.RewritingJob.class));
        assertTrue(ex.getMessage().startsWith("file " + file + " changed while it was read (modified at ") &&
            ex.getMessage().contains("the totals are not given"), ex.getMessage());
        assertFalse(Files.exists(dir.resolve("region")), "nothing kept of a run that cannot be resumed");
    }

    @Test
    void shouldWriteResultsInFileOrderIncludingSpilledOnes() throws IOException
    {
        final long seed = 42;
        final byte[] bytes = ChunkFixtures.randomContent(seed, 3000);
        final Path file = ChunkFixtures.write(dir, "ordered.txt", bytes);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ChunkOutcome<Void> o = FileChunks.builder(file).processes(false).workers(3).chunkBytes(97)
            .windowBytes(200).region(dir.resolve("region")).build()
            .runOrdered(TestJobs.UpperCaseLines.class, Channels.newChannel(out));

        final StringBuilder expected = new StringBuilder();
        for (final byte[] line : ChunkFixtures.referenceLines(bytes))
        {
            expected.append(new String(line, StandardCharsets.US_ASCII).toUpperCase()).append('\n');
        }
        assertEquals(expected.toString(), out.toString(StandardCharsets.US_ASCII));
        assertEquals(bytes.length, o.bytes());
        assertFalse(Files.exists(dir.resolve("region")), "region deleted after a complete run");
        assertFalse(Files.exists(dir.resolve("region.d")), "side folder deleted after a complete run");
    }

    @Test
    void shouldLeaveFilesItDidNotWriteInTheSideFolder() throws IOException
    {
        final byte[] bytes = ChunkFixtures.randomContent(7, 3000);
        final Path file = ChunkFixtures.write(dir, "kept.txt", bytes);
        final Path side = dir.resolve("mine.d");
        Files.createDirectories(side);
        Files.writeString(side.resolve("notes.txt"), "the user's own");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        FileChunks.builder(file).processes(false).workers(3).chunkBytes(97).windowBytes(200)
            .region(dir.resolve("mine")).build().runOrdered(TestJobs.UpperCaseLines.class, Channels.newChannel(out));

        final StringBuilder expected = new StringBuilder();
        for (final byte[] line : ChunkFixtures.referenceLines(bytes))
        {
            expected.append(new String(line, StandardCharsets.US_ASCII).toUpperCase()).append('\n');
        }
        assertEquals(expected.toString(), out.toString(StandardCharsets.US_ASCII));
        assertFalse(Files.exists(dir.resolve("mine")), "region deleted after a complete run");
        assertEquals("the user's own", Files.readString(side.resolve("notes.txt")));
        try (Stream<Path> left = Files.list(side))
        {
            assertEquals(List.of(side.resolve("notes.txt")), left.toList(), "the run's spilled results removed");
        }
    }

    @Test
    void shouldMergeCsvStatsLikeASinglePass() throws IOException
    {
        final Path file = dir.resolve("sample.csv");
        CsvGenerator.generate(file, 300_000, 7);
        final byte[] bytes = Files.readAllBytes(file);
        final CsvStats expected = new CsvStats();
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(new byte[0]);
        for (final byte[] line : ChunkFixtures.referenceLines(bytes))
        {
            buffer.wrap(line);
            expected.add(buffer, 0, line.length);
        }
        final ChunkOutcome<CsvStats> o = threads(file, 10_000, 2).run(CsvStatsJob.class);

        assertEquals(expected.behaviorCounts(), o.result().behaviorCounts());
        assertEquals(expected.topCategories(10), o.result().topCategories(10));
        assertEquals(expected.distinctCategories(), o.result().distinctCategories());
        assertEquals(1, o.result().skipped(), "the header");
        assertEquals(o.lines(), o.result().rows() + o.result().skipped());
        assertEquals(countCategories(bytes), categoriesOf(o.result()));
    }

    @Test
    void shouldResumeOnlyTheRangesNotDoneAfterAWorkerDies()
    {
        final byte[] bytes = ChunkFixtures.randomContent(7, 2000);
        final Path file = ChunkFixtures.write(dir, "resume.txt", bytes);
        final Path region = dir.resolve("region");
        final FileChunks interrupted = FileChunks.builder(file).processes(false).workers(1).chunkBytes(500)
            .region(region).stopFirstWorkerAfter(5, ChunkWorker.StopMode.ABANDON).build();

        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> interrupted.run(LineChecksumJob.class));
        assertTrue(ex.getMessage().contains("run incomplete: 5 of "), ex.getMessage());
        assertTrue(Files.exists(region), "region kept for the resume");

        final ChunkOutcome<LineChecksum> o = FileChunks.builder(file).processes(false).workers(2).chunkBytes(500)
            .region(region).build().run(LineChecksumJob.class);
        assertChecksum(bytes, o, "resumed");
        assertEquals(5, o.rangesResumed());
        assertEquals(1, o.rangesRedone(), "the range the dead worker held");
    }

    @Test
    void shouldRefuseARegionOfAnotherRun() throws IOException
    {
        final byte[] bytes = "a\nb\nc\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
        final Path file = ChunkFixtures.write(dir, "a.txt", bytes);
        final Path region = dir.resolve("region");
        FileChunks.builder(file).processes(false).workers(1).chunkBytes(50).region(region).keepRegion(true).build()
            .run(LineChecksumJob.class);

        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_000_000L));

        final IllegalStateException ex = assertThrows(IllegalStateException.class, () ->
            FileChunks.builder(file).processes(false).workers(1).chunkBytes(50).region(region).build()
                .run(LineChecksumJob.class));
        assertTrue(ex.getMessage().contains("holds another run"), ex.getMessage());
        assertTrue(ex.getMessage().contains("fileModified=1000000"), ex.getMessage());
    }

    @Test
    void shouldFailTheRunWhenTheJobThrowsSayingWhatIsKept()
    {
        final Path file = ChunkFixtures.write(dir, "boom.txt", "a\nboom\nc\n".getBytes(StandardCharsets.US_ASCII));
        final Path region = dir.resolve("boom-region");
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () ->
            FileChunks.builder(file).processes(false).workers(2).chunkBytes(2).region(region).build()
                .run(TestJobs.FailingJob.class));
        assertTrue(ex.getMessage().startsWith("worker thread failed: java.lang.IllegalStateException: boom at offset"),
            ex.getMessage());
        assertKept(ex.getMessage(), region);
    }

    @Test
    @Timeout(60)
    void shouldStopItsWorkerThreadsBeforeReturningWhenInterrupted() throws Exception
    {
        // The coordinator thread interrupted while its worker threads run: it returned at once and unmapped the
        // region under them, and the next store of a worker thread crashed the JVM (SIGSEGV).
        final Path file = ChunkFixtures.write(dir, "held.txt", ChunkFixtures.randomContent(3, 400_000));
        TestJobs.HoldingJob.reset();
        final java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
        final Thread runner = new Thread(() ->
        {
            try
            {
                threads(file, 4096, 2).run(TestJobs.HoldingJob.class);
                ended.complete(null);
            }
            catch (final RuntimeException ex)
            {
                ended.complete(ex);
            }
        }, "chunks-runner");
        try
        {
            runner.start();
            assertTrue(TestJobs.HoldingJob.holding.await(30, java.util.concurrent.TimeUnit.SECONDS), "a range held");
            runner.interrupt();
            final Throwable ex = ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(ex instanceof IllegalStateException && ex.getMessage().contains("interrupted while waiting " +
                "for workers"), String.valueOf(ex));
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive() &&
                t.getName().startsWith("shoal-chunks-")), "every worker thread ended before the run returned");
        }
        finally
        {
            TestJobs.HoldingJob.release.countDown();
            runner.join(30_000);
        }
    }

    @Test
    void shouldSayWhatIsKeptWhenTheMergeThrows() throws IOException
    {
        final byte[] bytes = ChunkFixtures.randomContent(8, 3000);
        final Path file = ChunkFixtures.write(dir, "merge.txt", bytes);
        final Path region = dir.resolve("merge-region");
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () ->
            FileChunks.builder(file).processes(false).workers(2).chunkBytes(500).region(region).build()
                .run(TestJobs.FailingMergeJob.class));
        assertTrue(ex.getMessage().startsWith("merge failed on purpose; "), ex.getMessage());
        assertKept(ex.getMessage(), region);

        // Spilled results (a hint of 16 bytes) leave the side folder too: the message names it as well.
        final Path spilled = dir.resolve("spilled-region");
        final IllegalStateException withFolder = assertThrows(IllegalStateException.class, () ->
            FileChunks.builder(file).processes(false).workers(2).chunkBytes(97).windowBytes(200).region(spilled)
                .build().runOrdered(TestJobs.UpperCaseLines.class, new FullChannel()));
        assertTrue(withFolder.getMessage().startsWith("cannot write result of range 0; "), withFolder.getMessage());
        assertTrue(withFolder.getMessage().contains("the region " + spilled + " and its side folder " +
            FileChunks.sideFolder(spilled) + " are kept"), withFolder.getMessage());
        assertTrue(Files.isDirectory(FileChunks.sideFolder(spilled)), "side folder kept");
    }

    /**
     * An output that fails every write, as a full disk would.
     */
    private static final class FullChannel implements WritableByteChannel
    {
        @Override
        public int write(final ByteBuffer src) throws IOException
        {
            throw new IOException("disk full on purpose");
        }

        @Override
        public boolean isOpen()
        {
            return true;
        }

        @Override
        public void close()
        {
        }
    }

    private static void assertKept(final String message, final Path region)
    {
        assertTrue(message.contains("; the region " + region + " is kept: run again to resume"), message);
        assertTrue(message.contains("or delete with `shoal delete " + region + "`"), message);
        assertTrue(Files.exists(region), "the region is kept, as the message says");
    }

    @Test
    void shouldRejectAMissingFileAndBadSettings()
    {
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () ->
            FileChunks.builder(dir.resolve("nope")).processes(false).build().run(LineChecksumJob.class));
        assertTrue(missing.getMessage().startsWith("file not found: "), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FileChunks.builder(dir).chunkBytes(0).build());
        assertThrows(IllegalArgumentException.class, () -> FileChunks.builder(dir).workers(0).build());
        assertThrows(IllegalArgumentException.class, () ->
            FileChunks.builder(dir).processes(false).chaosKillAt(0.5).build());
    }

    private FileChunks threads(final Path file, final int chunk, final int workers)
    {
        return FileChunks.builder(file).processes(false).workers(workers).chunkBytes(chunk).windowBytes(256)
            .region(dir.resolve("region-" + System.nanoTime())).build();
    }

    static void assertChecksum(final byte[] bytes, final ChunkOutcome<LineChecksum> o, final String what)
    {
        final long[] expected = ChunkFixtures.referenceChecksum(bytes);
        assertArrayEquals(expected, new long[]{ o.lines(), o.result().checksum() }, what);
        assertEquals(expected[0], o.result().lines(), what);
        assertEquals(bytes.length, o.bytes(), what);
    }

    private static Map<Long, Long> countCategories(final byte[] bytes)
    {
        final Map<Long, Long> counts = new HashMap<>();
        final List<byte[]> lines = ChunkFixtures.referenceLines(bytes);
        for (final byte[] line : lines.subList(1, lines.size()))
        {
            final String[] fields = new String(line, StandardCharsets.US_ASCII).split(",", -1);
            counts.merge(Long.parseLong(fields[4]), 1L, Long::sum);
        }
        return counts;
    }

    private static Map<Long, Long> categoriesOf(final CsvStats stats)
    {
        final Map<Long, Long> counts = new HashMap<>();
        for (final CsvStats.CategoryCount c : stats.topCategories(Integer.MAX_VALUE))
        {
            counts.put(c.category(), c.rows());
        }
        return counts;
    }
}
