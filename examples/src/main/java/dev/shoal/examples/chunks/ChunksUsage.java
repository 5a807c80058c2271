package dev.shoal.examples.chunks;

import java.nio.file.Path;

import dev.shoal.chunks.ChunkOutcome;
import dev.shoal.chunks.ChunkSession;
import dev.shoal.chunks.CsvStats;
import dev.shoal.chunks.CsvStatsJob;
import dev.shoal.chunks.FileChunks;

/**
 * The examples of the docs tagged {@code usage} and {@code session}.
 */
public final class ChunksUsage
{
    private ChunksUsage()
    {
    }

    /** A progress display of your own. */
    interface Progress
    {
        void update(long done, long total);
    }

    static void run(final Progress bar) throws Exception
    {
        // tag::usage[]
        ChunkOutcome<CsvStats> outcome = FileChunks.builder(Path.of("user_behavior.csv"))
            .chunkBytes(1 << 20)                 // bytes per range (default 1 MiB)
            .workers(2)                          // worker JVMs (default: available processors, at most 64)
            .progress((done, total) -> bar.update(done, total))
            .build()
            .run(CsvStatsJob.class);             // a class name travels to the workers, never an object
        CsvStats stats = outcome.result();       // merged in file order
        // end::usage[]
    }

    static void session(final java.util.List<Path> files) throws Exception
    {
        // tag::session[]
        try (ChunkSession session = ChunkSession.builder().workers(2).start())   // worker JVMs start here
        {
            for (Path file : files)                                              // and serve every run
            {
                ChunkOutcome<CsvStats> outcome = FileChunks.builder(file)
                    .session(session)            // warm workers: no JVM start, code already compiled
                    .build()
                    .run(CsvStatsJob.class);
                System.out.println(file + ": " + outcome.result().rows() + " rows");
            }
        }                                        // closing ends the workers
        // end::session[]
    }
}
