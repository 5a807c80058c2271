package dev.shoal.examples.journal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.shoal.pool.ProcessPool;

/**
 * The example of the docs tagged {@code usage}.
 */
public final class JournalUsage
{
    private JournalUsage()
    {
    }

    static void run(final List<String> jobKeys, final List<byte[]> arguments) throws Exception
    {
        // tag::usage[]
        try (ProcessPool pool = ProcessPool.builder(MyHandlers.class).workers(4)
            .journal(Path.of("run-journal")).resume(true).start())
        {
            List<CompletableFuture<byte[]>> results = pool.submitBatch(MyHandlers.PARSE, jobKeys, arguments);
            // or one at a time: pool.submitKeyed("file-0042", MyHandlers.PARSE, bytes)
        }
        // end::usage[]
    }
}
