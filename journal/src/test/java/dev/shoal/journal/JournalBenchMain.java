package dev.shoal.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.TestHandlers;

/**
 * Measures for docs/journal.md (not a test):
 * <ul>
 *   <li>{@code pool JOBS RESULT_BYTES BATCH JOURNAL(true|false)}: pool throughput of echo jobs, after a warm-up
 *       run of the same size on the same pool;</li>
 *   <li>{@code append DIR RECORDS BODY_BYTES}: this process's append rate to a journal (run several at once for
 *       the cross-process rate), after a warm-up of a tenth.</li>
 * </ul>
 */
public final class JournalBenchMain
{
    private JournalBenchMain()
    {
    }

    /**
     * @param args see the class comment.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        if ("pool".equals(args[0]))
        {
            pool(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Boolean.parseBoolean(args[4]));
        }
        else
        {
            append(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        }
    }

    private static void pool(final int jobs, final int resultBytes, final int batch, final boolean journal)
        throws Exception
    {
        final Path dir = Files.createTempDirectory("shoal-journal-bench");
        final ProcessPool.Builder builder = ProcessPool.builder(TestHandlers.class).workers(2).logSink(l -> { })
            .maxJobBytes(Math.max(4096, 2 * batch * (resultBytes + 16) + 256));
        if (journal)
        {
            builder.journal(dir.resolve("journal"));
        }
        try (ProcessPool pool = builder.start())
        {
            final byte[] argument = new byte[resultBytes];
            run(pool, jobs, argument, batch);
            final long cpuStart = cpuNanos();
            final long start = System.nanoTime();
            run(pool, jobs, argument, batch);
            final double seconds = (System.nanoTime() - start) / 1e9;
            final double cpuMicrosPerJob = (cpuNanos() - cpuStart) / 1e3 / jobs;
            System.out.printf("pool jobs=%d result_bytes=%d batch=%d journal=%b jobs_per_s=%.0f " +
                "parent_cpu_us_per_job=%.2f journaled=%d%n", jobs, resultBytes, batch, journal, jobs / seconds,
                cpuMicrosPerJob, pool.stats().journaled());
        }
        finally
        {
            org.agrona.IoUtil.delete(dir.toFile(), true);
        }
    }

    /**
     * @return CPU time of this (the parent) process: submitter, collector and journal appends, not the workers.
     */
    private static long cpuNanos()
    {
        return ((com.sun.management.OperatingSystemMXBean)java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void run(final ProcessPool pool, final int jobs, final byte[] argument, final int batch)
    {
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i += batch)
        {
            final List<byte[]> arguments = new ArrayList<>(batch);
            for (int j = i; j < Math.min(jobs, i + batch); j++)
            {
                arguments.add(argument);
            }
            futures.addAll(pool.submitBatch(TestHandlers.ECHO, arguments));
        }
        for (final CompletableFuture<byte[]> f : futures)
        {
            f.join();
        }
    }

    private static void append(final Path dir, final int records, final int bodyBytes)
    {
        final byte[] body = new byte[bodyBytes];
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            final ResultRecord record = new ResultRecord("key-0123456789", 1, "echo", JournalStatus.OK, 1, 0, body, 1L,
                2L);
            for (int i = 0; i < records / 10; i++)
            {
                journal.append(record);
            }
            final long start = System.nanoTime();
            for (int i = 0; i < records; i++)
            {
                journal.append(record);
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("append pid=%d records=%d body_bytes=%d records_per_s=%.0f ns_per_append=%.0f%n",
                ProcessHandle.current().pid(), records, bodyBytes, records / seconds, seconds * 1e9 / records);
        }
    }
}
