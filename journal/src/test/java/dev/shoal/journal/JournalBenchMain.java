package dev.shoal.journal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.TestHandlers;

/**
 * Measures for docs/journal.md (not a test):
 * <ul>
 *   <li>{@code pool JOBS RESULT_BYTES BATCH JOURNAL(true|false) [WINDOW]}: pool throughput of echo jobs, timed
 *       after warm-up runs of the same size on the same pool until the JIT compilers are quiet; with a WINDOW,
 *       at most that many results outstanding (the oldest joined first, as a stream is consumed), without, every
 *       future kept until the end. Prints the parent's CPU per job, in total and by thread (GC and compiler threads
 *       included; {@code -Dalloc=true}: bytes allocated per job by each Java thread instead);</li>
 *   <li>{@code pair JOBS RESULT_BYTES BATCH ROUNDS [WINDOW]}: two pools in this JVM, one with a journal and one
 *       without, warmed up as above, then timed one run each per round, in alternating order, so that both runs
 *       of a pair meet the same state of the host (this VM's pool rate moves between two levels, about 9 and 16 M
 *       jobs/s at 32 per slot, for tens of seconds at a time, within one JVM); prints every pair and the median of
 *       the pairs' ratios;</li>
 *   <li>{@code encode BODY_BYTES PER_BATCH}: nanoseconds to encode one result into a {@link RecordBatch} (no key,
 *       one handler, consecutive job ids, one completed time per batch), 8 rounds of about 1 GB;</li>
 *   <li>{@code append DIR RECORDS BODY_BYTES}: this process's append rate to a journal (run several at once for
 *       the cross-process rate), after a warm-up of a tenth.</li>
 * </ul>
 */
public final class JournalBenchMain
{
    private static final boolean ALLOC = Boolean.getBoolean("alloc");

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
                Boolean.parseBoolean(args[4]), args.length > 5 ? Integer.parseInt(args[5]) : 0);
        }
        else if ("pair".equals(args[0]))
        {
            pair(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4]), args.length > 5 ? Integer.parseInt(args[5]) : 0);
        }
        else if ("encode".equals(args[0]))
        {
            encode(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        }
        else
        {
            append(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        }
    }

    private static void pool(final int jobs, final int resultBytes, final int batch, final boolean journal,
        final int window) throws Exception
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
            final int warmups = warmUp(pool, jobs, argument, batch, window);
            final long compileStart = compileMillis();
            final Map<String, Long> threadsBefore = perThread();
            final long cpuStart = cpuNanos();
            final long start = System.nanoTime();
            run(pool, jobs, argument, batch, window);
            final double seconds = (System.nanoTime() - start) / 1e9;
            final double cpuMicrosPerJob = (cpuNanos() - cpuStart) / 1e3 / jobs;
            System.out.printf("pool jobs=%d result_bytes=%d batch=%d journal=%b jobs_per_s=%.0f " +
                "parent_cpu_us_per_job=%.2f warmups=%d jit_ms=%d threads_us_per_job=%s%n", jobs, resultBytes, batch,
                journal, jobs / seconds, cpuMicrosPerJob, warmups, compileMillis() - compileStart,
                perJob(threadsBefore, jobs));
        }
        finally
        {
            org.agrona.IoUtil.delete(dir.toFile(), true);
        }
    }

    private static void pair(final int jobs, final int resultBytes, final int batch, final int rounds,
        final int window) throws Exception
    {
        final Path dir = Files.createTempDirectory("shoal-journal-bench");
        final int maxJobBytes = Math.max(4096, 2 * batch * (resultBytes + 16) + 256);
        try (ProcessPool without = ProcessPool.builder(TestHandlers.class).workers(2).logSink(l -> { })
                .maxJobBytes(maxJobBytes).start();
            ProcessPool with = ProcessPool.builder(TestHandlers.class).workers(2).logSink(l -> { })
                .maxJobBytes(maxJobBytes).journal(dir.resolve("journal")).start())
        {
            final byte[] argument = new byte[resultBytes];
            warmUp(without, jobs, argument, batch, window);
            warmUp(with, jobs, argument, batch, window);
            final double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                final boolean withFirst = (r & 1) == 1;
                final double a = rate(withFirst ? with : without, jobs, argument, batch, window);
                final double b = rate(withFirst ? without : with, jobs, argument, batch, window);
                final double withRate = withFirst ? a : b;
                final double withoutRate = withFirst ? b : a;
                ratios[r] = withRate / withoutRate;
                System.out.printf("pair %d without=%.2fM with=%.2fM ratio=%.3f%n", r, withoutRate / 1e6,
                    withRate / 1e6, ratios[r]);
            }
            java.util.Arrays.sort(ratios);
            System.out.printf("pair jobs=%d result_bytes=%d batch=%d rounds=%d median_ratio=%.3f min=%.3f max=%.3f%n",
                jobs, resultBytes, batch, rounds, ratios[rounds / 2], ratios[0], ratios[rounds - 1]);
        }
        finally
        {
            org.agrona.IoUtil.delete(dir.toFile(), true);
        }
    }

    private static double rate(final ProcessPool pool, final int jobs, final byte[] argument, final int batch,
        final int window)
    {
        final long start = System.nanoTime();
        run(pool, jobs, argument, batch, window);
        return jobs * 1e9 / (System.nanoTime() - start);
    }

    /**
     * Runs the timed workload until the JIT compilers are done with it: until two runs in a row keep the compiler
     * threads busy under 2 % of the run's time or one tick of their clock (at least 3 runs, at most 15). A run
     * timed while the compilers still work measures them: they take a core the workers need (C2 alone was 0.2-0.4
     * us per job, 3 us with 1 KiB results, after a single warm-up run). Compiler CPU is read from the threads,
     * not from the JVM's compile time, which counts a compilation only once it ends.
     *
     * @return the warm-up runs made.
     */
    private static int warmUp(final ProcessPool pool, final int jobs, final byte[] argument, final int batch,
        final int window) throws IOException
    {
        int runs = 0;
        int quietInARow = 0;
        while (runs < 15 && (runs < 3 || quietInARow < 2))
        {
            final long compilerBefore = compilerCpuNanos();
            final long start = System.nanoTime();
            run(pool, jobs, argument, batch, window);
            final long elapsed = System.nanoTime() - start;
            final long compiling = compilerCpuNanos() - compilerBefore; // in 10 ms ticks
            quietInARow = compiling <= Math.max(elapsed / 50, 10_000_000L) ? quietInARow + 1 : 0;
            runs++;
        }
        return runs;
    }

    private static long compilerCpuNanos() throws IOException
    {
        return threadCpuNanos().entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
            .mapToLong(Map.Entry::getValue).sum();
    }

    private static long compileMillis()
    {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /**
     * @return CPU time so far (user and system) of each live thread of this process, JVM threads included (GC,
     *     compilers), by name from {@code /proc/self/task} (threads of one name summed; numbers at the end of a
     *     name dropped).
     */
    private static Map<String, Long> threadCpuNanos() throws IOException
    {
        final Map<String, Long> byName = new TreeMap<>();
        final long nanosPerTick = 10_000_000L; // USER_HZ 100
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task")))
        {
            for (final Path task : tasks)
            {
                try
                {
                    final String stat = Files.readString(task.resolve("stat"));
                    final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    final long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    byName.merge(name.replaceAll("[-#]?[0-9]+$", ""), ticks * nanosPerTick, Long::sum);
                }
                catch (final IOException ended)
                {
                    // the thread ended meanwhile
                }
            }
        }
        return byName;
    }

    /**
     * @return bytes allocated so far by each live Java thread, by name, times 1000 (so that {@link #perJob} prints
     *     bytes per job where it prints microseconds).
     */
    private static Map<String, Long> threadAllocatedBytes()
    {
        final Map<String, Long> byName = new TreeMap<>();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds()))
        {
            if (info != null)
            {
                byName.merge(info.getThreadName().replaceAll("[-#]?[0-9]+$", ""),
                    threads.getThreadAllocatedBytes(info.getThreadId()) * 1000, Long::sum);
            }
        }
        return byName;
    }

    private static Map<String, Long> perThread() throws IOException
    {
        return ALLOC ? threadAllocatedBytes() : threadCpuNanos();
    }

    /**
     * @return the CPU each thread (by name) spent since {@code before}, in microseconds per job, the busiest first
     *     (threads under 0.01 us per job left out).
     */
    private static String perJob(final Map<String, Long> before, final int jobs) throws IOException
    {
        final StringBuilder out = new StringBuilder();
        perThread().entrySet().stream()
            .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e3 / jobs))
            .filter(e -> e.getValue() >= 0.01)
            .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
            .forEach(e -> out.append(out.length() == 0 ? "" : ",").append(e.getKey().replace(' ', '_'))
                .append('=').append(String.format("%.2f", e.getValue())));
        return out.toString();
    }

    /**
     * @return CPU time of this (the parent) process: submitter, collector and journal appends, not the workers.
     */
    private static long cpuNanos()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    private static void run(final ProcessPool pool, final int jobs, final byte[] argument, final int batch,
        final int window)
    {
        if (window > 0)
        {
            stream(pool, jobs, argument, batch, window);
            return;
        }
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

    /**
     * As a stream would be consumed: at most {@code window} results outstanding, the oldest joined first.
     */
    private static void stream(final ProcessPool pool, final int jobs, final byte[] argument, final int batch,
        final int window)
    {
        final java.util.ArrayDeque<CompletableFuture<byte[]>> outstanding = new java.util.ArrayDeque<>(window + batch);
        final List<byte[]> arguments = new ArrayList<>(batch);
        for (int j = 0; j < batch; j++)
        {
            arguments.add(argument);
        }
        for (int i = 0; i < jobs; i += batch)
        {
            final List<byte[]> these = i + batch <= jobs ? arguments : arguments.subList(0, jobs - i);
            outstanding.addAll(pool.submitBatch(TestHandlers.ECHO, these));
            while (outstanding.size() > window)
            {
                outstanding.poll().join();
            }
        }
        for (final CompletableFuture<byte[]> f : outstanding)
        {
            f.join();
        }
    }

    private static void encode(final int bodyBytes, final int perBatch)
    {
        final byte[] body = new byte[bodyBytes];
        final RecordBatch batch = new RecordBatch();
        final int batches = 1_000_000_000 / (perBatch * (bodyBytes + 16)) + 1000;
        long jobId = 0;
        for (int round = 0; round < 8; round++)
        {
            final long start = System.nanoTime();
            for (int b = 0; b < batches; b++)
            {
                final long now = System.nanoTime();
                for (int i = 0; i < perBatch; i++)
                {
                    batch.add("", jobId++, "echo", JournalStatus.OK, 1, 1, body, now - 20_000, now);
                }
                batch.clear();
            }
            System.out.printf("encode body_bytes=%d per_batch=%d round=%d ns_per_result=%.1f%n", bodyBytes, perBatch,
                round, (System.nanoTime() - start) / (double)batches / perBatch);
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
