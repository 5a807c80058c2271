package dev.shoal.chunks;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alignment rule, range by range, against the split-on-newline reference: every line read exactly once,
 * in order, for chunk sizes from 1 byte up and windows from 1 byte up (lines longer than the window are mapped).
 */
class ChunkAlignmentTest
{
    private static final int[] CHUNKS = { 1, 2, 3, 5, 7, 8, 13, 64, 100, 4096, 1 << 20 };
    private static final int[] WINDOWS = { 1, 3, 16, 4096, 64 << 20 };

    @TempDir
    Path dir;

    static Stream<Arguments> edgeCases()
    {
        return ChunkFixtures.edgeCases().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeCases")
    void shouldReadEveryLineOnceForEveryChunkAndWindowSize(final String name, final String content)
        throws IOException
    {
        final byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        final Path file = ChunkFixtures.write(dir, "edge.txt", bytes);
        for (final int chunk : CHUNKS)
        {
            for (final int window : WINDOWS)
            {
                assertSameLines(file, bytes, chunk, window, name + " chunk=" + chunk + " window=" + window);
            }
        }
    }

    @Test
    void shouldMatchReferenceOnRandomFilesAndChunkSizes() throws IOException
    {
        final long master = System.nanoTime();
        final SplittableRandom seeds = new SplittableRandom(master);
        for (int round = 0; round < 40; round++)
        {
            final long seed = seeds.nextLong();
            final byte[] bytes = ChunkFixtures.randomContent(seed, 1 + (int)(seed >>> 1) % 200);
            final Path file = ChunkFixtures.write(dir, "random.txt", bytes);
            final SplittableRandom random = new SplittableRandom(seed);
            final int chunk = 1 + random.nextInt(random.nextBoolean() ? 16 : Math.max(1, bytes.length));
            final int window = 1 + random.nextInt(random.nextBoolean() ? 32 : 8192);
            assertSameLines(file, bytes, chunk, window,
                "master seed=" + master + " seed=" + seed + " chunk=" + chunk + " window=" + window);
        }
    }

    @Test
    void shouldMatchReferenceAcrossManyGatherBlocks() throws IOException
    {
        // Files of tens of KiB: many of the reader's 2 KiB gather blocks, with runs of empty lines (several
        // newlines in one word) and lines longer than a block, read in one range and in ranges of odd sizes.
        final long master = System.nanoTime();
        final SplittableRandom seeds = new SplittableRandom(master);
        for (int round = 0; round < 6; round++)
        {
            final long seed = seeds.nextLong();
            final byte[] bytes = ChunkFixtures.randomContent(seed, 1000 + (int)((seed >>> 1) % 2000));
            final Path file = ChunkFixtures.write(dir, "blocks.txt", bytes);
            for (final int chunk : new int[]{ bytes.length, 2047, 4099, 1 << 20 })
            {
                assertSameLines(file, bytes, chunk, 64 << 20,
                    "master seed=" + master + " seed=" + seed + " chunk=" + chunk);
            }
        }
    }

    @Test
    void shouldFindNewlinesAtEveryPositionOfAWord()
    {
        for (int length = 0; length < 40; length++)
        {
            for (int at = -1; at < length; at++)
            {
                final byte[] bytes = new byte[length];
                java.util.Arrays.fill(bytes, (byte)'x');
                if (at >= 0)
                {
                    bytes[at] = '\n';
                }
                if (at + 2 < length)
                {
                    bytes[at + 2] = '\n'; // a later newline must not hide the first
                }
                final int expected = at >= 0 ? at : (length > 1 ? 1 : -1);
                assertEquals(expected, FileWindow.indexOfNewline(new UnsafeBuffer(bytes), 0, length),
                    "length=" + length + " at=" + at);
            }
        }
    }

    private static void assertSameLines(
        final Path file, final byte[] bytes, final int chunk, final int window, final String what) throws IOException
    {
        final List<String> expected = new ArrayList<>();
        for (final byte[] line : ChunkFixtures.referenceLines(bytes))
        {
            expected.add(new String(line, StandardCharsets.US_ASCII));
        }
        final List<String> actual = new ArrayList<>();
        long covered = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            FileWindow fileWindow = new FileWindow(channel, bytes.length, window))
        {
            final RangeReader reader = new RangeReader(fileWindow);
            final int ranges = ChunkRegionDescriptor.rangeCount(bytes.length, chunk);
            for (long i = 0; i < ranges; i++)
            {
                final long lines = reader.read(i * chunk, (i + 1) * chunk,
                    (buffer, offset, length) -> actual.add(buffer.getStringWithoutLengthAscii(offset, length)));
                assertTrue(lines >= 0, what);
                covered += reader.coveredBytes();
            }
        }
        assertEquals(expected, actual, what);
        assertEquals(bytes.length, covered, what + ": covered bytes");
    }
}
