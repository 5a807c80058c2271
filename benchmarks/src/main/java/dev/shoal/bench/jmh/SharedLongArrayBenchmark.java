package dev.shoal.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.SharedLongArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * getAndAdd on a SharedLongArray in a mapped region (plain and padded layouts) against
 * {@link AtomicLongArray} on the heap, 1 and 2 threads. With {@code contended=true} every thread adds to
 * element 0; otherwise each thread adds to its own element (neighbours in a plain array, separate lines in a
 * padded one: the false-sharing case).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { JmhForks.ADD_EXPORTS, JmhForks.AGRONA_EXPORT })
public class SharedLongArrayBenchmark
{
    /** Shared state: one region or one AtomicLongArray per trial. */
    @State(Scope.Benchmark)
    public static class Arrays
    {
        @Param({ "shoal-plain", "shoal-padded", "atomic" })
        public String impl;

        @Param({ "false", "true" })
        public boolean contended;

        Path file;
        Region region;
        SharedLongArray shared;
        AtomicLongArray atomic;

        /**
         * @throws IOException when the temp file cannot be made.
         */
        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            atomic = new AtomicLongArray(16);
            if (!"atomic".equals(impl))
            {
                file = Files.createTempFile(Path.of("/dev/shm").toFile().isDirectory() ? Path.of("/dev/shm") :
                    Path.of(System.getProperty("java.io.tmpdir")), "shoal-bench", ".region");
                Files.delete(file);
                final RegionSpec.Builder b = RegionSpec.builder();
                if ("shoal-padded".equals(impl))
                {
                    b.paddedLongArray("a", 16);
                }
                else
                {
                    b.longArray("a", 16);
                }
                region = Region.create(file.toString(), b.build());
                shared = region.longArray("a");
            }
        }

        /**
         * @throws IOException when the file cannot be removed.
         */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            if (region != null)
            {
                region.close();
                Files.deleteIfExists(file);
            }
        }
    }

    /** Each thread's element. */
    @State(Scope.Thread)
    public static class Slot
    {
        private static final java.util.concurrent.atomic.AtomicInteger NEXT =
            new java.util.concurrent.atomic.AtomicInteger();
        int index;

        /**
         * @param arrays the shared state.
         */
        @Setup(Level.Trial)
        public void setUp(final Arrays arrays)
        {
            index = arrays.contended ? 0 : NEXT.getAndIncrement() % 16;
        }
    }

    /**
     * @param arrays shared state.
     * @param slot   this thread's element.
     * @return the value before the add.
     */
    @Benchmark
    @Threads(1)
    public long getAndAdd1(final Arrays arrays, final Slot slot)
    {
        return add(arrays, slot);
    }

    /**
     * @param arrays shared state.
     * @param slot   this thread's element.
     * @return the value before the add.
     */
    @Benchmark
    @Threads(2)
    public long getAndAdd2(final Arrays arrays, final Slot slot)
    {
        return add(arrays, slot);
    }

    private static long add(final Arrays arrays, final Slot slot)
    {
        return arrays.shared != null ? arrays.shared.getAndAdd(slot.index, 1) : arrays.atomic.getAndAdd(slot.index, 1);
    }
}
