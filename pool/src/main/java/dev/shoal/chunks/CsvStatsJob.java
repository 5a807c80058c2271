package dev.shoal.chunks;

import dev.shoal.pool.Codec;
import java.nio.file.Path;

import org.agrona.DirectBuffer;

/**
 * Rows per behaviour type and per item category of a user-behaviour CSV (see {@link CsvStats}), the
 * aggregation of {@code bin/shoal demo}.
 */
public final class CsvStatsJob implements ChunkJob<CsvStats>
{
    /**
     * For worker processes, which create jobs by class name.
     */
    public CsvStatsJob()
    {
    }

    /**
     * Counts a file with worker processes.
     *
     * @param file     the CSV.
     * @param workers  worker processes.
     * @param progress told of ranges done, e.g. for a progress bar.
     * @return the counts and the run's figures.
     */
    public static ChunkOutcome<CsvStats> run(final Path file, final int workers, final ProgressListener progress)
    {
        return FileChunks.builder(file).workers(workers).chunkBytes(4L << 20).progress(progress).build()
            .run(CsvStatsJob.class);
    }

    @Override
    public CsvStats newAccumulator()
    {
        return new CsvStats();
    }

    @Override
    public void accept(final CsvStats accumulator, final DirectBuffer buffer, final int offset, final int length)
    {
        accumulator.add(buffer, offset, length);
    }

    @Override
    public CsvStats merge(final CsvStats earlier, final CsvStats later)
    {
        return earlier.add(later);
    }

    @Override
    public Codec<CsvStats> codec()
    {
        return CsvStats.CODEC;
    }

    @Override
    public int resultBytesHint()
    {
        return 32 << 10;
    }
}
