package dev.shoal.chunks;

import dev.shoal.process.ParentWatch;
import dev.shoal.pool.Codec;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.shoal.core.Participant;
import dev.shoal.core.Region;
import dev.shoal.core.Role;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * A worker of a {@link FileChunks} run: claims ranges, reads their lines through a window of the file, stores each
 * range's encoded result and marks it done, until nothing is left to claim. Runs as a thread of the
 * coordinator or, through {@link #main}, as a process of its own.
 *
 * <p>Test hooks (system properties of a worker process): {@value #STOP_AFTER_PROPERTY}{@code =K} stops the
 * worker while it holds the claim of its (K+1)th range, the way {@value #STOP_MODE_PROPERTY} says:
 * {@code halt} ({@code Runtime.halt}, exit code {@value #HALT_EXIT_CODE}) or {@code pause} (writes
 * {@code paused-PID} in the side folder, then waits to be killed).
 */
public final class ChunkWorker
{
    /** Test hook: ranges to finish before stopping. */
    public static final String STOP_AFTER_PROPERTY = "shoal.chunks.test.stopAfterRanges";
    /** Test hook: {@code halt} or {@code pause}. */
    public static final String STOP_MODE_PROPERTY = "shoal.chunks.test.stopMode";
    /** Exit code of a worker halted by the test hook. */
    public static final int HALT_EXIT_CODE = 99;
    /** Exit code of a session worker that ended on a job's error (out of memory, an assertion...). */
    static final int ERROR_EXIT_CODE = 3;

    /**
     * How a worker stops early, for tests and demos.
     */
    enum StopMode
    {
        /** Return as if the worker had died: its claim stays, its participant entry is released. */
        ABANDON,
        /** {@code Runtime.halt}: the process dies at once. */
        HALT,
        /** Announce with a marker file, then wait to be killed. */
        PAUSE
    }

    private ChunkWorker()
    {
    }

    /**
     * Entry point of a worker process.
     *
     * @param args region path, file path, job class name, window bytes.
     */
    public static void main(final String[] args)
    {
        ParentWatch.haltWhenParentExits();
        // The log says how this JVM splits lines (an eight-byte loop or vectors, NewlineGathers).
        System.err.println("shoal chunk worker " + ProcessHandle.current().pid() + ": lines split by " +
            NewlineGathers.SELECTED.name());
        if (args.length == 1 && SERVE.equals(args[0]))
        {
            System.exit(serve());
        }
        if (args.length != 4)
        {
            System.err.println("usage: ChunkWorker REGION FILE JOB_CLASS WINDOW_BYTES | ChunkWorker " + SERVE);
            System.exit(2);
        }
        final int stopAfter = Integer.getInteger(STOP_AFTER_PROPERTY, -1);
        final StopMode mode = StopMode.valueOf(System.getProperty(STOP_MODE_PROPERTY, "halt").toUpperCase());
        try (ChunkRegion region = new ChunkRegion(Region.open(args[0])))
        {
            final ChunkJob<?> job = FileChunks.newJob(args[2]);
            work(region, Path.of(args[1]), job, Integer.parseInt(args[3]), stopAfter, mode);
        }
        catch (final Throwable ex)
        {
            ex.printStackTrace();
            reportFailure(Path.of(args[0]), ex);
            System.exit(1);
        }
        System.exit(0);
    }

    /** Argument of a worker that serves a {@link ChunkSession}: runs commands read from its standard input. */
    static final String SERVE = "--serve";
    /** A session worker's answer to a run it finished (its ranges processed follow, after a tab). */
    static final String DONE_REPLY = "done";
    /** A session worker's answer to a run it could not work (the cause is in the region's side folder). */
    static final String FAILED_REPLY = "failed";

    /**
     * @param region      the run's region.
     * @param file        the file.
     * @param jobClass    the job.
     * @param windowBytes bytes read at a time.
     * @param stopAfter   test hook (see {@link #STOP_AFTER_PROPERTY}), -1 for none.
     * @param mode        test hook's stop mode.
     * @return one line for a session worker: the fields, each URL-encoded (no tab or line break left), tab-separated.
     */
    static String command(final Path region, final Path file, final String jobClass, final int windowBytes,
        final int stopAfter, final StopMode mode)
    {
        return String.join("\t", encode(region.toString()), encode(file.toString()), encode(jobClass),
            Integer.toString(windowBytes), Integer.toString(stopAfter), mode.name());
    }

    /**
     * A session worker: runs each command line of its standard input as a run's worker and answers on its
     * standard output ({@code System.out} goes to the log instead, so a job that prints cannot garble answers, and
     * {@code System.in} reads nothing, so a job that reads cannot take a command).
     * An exception fails that run only; an error (out of memory...) ends the worker, which the session replaces.
     *
     * @return the exit status: 0 once the input ends (the session closed).
     */
    private static int serve()
    {
        final PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
            StandardCharsets.UTF_8);
        final BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.setOut(System.err); // a job's prints go to the log
        System.setIn(InputStream.nullInputStream()); // and a job that reads its input cannot take a command
        try
        {
            for (String line = commands.readLine(); line != null; line = commands.readLine())
            {
                final String[] f = line.split("\t", -1);
                final Path regionPath = Path.of(decode(f[0]));
                try (ChunkRegion region = new ChunkRegion(Region.open(regionPath.toString())))
                {
                    final ChunkJob<?> job = FileChunks.newJob(decode(f[2]));
                    final int processed = work(region, Path.of(decode(f[1])), job, Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), StopMode.valueOf(f[5]));
                    answers.println(DONE_REPLY + "\t" + processed);
                }
                catch (final Exception | Error ex)
                {
                    ex.printStackTrace();
                    reportFailure(regionPath, ex);
                    answers.println(FAILED_REPLY);
                    if (ex instanceof Error)
                    {
                        // Answered, then the worker ends, whatever threads a job left: escaping main, the error left
                        // a JVM that a job's non-daemon thread kept alive, silent, and the session's run waited for
                        // ever.
                        answers.flush();
                        System.err.flush();
                        Runtime.getRuntime().halt(ERROR_EXIT_CODE);
                    }
                }
                answers.flush();
            }
            return 0;
        }
        catch (final IOException ex)
        {
            ex.printStackTrace();
            return 1;
        }
    }

    private static String encode(final String field)
    {
        return URLEncoder.encode(field, StandardCharsets.UTF_8);
    }

    private static String decode(final String field)
    {
        return URLDecoder.decode(field, StandardCharsets.UTF_8);
    }

    /** File name prefix of a worker's failure report in the side folder (the coordinator reads them). */
    static final String FAILURE_PREFIX = "failure-";

    /**
     * Leaves the cause of this worker's failure, on one line, where the coordinator looks for it: the side folder
     * of the region. The full stack trace is in the worker's log.
     */
    private static void reportFailure(final Path regionPath, final Throwable ex)
    {
        final String message = ex.getMessage() == null ? "" : ": " + ex.getMessage();
        final String line = (ex.getClass().getName() + message).replace('\n', ' ').replace('\r', ' ');
        try
        {
            final Path folder = ChunkRegion.sideFolder(regionPath);
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(FAILURE_PREFIX + ProcessHandle.current().pid()), line);
        }
        catch (final IOException | RuntimeException ignored)
        {
            // the log still has the stack trace
        }
    }

    /**
     * Claims and processes ranges until none is left.
     *
     * @param region      the run's region, initialised by the coordinator.
     * @param file        the file.
     * @param job         the job.
     * @param windowBytes bytes of the file read at a time.
     * @param stopAfter   test hook: stop while holding the claim after this many ranges; -1 never.
     * @param mode        how to stop.
     * @param <A>         the accumulator type.
     * @return ranges this worker processed.
     */
    static <A> int work(
        final ChunkRegion region,
        final Path file,
        final ChunkJob<A> job,
        final int windowBytes,
        final int stopAfter,
        final StopMode mode)
    {
        final ChunkRegion.Params params = region.params();
        checkFileUnchanged(file, params);
        final ResultSlots slots = new ResultSlots(region, params.slotBytes());
        final Codec<A> codec = job.codec();
        final ExpandableArrayBuffer encoded = new ExpandableArrayBuffer(Math.max(64, job.resultBytesHint()));
        final LineSink<A> sink = new LineSink<>(job);
        int processed = 0;
        try (Participant participant = region.region().attach(Role.WORKER);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            FileWindow window = new FileWindow(channel, params.fileLength(), windowBytes))
        {
            final RangeClaims claims = new RangeClaims(region, participant.token());
            final RangeReader reader = new RangeReader(window);
            // An interrupted thread (a thread-mode run whose caller was interrupted) claims no further range.
            for (int index = claims.claim(); index >= 0; index = Thread.currentThread().isInterrupted() ? -1 :
                claims.claim())
            {
                if (processed == stopAfter && stop(mode, region))
                {
                    return processed;
                }
                final long start = index * params.chunkBytes();
                sink.accumulator = job.newAccumulator();
                reader.read(start, start + params.chunkBytes(), sink);
                final int length = codec.encode(sink.accumulator, encoded, 0);
                slots.store(index, reader.lines(), reader.coveredBytes(), encoded, length);
                claims.markDone(index);
                processed++;
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
        return processed;
    }

    private static void checkFileUnchanged(final Path file, final ChunkRegion.Params params)
    {
        try
        {
            final long length = Files.size(file);
            final long modified = Files.getLastModifiedTime(file).toMillis();
            if (length != params.fileLength() || modified != params.fileModified())
            {
                throw new IllegalStateException("file changed since the run started: " + file + " length=" + length +
                    " modified=" + modified + " expected length=" + params.fileLength() + " modified=" +
                    params.fileModified());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
    }

    private static boolean stop(final StopMode mode, final ChunkRegion region)
    {
        if (mode == StopMode.HALT)
        {
            Runtime.getRuntime().halt(HALT_EXIT_CODE);
        }
        if (mode == StopMode.PAUSE)
        {
            try
            {
                Files.createDirectories(region.sideFolder());
                Files.writeString(region.sideFolder().resolve("paused-" + ProcessHandle.current().pid()), "paused");
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            while (!Thread.currentThread().isInterrupted())
            {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // waiting to be killed: that is the test
            }
        }
        return true;
    }

    /**
     * Feeds lines to the job's per-line function; one per worker, so the hot path allocates nothing.
     */
    private static final class LineSink<A> implements RangeReader.LineHandler
    {
        private final ChunkJob<A> job;
        private A accumulator;

        LineSink(final ChunkJob<A> job)
        {
            this.job = job;
        }

        @Override
        public void onLine(final DirectBuffer buffer, final int offset, final int length)
        {
            job.accept(accumulator, buffer, offset, length);
        }
    }
}
