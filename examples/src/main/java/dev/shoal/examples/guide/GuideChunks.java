package dev.shoal.examples.guide;

import java.nio.file.Path;

import dev.shoal.chunks.ChunkOutcome;
import dev.shoal.chunks.FileChunks;

/**
 * The example of the docs tagged {@code chunks}.
 */
public final class GuideChunks
{
    private GuideChunks()
    {
    }

    static void run() throws Exception
    {
        // tag::chunks[]
        ChunkOutcome<long[]> outcome = FileChunks.builder(Path.of("big.csv"))
            .chunkBytes(4 << 20)                                      // default 1 MiB
            .workers(4)                                               // default: available processors, max 64
            .progress((done, total) -> System.err.print("\r" + done + "/" + total))
            .build()
            .run(Longest.class);
        long[] result = outcome.result();
        // end::chunks[]
    }
}
