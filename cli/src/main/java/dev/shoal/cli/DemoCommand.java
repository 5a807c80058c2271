package dev.shoal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.shoal.chunks.ChunkOutcome;
import dev.shoal.chunks.ChunkSession;
import dev.shoal.chunks.CsvGenerator;
import dev.shoal.chunks.CsvStats;
import dev.shoal.chunks.CsvStatsJob;
import dev.shoal.chunks.FileChunks;
import dev.shoal.cli.demo.PageCache;
import dev.shoal.cli.demo.PoolDemo;
import dev.shoal.cli.demo.SchedulerDemo;
import dev.shoal.process.ClassDataArchive;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shoal demo}: the main job. Generates a sample CSV (once), then runs the three patterns with real
 * processes: chunked aggregation of the file, a job pool, a scheduler. Each ends with its verification line.
 * Subcommands run one pattern each, with all their options.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run Shoal's three patterns with real processes: chunked file aggregation, a job pool, "
        + "a scheduler. Subcommands run one pattern with all its options.",
    subcommands = { ChunksDemoCommand.class, PoolDemoCommand.class, SchedulerDemoCommand.class })
public final class DemoCommand implements Callable<Integer>
{
    /** Range size of pattern 1. */
    private static final long CHUNK_BYTES = 4L << 20;
    /** A processing phase shorter than this is mostly JVM warm-up, and the demo says so. */
    private static final double SHORT_RUN_SECONDS = 0.5;
    /** A read of the sample slower than this means much of it came from the disk: say so. */
    private static final double UNCACHED_READ_SECONDS = 0.15;

    @Option(names = "--file", paramLabel = "FILE",
        description = "Sample CSV (default: java.io.tmpdir/shoal-demo/sample.csv; generated when missing).")
    Path file;

    @Option(names = "--size", paramLabel = "SIZE", converter = ChunksDemoCommand.ByteSize.class,
        defaultValue = "300MB", description = "Size of the generated sample (default: ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--workers", defaultValue = "2", description = "Worker processes per pattern (default: " +
        "${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--jobs", defaultValue = "200000", description = "Pool jobs (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--seconds", defaultValue = "3", description = "Scheduler run time (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--chaos", description = "SIGKILL a worker in every pattern, and show that nothing is lost.")
    boolean chaos;

    @Mixin
    JsonOption json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        Checks.within(spec, "--workers", workers, 1, 64);
        Checks.atLeast(spec, "--jobs", jobs, 1);
        Checks.atLeast(spec, "--size", size, 1);
        Checks.positive(spec, "--seconds", seconds);
        refuseEmptyFile();
        final PrintWriter out = spec.commandLine().getOut();
        final Path sample = file != null ? file : Path.of(System.getProperty("java.io.tmpdir"), "shoal-demo",
            "sample.csv");
        say(out, "Shoal demo: three patterns, each with " + workers + " worker JVMs sharing one memory-mapped region");
        ensureSample(out, sample);

        say(out, "\n1. Chunked file aggregation (the shared offset array): counts per behavior type, top categories" +
            (chaos ? "; one worker SIGKILLed, its range redone" : ""));
        // Both runs below must read the sample from memory: the first one would otherwise pay the disk alone.
        final double cacheSeconds = readIntoPageCache(sample);
        if (cacheSeconds > UNCACHED_READ_SECONDS)
        {
            say(out, String.format("  (the sample was not in the page cache: read it once first, %.2f s, so that " +
                "both runs below read it from memory)", cacheSeconds));
        }
        // One worker first, for the comparison a reader cares about: what the other workers add.
        final ClassDataArchive archive = ClassDataArchive.forClassPath(System.getProperty("java.class.path"));
        final boolean archiveBefore = archive == null || Files.isRegularFile(archive.path());
        ChunkOutcome<CsvStats> single = null;
        ChunkOutcome<CsvStats> singleWarm = null;
        if (workers > 1 && !chaos)
        {
            // Each count runs twice on the same workers (a session): cold JVMs first, then warm ones.
            try (ChunkSession one = ChunkSession.builder().workers(1).start())
            {
                single = runOn(one, sample);
                singleWarm = runOn(one, sample);
            }
        }
        // The first run after a build starts its worker without the class-data archive, which that worker makes as
        // it exits (at the session's close): say so, since that run's start-up then reads classes from the jars.
        final boolean singleMadeArchive = single != null && !archiveBefore && Files.isRegularFile(archive.path());
        final PoolDemoCommand.Progress bar = progressBar(out, 0);
        final FileChunks.Builder chunking = FileChunks.builder(sample).workers(workers).chunkBytes(CHUNK_BYTES)
            .progress((done, total) -> bar.updateOf(done, total));
        if (chaos)
        {
            chunking.chaosKillAt(1.0 / 3);
        }
        final ChunkOutcome<CsvStats> chunks;
        ChunkOutcome<CsvStats> warm = null;
        // The workers stay up for a second run of the same file: what every later file of a session costs.
        try (ChunkSession session = ChunkSession.builder().workers(workers).start())
        {
            chunks = chunking.session(session).build().run(CsvStatsJob.class);
            bar.finish();
            if (!chaos)
            {
                warm = runOn(session, sample);
            }
        }
        final boolean chunksOk = chunks.bytes() == Files.size(sample) && chunks.result().rows() +
            chunks.result().skipped() == chunks.lines() && (single == null || sameFigures(single, chunks)) &&
            (warm == null || sameFigures(warm, chunks)) && (singleWarm == null || sameFigures(singleWarm, chunks));
        say(out, chunksText(chunks, chunksOk, single, singleMadeArchive, new Warm(singleWarm, warm)));

        say(out, "\n2. Job pool (the job ring): " + jobs + " jobs, each result checked" +
            (chaos ? ", one worker SIGKILLed" : ""));
        final PoolDemoCommand.Progress poolBar = progressBar(out, jobs);
        final PoolDemo.Result pool = PoolDemo.run(new PoolDemo.Config(workers, 1, jobs, 0, 1, chaos),
            poolBar::update);
        poolBar.finish();
        say(out, PoolDemoCommand.toText(pool, workers, 1));

        say(out, "\n3. Scheduler (the shared min-heap): pop the earliest record, process it, push it back later" +
            (chaos ? "; workers SIGKILLed, one while holding the lock" : ""));
        final SchedulerDemo.Result scheduler;
        try (SchedulerDemo demo = new SchedulerDemo(new SchedulerDemo.Config(workers, 10_000, seconds, chaos, 0,
            System.nanoTime())))
        {
            scheduler = demo.run();
        }
        say(out, SchedulerDemoCommand.toText(scheduler, chaos));

        final boolean verified = chunksOk && pool.verified() && scheduler.verified();
        if (json.enabled)
        {
            out.println(Json.object()
                .put("chunks", chunksJson(chunks, chunksOk, single, singleMadeArchive, new Warm(singleWarm, warm))
                    .put("page_cache_read_seconds", cacheSeconds))
                .put("pool", PoolDemoCommand.toJson(pool, workers, 1, chaos))
                .put("scheduler", new Json.Raw(SchedulerDemoCommand.toJson(scheduler, chaos)))
                .put("verified", verified));
        }
        else
        {
            out.println(verified ? "\nAll three patterns verified: nothing lost, nothing duplicated." :
                "\nVERIFICATION FAILED: see above.");
        }
        out.flush();
        return verified ? 0 : 1;
    }

    private void say(final PrintWriter out, final String text)
    {
        if (!json.enabled)
        {
            out.println(text);
            out.flush();
        }
    }

    private PoolDemoCommand.Progress progressBar(final PrintWriter out, final long total)
    {
        return new PoolDemoCommand.Progress(json.enabled || System.console() == null ? null : out, total);
    }

    /**
     * An empty --file ran and printed "0 rows ... verified": a demo of nothing (a library run of an empty file is
     * fine, with no lines; the demo's first pattern is there to read rows).
     */
    private void refuseEmptyFile() throws IOException
    {
        if (file != null && Files.isRegularFile(file) && Files.size(file) == 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--file " + file + " is empty: give a " +
                "file with rows, or a path that does not exist yet for the demo to write a sample there");
        }
        if (chaos && file != null && Files.isRegularFile(file))
        {
            ChunksDemoCommand.checkChaosRanges(spec.commandLine(), "--file " + file, Files.size(file), CHUNK_BYTES,
                "give a file of more than 2 ranges (" + (2 * CHUNK_BYTES + 1) + " bytes or more)");
        }
        else if (chaos && size < 3 * CHUNK_BYTES)
        {
            // The sample is written to about --size bytes: three whole ranges, so that it has 3 whatever the cut.
            throw new CommandLine.ParameterException(spec.commandLine(), "--chaos kills a worker a third of the " +
                "way through, so it needs at least 3 ranges of " + CHUNK_BYTES + " bytes: give --size " +
                (3 * CHUNK_BYTES >> 20) + "MB or more");
        }
    }

    private void ensureSample(final PrintWriter out, final Path sample) throws IOException
    {
        if (file != null && Files.exists(file))
        {
            // A directory, a FIFO (the page-cache read would wait for a writer for ever), a device (/dev/zero
            // reads for ever), an unreadable or empty file: refused before anything opens it.
            FileChunks.checkSplittable(file);
        }
        if (Files.isRegularFile(sample) && Files.size(sample) >= size)
        {
            say(out, "  sample: " + sample + " (" + Files.size(sample) / 1_000_000 + " MB, reused)");
            return;
        }
        if (file != null && Files.exists(sample))
        {
            say(out, "  sample: " + sample + " (" + Files.size(sample) / 1_000_000 + " MB)");
            return;
        }
        if (file == null)
        {
            Files.createDirectories(sample.toAbsolutePath().getParent()); // the default sample's own folder
        }
        else
        {
            Checks.folderExists(spec, "--file", file);
        }
        final long start = System.nanoTime();
        final long written = CsvGenerator.generate(sample, size, CsvGenerator.DEFAULT_SEED);
        say(out, String.format("  sample: generated %s (%,d MB of user_id,item_id,behavior_type,... rows) in %.1f s",
            sample, written / 1_000_000, (System.nanoTime() - start) / 1e9));
    }

    /**
     * @return seconds spent reading the sample into the page cache, 0 when it is too large for that to help.
     */
    private static double readIntoPageCache(final Path sample) throws IOException
    {
        if (!PageCache.fits(Files.size(sample)))
        {
            return 0;
        }
        final long start = System.nanoTime();
        PageCache.readThrough(sample);
        return (System.nanoTime() - start) / 1e9;
    }

    private static ChunkOutcome<CsvStats> runOn(final ChunkSession session, final Path sample)
    {
        return FileChunks.builder(sample).session(session).chunkBytes(CHUNK_BYTES).build().run(CsvStatsJob.class);
    }

    /** Whether two runs over the same file agree on every figure. */
    private static boolean sameFigures(final ChunkOutcome<CsvStats> a, final ChunkOutcome<CsvStats> b)
    {
        return a.lines() == b.lines() && a.result().rows() == b.result().rows() &&
            a.result().behaviorCounts().equals(b.result().behaviorCounts());
    }

    private static String chunksText(final ChunkOutcome<CsvStats> o, final boolean ok,
        final ChunkOutcome<CsvStats> single, final boolean singleMadeArchive, final Warm warm)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("  %,d rows, %,d MB in %.2f s (%,.0f MB/s) across %d range%s, %d worker JVM%s%s%n",
            o.result().rows(), o.bytes() / 1_000_000, o.seconds(), o.bytesPerSecond() / 1e6, o.ranges(),
            o.ranges() == 1 ? "" : "s", o.workers(), o.workers() == 1 ? "" : "s",
            o.workers() == 1 && o.ranges() == 1 ? " (one per range: a larger --size makes more)" : ""));
        if (o.processingSeconds() > 0)
        {
            sb.append("  ").append(ChunksDemoCommand.phases(o)).append('\n');
        }
        // With one worker (a file of one range) there is nothing to compare one worker with.
        if (single != null && single.processingSeconds() > 0 && o.processingSeconds() > 0 && o.workers() > 1)
        {
            final double one = single.processingBytesPerSecond();
            final double all = o.processingBytesPerSecond();
            sb.append(String.format("  1 worker vs %d: processing %.2f GB/s vs %.2f GB/s (%.2fx); " +
                "end to end %.2f s vs %.2f s%n", o.workers(), one / 1e9, all / 1e9, all / one, single.seconds(),
                o.seconds()));
            if (singleMadeArchive)
            {
                sb.append("  (the first run after a build: the 1-worker run's JVM started without the class-data\n" +
                    "   archive worker JVMs start from, and made it as it exited)\n");
            }
            if (o.processingSeconds() < SHORT_RUN_SECONDS)
            {
                sb.append("  (a short run: each worker JVM spends its first moments loading classes and compiling\n" +
                    "   its hot loop, which a sub-second run cannot hide; a larger --size shows the workers scale)\n");
            }
        }
        final ChunkOutcome<CsvStats> w = warm.all();
        final ChunkOutcome<CsvStats> w1 = warm.one();
        if (w != null && w.processingSeconds() > 0 && w1 != null && w1.processingSeconds() > 0 && w.workers() > 1)
        {
            final double one = w1.processingBytesPerSecond();
            final double all = w.processingBytesPerSecond();
            sb.append(String.format("  again on the same worker JVMs, now warm (a ChunkSession keeps them up):%n" +
                "  1 worker vs %d: processing %.2f GB/s vs %.2f GB/s (%.2fx); end to end %.2f s vs %.2f s%n",
                w.workers(), one / 1e9, all / 1e9, all / one, w1.seconds(), w.seconds()));
        }
        else if (w != null && w.processingSeconds() > 0 && o.processingSeconds() > 0)
        {
            sb.append(String.format("  again on the same worker JVM%s, now warm (a ChunkSession keeps them up):%n" +
                "  processing %.2f GB/s (%.2fx the first run), end to end %.2f s%n", w.workers() > 1 ? "s" : "",
                w.processingBytesPerSecond() / 1e9, w.processingBytesPerSecond() / o.processingBytesPerSecond(),
                w.seconds()));
        }
        sb.append("  behavior:");
        for (final Map.Entry<String, Long> e : o.result().behaviorCounts().entrySet())
        {
            sb.append(String.format(" %s=%,d", e.getKey(), e.getValue()));
        }
        sb.append("\n  top categories:");
        for (final CsvStats.CategoryCount c : o.result().topCategories(5))
        {
            sb.append(String.format(" %d (%,d)", c.category(), c.rows()));
        }
        if (o.workersKilled() > 0 || o.rangesRedone() > 0)
        {
            sb.append(String.format("%n  chaos: %d worker(s) killed, %d range(s) redone, %d worker(s) restarted",
                o.workersKilled(), o.rangesRedone(), o.workerRestarts()));
        }
        sb.append(String.format("%n  %s", ok ?
            "verified: every byte read once, every line counted once (lines = rows + " +
            "unparsed lines such as the header)" : "NOT verified: bytes or lines do not add up"));
        return sb.toString();
    }

    private static Json chunksJson(final ChunkOutcome<CsvStats> o, final boolean ok,
        final ChunkOutcome<CsvStats> single, final boolean singleMadeArchive, final Warm warm)
    {
        final Json json = ChunksDemoCommand.outcomeJson(o).put("rows", o.result().rows())
            .put("behaviors", o.result().behaviorCounts()).put("verified", ok);
        if (warm.all() != null)
        {
            json.put("warm", ChunksDemoCommand.outcomeJson(warm.all()));
        }
        if (warm.one() != null)
        {
            json.put("one_worker_warm", ChunksDemoCommand.outcomeJson(warm.one()));
        }
        if (single != null)
        {
            json.put("one_worker", ChunksDemoCommand.outcomeJson(single).put("made_class_archive", singleMadeArchive));
        }
        return json;
    }

    /**
     * The second runs, on the same (now warm) worker JVMs.
     *
     * @param one the 1-worker session's, or null.
     * @param all the all-workers session's, or null.
     */
    private record Warm(ChunkOutcome<CsvStats> one, ChunkOutcome<CsvStats> all)
    {
    }
}
