package dev.shoal.chunks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The newline gathers against a byte-by-byte loop, on every kind of buffer a window wraps (off-heap at any
 * offset, a mapping, a heap array), at every newline density and block position; and the choice of gather.
 * The build runs this class twice where a JDK 25 is at hand: on JDK 17 (the eight-byte split) and on JDK 25 with
 * the vector module, where {@value #EXPECTED_SPLIT} says the vector split must have been chosen.
 */
class NewlineGatherTest
{
    /** System property the JDK 25 test run sets: the split this JVM must have chosen ({@code vector}). */
    static final String EXPECTED_SPLIT = "shoal.test.split";
    private static final double[] DENSITIES = { 0, 0.005, 0.025, 0.1, 0.4, 1 };

    @TempDir
    Path dir;

    @Test
    void shouldChooseTheSplitThisJvmCanRunFast()
    {
        final String expected = System.getProperty(EXPECTED_SPLIT);
        final String chosen = NewlineGathers.SELECTED.name();
        if (expected != null)
        {
            assertTrue(chosen.startsWith(expected), "expected a " + expected + " split, chose " + chosen);
        }
        if (Runtime.version().feature() < NewlineGathers.VECTOR_MIN_FEATURE)
        {
            assertEquals("swar-8", chosen, "below JDK 25 the eight-byte split");
            assertEquals(List.of(), NewlineGathers.workerJvmOptions(), "and no vector module for workers");
        }
        if (chosen.startsWith("vector"))
        {
            final List<String> options = NewlineGathers.workerJvmOptions();
            assertEquals(List.of("--add-modules", NewlineGathers.VECTOR_MODULE), options.subList(0, 2),
                "chunk workers get the module this JVM splits with: " + options);
            assertEquals("-XX:CompileCommand=quiet", options.get(2), "no compile command printed on a worker's stdout");
            assertTrue(options.get(3).contains(NewlineGathers.VECTOR_CLASS + "::gather"), "the gather compiled early");
            assertTrue(NewlineGathers.SELECTED.step() >= 16 && NewlineGathers.SELECTED.step() <= Long.SIZE,
                "a vector's bytes fit a long's bits: " + NewlineGathers.SELECTED.step());
        }
    }

    @Test
    void shouldGiveOneShotWorkersTheVectorSplitFromAGigabyteEach()
    {
        // The JDK 25 run checks the line itself; on JDK 17 both sides are empty (no vector split to give).
        final List<String> vector = NewlineGathers.workerJvmOptions();
        assertEquals(vector, NewlineGathers.oneShotWorkerJvmOptions(2L << 30, 2), "1 GiB each");
        assertEquals(List.of(), NewlineGathers.oneShotWorkerJvmOptions((2L << 30) - 1, 2), "just under 1 GiB each");
        assertEquals(List.of(), NewlineGathers.oneShotWorkerJvmOptions(64L << 20, 1), "a small file");
    }

    @Test
    void shouldMatchAByteLoopOffTheHeapAtEveryOffset()
    {
        final SplittableRandom random = new SplittableRandom(seed());
        for (final double density : DENSITIES)
        {
            final ByteBuffer memory = ByteBuffer.allocateDirect(8192);
            fill(memory, random, density);
            for (final int offset : new int[]{ 0, 1, 7, 13, 64, 100 })
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(memory, offset, memory.capacity() - offset);
                assertAllBlocks(buffer, "direct density=" + density + " offset=" + offset);
            }
        }
    }

    @Test
    void shouldMatchAByteLoopThroughAMappingAndAHeapArray() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(seed());
        final ByteBuffer content = ByteBuffer.allocate(6000);
        fill(content, random, 0.03);
        final Path file = Files.write(dir.resolve("lines.txt"), content.array());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, content.capacity());
            try
            {
                assertAllBlocks(new UnsafeBuffer(mapped), "mapped");
            }
            finally
            {
                IoUtil.unmap(mapped);
            }
        }
        assertAllBlocks(new UnsafeBuffer(content.array()), "heap");
    }

    @Test
    void shouldFollowTheReaderFromBufferToBuffer()
    {
        // One reader's gather sees the window's buffer change (a long line mapped, then the read buffer again): it
        // must read the buffer it is given, not the one it saw before.
        final SplittableRandom random = new SplittableRandom(seed());
        final ByteBuffer a = ByteBuffer.allocateDirect(1024);
        final ByteBuffer b = ByteBuffer.allocateDirect(1024);
        fill(a, random, 0.05);
        fill(b, random, 0.2);
        for (final NewlineGather gather : gathers())
        {
            final NewlineGather reader = gather.forReader();
            for (final ByteBuffer memory : List.of(a, b, a, b))
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(memory);
                assertGathers(reader, buffer, 0, 1024, gather.name());
            }
        }
    }

    @Test
    void shouldRejectAGatherThatDisagrees()
    {
        assertTrue(NewlineGathers.agrees(SwarNewlineGather.INSTANCE, SwarNewlineGather.INSTANCE));
        assertTrue(NewlineGathers.agrees(NewlineGathers.SELECTED, SwarNewlineGather.INSTANCE));
        final NewlineGather missesTheLast = new NewlineGather()
        {
            @Override
            public int step()
            {
                return Long.BYTES;
            }

            @Override
            public int gather(final DirectBuffer buffer, final int from, final int to, final int[] found)
            {
                return Math.max(0, SwarNewlineGather.INSTANCE.gather(buffer, from, to, found) - 1);
            }

            @Override
            public String name()
            {
                return "broken";
            }

            @Override
            public NewlineGather forReader()
            {
                return this;
            }
        };
        assertFalse(NewlineGathers.agrees(missesTheLast, SwarNewlineGather.INSTANCE));
    }

    private static void assertAllBlocks(final DirectBuffer buffer, final String what)
    {
        for (final NewlineGather gather : gathers())
        {
            final NewlineGather reader = gather.forReader();
            final int step = gather.step();
            final int steps = buffer.capacity() / step;
            for (int first = 0; first < Math.min(steps, 6); first++)
            {
                for (final int count : new int[]{ 1, 2, 3, 31, 32, steps - first })
                {
                    if (first + count <= steps)
                    {
                        assertGathers(reader, buffer, first * step, (first + count) * step,
                            what + " " + gather.name());
                    }
                }
            }
        }
    }

    private static void assertGathers(
        final NewlineGather gather, final DirectBuffer buffer, final int from, final int to, final String what)
    {
        final List<Integer> expected = new ArrayList<>();
        for (int i = from; i < to; i++)
        {
            if (buffer.getByte(i) == '\n')
            {
                expected.add(i);
            }
        }
        final int[] found = new int[to - from + Long.BYTES];
        Arrays.fill(found, -1);
        final int count = gather.gather(buffer, from, to, found);
        assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), Arrays.copyOf(found, count),
            what + " [" + from + ", " + to + ")");
    }

    /** The eight-byte split always, and this JVM's choice when it is another. */
    private static List<NewlineGather> gathers()
    {
        return NewlineGathers.SELECTED == SwarNewlineGather.INSTANCE ? List.of(SwarNewlineGather.INSTANCE) :
            List.of(SwarNewlineGather.INSTANCE, NewlineGathers.SELECTED);
    }

    private static void fill(final ByteBuffer memory, final SplittableRandom random, final double density)
    {
        for (int i = 0; i < memory.capacity(); i++)
        {
            memory.put(i, random.nextDouble() < density ? (byte)'\n' : (byte)('a' + random.nextInt(26)));
        }
    }

    private static long seed()
    {
        final long seed = System.nanoTime();
        System.out.println("NewlineGatherTest seed " + seed);
        return seed;
    }
}
