package dev.shoal.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.shoal.pool.PoolStats;
import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.TestHandlers;

/**
 * A batch run the test SIGKILLs and restarts: {@code JOURNAL REGION OUT JOBS WORK_US RESUME} runs JOBS keyed jobs
 * {@code job-i} through a pool with a journal, then writes {@code job-i RESULT} lines in input order to OUT and
 * prints {@code journaled=N resumed=M}.
 */
public final class KeyedBatchChild
{
    /** Jobs per ring slot. */
    static final int BATCH = 8;

    private KeyedBatchChild()
    {
    }

    /**
     * @param args JOURNAL REGION OUT JOBS WORK_US RESUME.
     * @throws IOException when OUT cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        final int jobs = Integer.parseInt(args[3]);
        final long workMicros = Long.parseLong(args[4]);
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>(jobs);
        final PoolStats stats;
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(2).region(args[1])
            .journal(Path.of(args[0])).resume(Boolean.parseBoolean(args[5])).logSink(line -> { }).start())
        {
            for (int i = 0; i < jobs; i += BATCH)
            {
                final List<String> keys = new ArrayList<>(BATCH);
                final List<byte[]> arguments = new ArrayList<>(BATCH);
                for (int j = i; j < Math.min(jobs, i + BATCH); j++)
                {
                    keys.add("job-" + j);
                    arguments.add(TestHandlers.mixArgument(j, workMicros));
                }
                futures.addAll(pool.submitBatch(TestHandlers.MIX, keys, arguments));
            }
            pool.join();
            stats = pool.stats();
        }
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < jobs; i++)
        {
            out.append(line(i, ByteBuffer.wrap(futures.get(i).join()).getLong(0)));
        }
        Files.writeString(Path.of(args[2]), out, StandardCharsets.UTF_8);
        System.out.println("journaled=" + stats.journaled() + " resumed=" + stats.resumed());
    }

    /**
     * @param i      job index.
     * @param result its result.
     * @return its output line.
     */
    static String line(final int i, final long result)
    {
        return "job-" + i + " " + Long.toHexString(result) + "\n";
    }
}
