package dev.shoal.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.shoal.chunks.ChunkJob;
import dev.shoal.chunks.CsvGenerator;
import dev.shoal.chunks.CsvStatsJob;
import dev.shoal.chunks.FileChunks;
import dev.shoal.chunks.LineChecksumJob;
import dev.shoal.core.RegionLocation;
import dev.shoal.pool.Codec;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One worker thread reading a whole file in the page cache (a 64 MiB sample CSV in /dev/shm) through
 * {@link FileChunks}, per job kind: {@code lines} (split only, the floor), {@code checksum} ({@link LineChecksumJob},
 * CRC32C per line) and {@code csv} ({@link CsvStatsJob}, two fields parsed per line). One operation is the whole
 * file; bytes per second = file size / score. The target of one worker at 2 GB/s for {@code checksum} is a
 * figure of this benchmark.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { JmhForks.ADD_EXPORTS, JmhForks.AGRONA_EXPORT })
public class ChunkJobBenchmark
{
    /** Size of the sample file. */
    public static final long FILE_BYTES = 64L << 20;

    /** The file and its region folder, made once per trial. */
    @State(Scope.Benchmark)
    public static class Input
    {
        @Param({ "lines", "checksum", "csv" })
        public String job;

        Path dir;
        Path file;
        Class<? extends ChunkJob<?>> jobClass;

        /**
         * @throws IOException when the file cannot be written.
         */
        @Setup(Level.Trial)
        public void write() throws IOException
        {
            dir = Files.createTempDirectory(Path.of("/dev/shm"), "shoal-jmh-chunks-");
            file = dir.resolve("sample.csv");
            CsvGenerator.generate(file, FILE_BYTES, CsvGenerator.DEFAULT_SEED);
            System.setProperty(RegionLocation.DIRECTORY_PROPERTY, dir.resolve("regions").toString());
            jobClass = switch (job)
            {
                case "lines" -> LinesOnly.class;
                case "checksum" -> LineChecksumJob.class;
                case "csv" -> CsvStatsJob.class;
                default -> throw new IllegalArgumentException("job " + job);
            };
        }

        /**
         * @throws IOException when the folder cannot be removed.
         */
        @TearDown(Level.Trial)
        public void remove() throws IOException
        {
            org.agrona.IoUtil.delete(dir.toFile(), false);
        }
    }

    /**
     * @param input the file and job.
     * @return the result (consumed by JMH).
     */
    @Benchmark
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public Object oneWorkerWholeFile(final Input input)
    {
        return FileChunks.builder(input.file).workers(1).processes(false).chunkBytes(4L << 20).build()
            .run((Class)input.jobClass).result();
    }

    /**
     * Lines and bytes only: what splitting costs with no work per line.
     */
    public static final class LinesOnly implements ChunkJob<long[]>
    {
        private static final Codec<long[]> CODEC = new Codec<>()
        {
            @Override
            public int encode(final long[] value, final MutableDirectBuffer buffer, final int offset)
            {
                buffer.putLong(offset, value[0]);
                buffer.putLong(offset + Long.BYTES, value[1]);
                return 2 * Long.BYTES;
            }

            @Override
            public long[] decode(final DirectBuffer buffer, final int offset, final int length)
            {
                return new long[]{ buffer.getLong(offset), buffer.getLong(offset + Long.BYTES) };
            }
        };

        /**
         * For FileChunks, which creates jobs by class name.
         */
        public LinesOnly()
        {
        }

        @Override
        public long[] newAccumulator()
        {
            return new long[2];
        }

        @Override
        public void accept(final long[] acc, final DirectBuffer buffer, final int offset, final int length)
        {
            acc[0]++;
            acc[1] += length;
        }

        @Override
        public long[] merge(final long[] earlier, final long[] later)
        {
            earlier[0] += later[0];
            earlier[1] += later[1];
            return earlier;
        }

        @Override
        public Codec<long[]> codec()
        {
            return CODEC;
        }
    }
}
