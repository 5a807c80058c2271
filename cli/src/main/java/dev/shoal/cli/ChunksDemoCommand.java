package dev.shoal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.shoal.chunks.ChunkOutcome;
import dev.shoal.chunks.ChunkSession;
import dev.shoal.chunks.CsvGenerator;
import dev.shoal.chunks.FileChunks;
import dev.shoal.chunks.LineChecksum;
import dev.shoal.chunks.LineChecksumJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shoal demo chunks}: splits a file into byte ranges processed by worker processes, and prints the
 * file's lines, bytes and checksum (the sum, modulo 2<sup>64</sup>, of the CRC32C of every line without its
 * {@code '\n'}, as an unsigned decimal). {@code --generate SIZE} writes a sample CSV instead; {@code --chaos}
 * kills a worker mid-run to show the resume. Exit codes: 0 ok, 2 usage error, 1 any other failure (one line
 * on stderr).
 */
@Command(name = "chunks", mixinStandardHelpOptions = true,
    description = {
        "Count a file's lines, bytes and line checksum with worker processes splitting it into byte ranges.",
        "With --generate SIZE, write a sample user-behaviour CSV of about SIZE bytes instead."
    })
public final class ChunksDemoCommand implements Callable<Integer>
{
    @Option(names = "--file", required = true, paramLabel = "FILE",
        description = "The file to read (or write); repeat it for several files, run on the same worker JVMs.")
    List<Path> files;

    @Option(names = "--runs", paramLabel = "N",
        description = "Run each file N times (default 1); runs after the first meet warm worker JVMs.")
    int runs = 1;

    @Option(names = "--workers", paramLabel = "W", description = "Worker processes (default: available processors).")
    int workers = Math.min(64, Runtime.getRuntime().availableProcessors());

    @Option(names = "--chunk-bytes", paramLabel = "B", converter = ByteSize.class,
        description = "Bytes per range, e.g. 4096, 64KB, 1MB (binary units; default 1MB).")
    long chunkBytes = FileChunks.DEFAULT_CHUNK_BYTES;

    @Option(names = "--generate", paramLabel = "SIZE", converter = ByteSize.class,
        description = "Write a sample CSV of about SIZE bytes (e.g. 300MB, 1GB) to --file and stop.")
    Long generate;

    @Option(names = "--overwrite", description = "With --generate: replace --file when it exists (else refused).")
    boolean overwrite;

    @Option(names = "--seed", description = "Seed of --generate (default: ${DEFAULT-VALUE}).")
    long seed = CsvGenerator.DEFAULT_SEED;

    @Option(names = "--chaos", description = "Kill a worker process a third of the way through, and resume.")
    boolean chaos;

    @Option(names = "--threads", description = "Use threads of this JVM instead of worker processes.")
    boolean threads;

    @Mixin
    JsonOption json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * The figures every chunked run reports, under the same keys in {@code demo chunks} and {@code demo}: the one
     * place a chunk outcome is turned into JSON.
     *
     * @param o a run's outcome.
     * @return a JSON object with them; callers add their job's own figures.
     */
    static Json outcomeJson(final ChunkOutcome<?> o)
    {
        return Json.object().put("file", o.file().toString()).put("lines", o.lines()).put("bytes", o.bytes())
            .put("workers", o.workers()).put("mode", o.processes() ? "processes" : "threads")
            .put("chunks", o.ranges()).put("chunk_bytes", o.chunkBytes()).put("seconds", o.seconds())
            .put("bytes_per_s", Math.round(o.bytesPerSecond())).put("startup_seconds", o.startupSeconds())
            .put("processing_seconds", o.processingSeconds())
            .put("processing_bytes_per_s", Math.round(o.processingBytesPerSecond()))
            .put("resumed_ranges", o.rangesResumed())
            .put("redone_ranges", o.rangesRedone()).put("workers_killed", o.workersKilled())
            .put("worker_restarts", o.workerRestarts()).put("discarded_run", o.discardedRun());
    }

    /**
     * For picocli.
     */
    public ChunksDemoCommand()
    {
    }

    @Override
    public Integer call() throws IOException
    {
        Checks.within(spec, "--workers", workers, 1, 64);
        Checks.atLeast(spec, "--chunk-bytes", chunkBytes, 1);
        Checks.within(spec, "--runs", runs, 1, 1_000_000);
        if (generate != null)
        {
            Checks.atLeast(spec, "--generate", generate, 1);
            if (files.size() != 1)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--generate writes one file: give one --file, not " + files.size());
            }
        }
        // A failure (a missing file, one that cannot be split, a worker that failed) goes to the CLI's handler:
        // one line named after the command, exit 1, the stack trace with --verbose.
        final PrintWriter out = spec.commandLine().getOut();
        if (generate != null)
        {
            generate(out);
        }
        else
        {
            countAll(out);
        }
        out.flush();
        return 0;
    }

    private void generate(final PrintWriter out) throws IOException
    {
        final long start = System.nanoTime();
        final Path file = files.get(0);
        if (Checks.isSpecialFile(file))
        {
            // Even with --overwrite: writing a sample into a FIFO waits for a reader for ever, into a device it
            // writes whatever the device does with bytes.
            throw new IllegalArgumentException("not writing a sample into " + file + ": it is not a regular file " +
                "(a device, FIFO or socket)");
        }
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS))
        {
            // Even with --overwrite: the rename into place failed naming the temporary file ("Is a directory").
            throw new IllegalArgumentException("not writing a sample over " + file + ": it is a directory");
        }
        if (!overwrite && Files.exists(file, LinkOption.NOFOLLOW_LINKS))
        {
            throw new IllegalStateException("not writing over " + file + ": it exists (--generate writes a new " +
                "file; add --overwrite to replace it)");
        }
        Checks.folderExists(spec, "--file", file);
        final Path folder = file.toAbsolutePath().getParent();
        final long usable = Files.getFileStore(folder).getUsableSpace();
        if (usable < generate)
        {
            // Before writing: it would fill the disk and fail part way (the sample is written aside and renamed
            // into place, so a failure leaves no partial file, but the disk was full meanwhile).
            throw new IllegalStateException("not enough space for a sample of " + human(generate) + " in " + folder +
                ": " + human(usable) + " usable");
        }
        final long bytes = CsvGenerator.generate(file, generate, seed);
        final double seconds = (System.nanoTime() - start) / 1e9;
        if (json.enabled)
        {
            out.println(Json.object().put("file", file.toAbsolutePath().toString()).put("bytes", bytes)
                .put("seed", seed).put("seconds", seconds).put("bytes_per_s", rate(bytes, seconds)));
        }
        else
        {
            out.printf(Locale.ROOT, "wrote %s to %s in %.2f s (%s), seed %d%n", human(bytes), file, seconds,
                rateText(rate(bytes, seconds)), seed);
        }
    }

    /**
     * One run per file and round; with more than one run in all, worker processes stay up between them (a
     * {@link ChunkSession}), so the second and later runs show what warm workers read.
     */
    private void countAll(final PrintWriter out) throws IOException
    {
        if (chaos && threads)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--chaos needs worker processes: drop " +
                "--threads");
        }
        for (final Path file : files)
        {
            FileChunks.checkSplittable(file);
            if (chaos)
            {
                checkChaosRanges(spec.commandLine(), file.toString(), Files.size(file), chunkBytes, null);
            }
        }
        final boolean session = !threads && (long)runs * files.size() > 1;
        try (ChunkSession workerSession = session ? ChunkSession.builder().workers(workers).start() : null)
        {
            int run = 0;
            for (int round = 0; round < runs; round++)
            {
                for (final Path file : files)
                {
                    if (run > 0 && !json.enabled)
                    {
                        out.println();
                    }
                    count(out, file, workerSession, run++);
                }
            }
        }
    }

    /**
     * --chaos kills a worker once a third of the ranges are done: with fewer than 3 it fired after the last range
     * and printed "1 worker killed ... 0 ranges redone", a demonstration of nothing.
     *
     * @param commandLine for the usage error.
     * @param what        the file, in words.
     * @param size        its bytes.
     * @param chunkBytes  the run's range size.
     * @param advice      what to give instead, or null for demo chunks' own (a smaller --chunk-bytes).
     */
    static void checkChaosRanges(final CommandLine commandLine, final String what, final long size,
        final long chunkBytes, final String advice)
    {
        final long ranges = size == 0 ? 0 : (size - 1) / chunkBytes + 1;
        if (ranges < 3)
        {
            // 3 ranges or more: (size - 1) / chunk >= 2, so a chunk of at most (size - 1) / 2 bytes.
            final String instead = advice != null ? advice : size < 3 ? "give a file of at least 3 bytes" :
                "give a smaller --chunk-bytes (at most " + (size - 1) / 2 + ")";
            throw new CommandLine.ParameterException(commandLine, "--chaos kills a worker a third of the way " +
                "through, so it needs at least 3 ranges: " + what + " is " + size + " bytes, " + ranges + " range" +
                (ranges == 1 ? "" : "s") + " of " + chunkBytes + " bytes; " + instead);
        }
    }

    private void count(final PrintWriter out, final Path file, final ChunkSession session, final int run)
    {
        final FileChunks.Builder builder = FileChunks.builder(file).workers(workers).chunkBytes(chunkBytes)
            .processes(!threads).chaosKillAt(chaos ? 1.0 / 3 : -1);
        if (session != null)
        {
            builder.session(session);
        }
        final ChunkOutcome<LineChecksum> o = builder.build().run(LineChecksumJob.class);
        final String checksum = Long.toUnsignedString(o.result().checksum());
        if (o.result().lines() != o.lines())
        {
            throw new IllegalStateException("line counts disagree: job=" + o.result().lines() + " ranges=" + o.lines());
        }
        if (json.enabled)
        {
            final Json line = outcomeJson(o).put("checksum", new BigInteger(checksum));
            if (session != null)
            {
                line.put("run", run + 1).put("warm_workers", run > 0);
            }
            out.println(line);
            return;
        }
        out.printf(Locale.ROOT, "%s: %s in %,d range%s of %s, %d worker %s%s%n", o.file(), human(o.bytes()),
            o.ranges(), o.ranges() == 1 ? "" : "s", human(o.chunkBytes()), o.workers(),
            (o.processes() ? "process" : "thread") + (o.workers() == 1 ? "" : o.processes() ? "es" : "s"),
            session == null ? "" : run == 0 ? " (run 1: fresh JVMs, kept for the next runs)" :
            " (run " + (run + 1) + ": the same JVMs, warm)");
        out.printf(Locale.ROOT, "  lines     %,d%n  bytes     %,d%n  checksum  %s%n", o.lines(), o.bytes(), checksum);
        out.printf(Locale.ROOT, "  time      %.3f s (%s)%n", o.seconds(), rateText(o.bytesPerSecond()));
        if (o.processingSeconds() > 0)
        {
            out.printf(Locale.ROOT, "  phases    %s%n", phases(o));
        }
        if (!o.discardedRun().isEmpty())
        {
            out.printf(Locale.ROOT, "  discarded %s%n", o.discardedRun());
        }
        if (o.rangesResumed() > 0)
        {
            out.printf(Locale.ROOT, "  resumed   %,d range%s done by an earlier run%n", o.rangesResumed(),
                o.rangesResumed() == 1 ? " was" : "s were");
        }
        if (chaos)
        {
            out.printf(Locale.ROOT, "  chaos     %d worker killed with SIGKILL, %d started in its place; %d range%s " +
                "redone; totals complete%n", o.workersKilled(), o.workerRestarts(), o.rangesRedone(),
                o.rangesRedone() == 1 ? "" : "s");
        }
        else if (o.rangesRedone() > 0)
        {
            // Without --chaos: ranges a worker had claimed when it (or an earlier run) died. Said as "chaos 0
            // worker killed" before, which read as if chaos had been asked for.
            out.printf(Locale.ROOT, "  redone    %d range%s claimed by a worker that died, done again; %d worker%s " +
                "started in its place; totals complete%n", o.rangesRedone(), o.rangesRedone() == 1 ? "" : "s",
                o.workerRestarts(), o.workerRestarts() == 1 ? "" : "s");
        }
    }

    /**
     * The phases of a run in one line, as {@code demo chunks} and {@code demo} print them.
     *
     * @param o a run's outcome, with its phases measured.
     * @return e.g. "start-up 0.312 s (28 %), processing 0.780 s (1.21 GB/s), end and merge 0.010 s".
     */
    static String phases(final ChunkOutcome<?> o)
    {
        final double rest = Math.max(0, o.seconds() - o.startupSeconds() - o.processingSeconds());
        return String.format(Locale.ROOT, "start-up %.3f s (%.0f %%), processing %.3f s (%s), end and merge %.3f s",
            o.startupSeconds(), 100 * o.startupShare(), o.processingSeconds(),
            rateText(o.processingBytesPerSecond()), rest);
    }

    /**
     * A rate in decimal units, as the demo's comparison lines and {@code shoal bench} print rates: "1.21 GB/s", or
     * "48.9 MB/s" below 0.1 GB/s. (Sizes stay binary: "64.0 MiB".)
     */
    static String rateText(final double bytesPerSecond)
    {
        return bytesPerSecond >= 1e8 ? String.format(Locale.ROOT, "%.2f GB/s", bytesPerSecond / 1e9) :
            String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6);
    }

    private static double rate(final long bytes, final double seconds)
    {
        return seconds > 0 ? bytes / seconds : 0;
    }

    static String human(final long bytes)
    {
        final String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /**
     * Parses sizes such as {@code 4096}, {@code 64KB}, {@code 300MB}, {@code 1GB} (binary units: KB = KiB).
     */
    public static final class ByteSize implements CommandLine.ITypeConverter<Long>
    {
        /**
         * For picocli.
         */
        public ByteSize()
        {
        }

        @Override
        public Long convert(final String value)
        {
            final String text = value.trim().toUpperCase(Locale.ROOT).replace("IB", "B");
            int end = 0;
            while (end < text.length() && Character.isDigit(text.charAt(end)))
            {
                end++;
            }
            final String unit = text.substring(end).trim();
            final int shift = switch (unit)
            {
                case "", "B" -> 0;
                case "K", "KB" -> 10;
                case "M", "MB" -> 20;
                case "G", "GB" -> 30;
                case "T", "TB" -> 40;
                default -> -1;
            };
            if (end == 0 || end > 12 || shift < 0)
            {
                throw new CommandLine.TypeConversionException("not a size: '" + value + "' (e.g. 4096, 64KB, 1GB)");
            }
            final long number = Long.parseLong(text.substring(0, end));
            if (number < 1)
            {
                throw new CommandLine.TypeConversionException("size must be at least 1: '" + value + "'");
            }
            if (number > Long.MAX_VALUE >> shift)
            {
                // 16777217TB wrapped round to 1 TiB and ran; 8388608TB became a negative size.
                throw new CommandLine.TypeConversionException("size too large: '" + value + "' (at most " +
                    (Long.MAX_VALUE >> shift) + unit + ")");
            }
            return number << shift;
        }
    }
}
