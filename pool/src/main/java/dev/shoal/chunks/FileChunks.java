package dev.shoal.chunks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.RegionMismatchException;
import dev.shoal.core.RegionOptions;
import dev.shoal.core.SharedLongArray;
import org.agrona.DirectBuffer;

/**
 * Parallel processing of one file split into fixed-size byte ranges, by threads or worker processes that
 * share a region: each worker claims the next range with one atomic add, reads the lines the range owns
 * (see {@link RangeReader} for the alignment rule), and stores the range's result with a done mark. A run
 * whose workers were killed resumes with only the ranges not done: run it again with the same file, chunk
 * size and job (the region is named after the file and the job's class, or given with {@link Builder#region}); a
 * kept run of other job code (the class recompiled since, see {@link JobCode}) is not resumed but started over.
 * Two runs of the same file and job at once: the second fails at once, naming the first ({@link RunOwner}).
 *
 * <pre>{@code
 * ChunkOutcome<CsvStats> outcome = FileChunks.builder(Path.of("user_behavior.csv"))
 *     .chunkBytes(1 << 20)
 *     .workers(2)
 *     .progress((done, total) -> bar.update(done, total))
 *     .build()
 *     .run(CsvStatsJob.class);
 * }</pre>
 *
 * The coordinator (the caller's thread) starts the workers, restarts any that die (up to
 * {@link Builder#maxRestarts}), and merges the results in file order once every range is done. A run that
 * cannot finish throws and keeps its region for a later resume; a run that finishes deletes it.
 *
 * <p>Each run starts its worker JVMs and they exit with it; for many files, a {@link ChunkSession} keeps them up and
 * warm ({@link Builder#session}).
 */
public final class FileChunks
{
    /** Chunk size when none is given. */
    public static final long DEFAULT_CHUNK_BYTES = 1 << 20;
    /** Bytes of the file each worker reads at a time when none is given (see {@link Builder#windowBytes}). */
    public static final int DEFAULT_WINDOW_BYTES = 1 << 20;
    /**
     * JVM options of worker processes when none are given: a small heap, the serial collector, and room for a line
     * longer than the read window in direct memory (read into a buffer of its own; the limit would otherwise be the
     * heap's size, and nothing is taken unless such a line comes).
     */
    public static final List<String> DEFAULT_WORKER_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx256m",
        "-XX:MaxDirectMemorySize=3g");
    /** Characters of the input's file name kept in the derived region name (the rest is a hash of the path). */
    private static final int MAX_NAME_IN_REGION = 64;

    final Path file;
    final long chunkBytes;
    final int workers;
    final boolean processes;
    final Path region;
    final int windowBytes;
    final ProgressListener progress;
    final int maxRestarts;
    final boolean keepRegion;
    final List<String> workerJvmOptions;
    final double chaosKillAt;
    final int stopFirstWorkerAfter;
    final ChunkWorker.StopMode stopMode;
    final Consumer<Process> workerStarted;
    final ChunkSession session;

    private FileChunks(final Builder b)
    {
        this.session = b.session;
        this.file = b.file.toAbsolutePath().normalize();
        this.chunkBytes = b.chunkBytes;
        this.workers = b.workers;
        this.processes = b.processes;
        this.region = b.region;
        this.windowBytes = b.windowBytes;
        this.progress = b.progress;
        this.maxRestarts = b.maxRestarts;
        this.keepRegion = b.keepRegion;
        this.workerJvmOptions = List.copyOf(b.workerJvmOptions);
        this.chaosKillAt = b.chaosKillAt;
        this.stopFirstWorkerAfter = b.stopFirstWorkerAfter;
        this.stopMode = b.stopMode;
        this.workerStarted = b.workerStarted;
    }

    /**
     * @param file the file to process.
     * @return a builder with defaults: 1 MiB chunks, one worker process per available processor.
     */
    public static Builder builder(final Path file)
    {
        return new Builder(file);
    }

    /**
     * Runs a job over the file and merges the per-range results in file order.
     *
     * @param jobClass the job; worker processes create it by name with its public no-arg constructor.
     * @param <A>      the result type.
     * @return the merged result and the run's figures.
     * @throws IllegalArgumentException when the file does not exist.
     * @throws IllegalStateException    when the run cannot finish (its region is kept for a resume, and the message
     *                                  says so), or another run of the same file and job is in progress.
     */
    public <A> ChunkOutcome<A> run(final Class<? extends ChunkJob<A>> jobClass)
    {
        final ChunkJob<A> job = newJob(jobClass);
        final Merger<A> merger = new Merger<>(job);
        final ChunkOutcome<Void> outcome = execute(job, jobClass.getName(), merger);
        return withResult(outcome, merger.result);
    }

    /**
     * Runs a job over the file and writes each range's encoded result to {@code out}, in file order: the
     * seed pattern's "collect the blocks, then write". The job's codec decides the bytes (e.g. the
     * transformed lines); its merge is not used.
     *
     * @param jobClass the job.
     * @param out      where the results go, range by range.
     * @return the run's figures.
     * @throws IllegalStateException when the run cannot finish (its region is kept for a resume, and the message
     *                               says so), or another run of the same file and job is in progress.
     */
    public ChunkOutcome<Void> runOrdered(final Class<? extends ChunkJob<?>> jobClass, final WritableByteChannel out)
    {
        final ChunkJob<?> job = newJob(jobClass);
        return execute(job, jobClass.getName(), (index, lines, buffer, offset, length) ->
        {
            final ByteBuffer bytes = ByteBuffer.allocate(length);
            buffer.getBytes(offset, bytes, length);
            bytes.flip();
            try
            {
                while (bytes.hasRemaining())
                {
                    out.write(bytes);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot write result of range " + index, ex);
            }
        });
    }

    private ChunkOutcome<Void> execute(final ChunkJob<?> job, final String jobClass,
        final ResultSlots.Visitor visitor)
    {
        if (session == null)
        {
            return executeRun(job, jobClass, visitor);
        }
        // One run at a time on a session, from before its region is made to its merge: a run that waited behind
        // another and was interrupted fails here having made nothing. The lock was taken only around the workers'
        // part, so of several runs waiting, all but the first made their regions before waiting again.
        synchronized (session)
        {
            session.checkOpen();
            if (Thread.currentThread().isInterrupted())
            {
                // Sent, its commands' first poll would fail at once and the ending run would kill the warm workers.
                throw new IllegalStateException("interrupted while waiting for the chunk session's run in progress; " +
                    "nothing was sent to its workers");
            }
            return executeRun(job, jobClass, visitor);
        }
    }

    private ChunkOutcome<Void> executeRun(final ChunkJob<?> job, final String jobClass,
        final ResultSlots.Visitor visitor)
    {
        final long startNanos = System.nanoTime();
        if (processes)
        {
            checkWorkersCanLoad(job.getClass());
        }
        checkSplittable(file);
        final long length;
        final long modified;
        try
        {
            length = Files.size(file);
            modified = Files.getLastModifiedTime(file).toMillis();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the size of " + file + ": " + ex, ex);
        }
        final int ranges = ChunkRegionDescriptor.rangeCount(length, chunkBytes);
        if (ranges == 0)
        {
            progress.onProgress(0, 0);
            return new ChunkOutcome<>(null, file, 0, 0, 0, chunkBytes, 0, processes, 0, 0, 0, 0,
                seconds(startNanos), 0, 0, "");
        }
        final int slotBytes = ChunkRegionDescriptor.slotBytes(ranges, job.resultBytesHint());
        final ChunkRegion.Params params =
            new ChunkRegion.Params(length, modified, chunkBytes, ranges, slotBytes, JobCode.hash(job));
        final RegionLocation location = region != null ? RegionLocation.of(region) :
            RegionLocation.of(RegionLocation.defaultDirectory().resolve(derivedName(jobClass)));
        final Claimed claimed = openAndClaim(location, ChunkRegionDescriptor.spec(ranges, slotBytes), params,
            jobClass);
        final ChunkOutcome<Void> outcome;
        try (ChunkRegion chunkRegion = claimed.region(); RunOwner owner = claimed.owner())
        {
            final int resumed = chunkRegion.initialiseOrCheck(params) ? 0 : chunkRegion.countDone();
            final int started = Math.max(1, Math.min(workers, ranges - resumed));
            final SharedLongArray control = chunkRegion.control();
            // Statistics of this run only: no worker runs yet, so plain resets are enough (the workers' start
            // orders them before anything a worker does).
            control.setPlain(ChunkRegionDescriptor.FIRST_CLAIM_NANOS, 0);
            control.setPlain(ChunkRegionDescriptor.LAST_DONE_NANOS, 0);
            final ChunkWorkers group = new ChunkWorkers(this, chunkRegion, jobClass, job.getClass());
            final ChunkWorkers.Stats stats;
            try
            {
                stats = group.run(started);
            }
            catch (final RuntimeException ex)
            {
                throw kept(ex, chunkRegion);
            }
            final long firstClaim = control.get(ChunkRegionDescriptor.FIRST_CLAIM_NANOS);
            final long lastDone = control.get(ChunkRegionDescriptor.LAST_DONE_NANOS);
            checkComplete(chunkRegion, params, group);
            final long lines;
            try
            {
                lines = merge(chunkRegion, params, visitor);
            }
            catch (final RuntimeException ex)
            {
                throw kept(ex, chunkRegion);
            }
            final String changed = changedSince(length, modified);
            if (!changed.isEmpty())
            {
                // Written while its ranges were read: ranges read before the write and after it were summed as
                // one file's, without a word (a user's review: 100 000 bytes overwritten mid-run, lines counted).
                if (!keepRegion)
                {
                    owner.deleteRegion();
                }
                throw new IllegalStateException("file " + file + " changed while it was read (" + changed + "): " +
                    "its ranges may mix bytes from before and after the change, so the totals are not given; " +
                    "run again once nothing writes it");
            }
            progress.onProgress(ranges, ranges);
            final boolean timed = firstClaim != 0 && lastDone - firstClaim >= 0 && firstClaim - startNanos >= 0;
            outcome = new ChunkOutcome<>(null, file, length, lines, ranges, chunkBytes, started, processes,
                resumed, control.get(ChunkRegionDescriptor.REDONE), stats.restarts(), stats.killed(),
                seconds(startNanos), timed ? (firstClaim - startNanos) / 1e9 : 0,
                timed ? (lastDone - firstClaim) / 1e9 : 0, claimed.discarded());
            if (!keepRegion)
            {
                owner.deleteRegion();
            }
        }
        return outcome;
    }

    /**
     * @return how the file differs from the size and modification time the run started with, or "".
     */
    private String changedSince(final long length, final long modified)
    {
        try
        {
            final long nowLength = Files.size(file);
            final long nowModified = Files.getLastModifiedTime(file).toMillis();
            return nowLength != length ? "its length was " + length + " bytes, now " + nowLength :
                nowModified != modified ? "modified at " + java.time.Instant.ofEpochMilli(nowModified) +
                ", after the run began at its " + java.time.Instant.ofEpochMilli(modified) + " version" : "";
        }
        catch (final IOException ex)
        {
            return "it cannot be read now: " + ex;
        }
    }

    /**
     * The message of a run that failed before it could merge or while merging, with what it leaves behind: the
     * region (and its side folder), and how to resume or delete them.
     */
    private static IllegalStateException kept(final RuntimeException ex, final ChunkRegion chunkRegion)
    {
        final Path path = chunkRegion.region().location().path();
        final Path side = chunkRegion.sideFolder();
        final String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        return new IllegalStateException(message + "; the region " + path +
            (Files.isDirectory(side) ? " and its side folder " + side + " are" : " is") + " kept: run again to " +
            "resume (a run whose job code changed starts over), or delete with `shoal delete " + path + "`", ex);
    }

    private void checkComplete(final ChunkRegion chunkRegion, final ChunkRegion.Params params,
        final ChunkWorkers group)
    {
        final int done = chunkRegion.countDone();
        if (done != params.ranges())
        {
            final String cause = processes ? group.firstFailure() : "";
            final Path logs = session != null ? session.logFolder() : chunkRegion.sideFolder();
            // A failure a worker reported (the job threw, a line too long, the file changed) comes again on a plain
            // rerun: "run again to resume" sent users round that loop.
            final String advice = processes && group.failureReported() ?
                "fix the cause above, then run again: a run of the same job over the unchanged file resumes it (a " +
                "job changed to fix it starts over)" : "run again to resume";
            throw new IllegalStateException("run incomplete: " + done + " of " + params.ranges() +
                " ranges done" + (cause.isEmpty() ? "" : ": " + cause) + "; worker logs in " + logs +
                (session != null ? " (removed when the session closes)" : "") + "; the region " +
                chunkRegion.region().location().path() + " is kept: " + advice);
        }
    }

    private long merge(final ChunkRegion chunkRegion, final ChunkRegion.Params params,
        final ResultSlots.Visitor visitor)
    {
        final ResultSlots slots = new ResultSlots(chunkRegion, params.slotBytes());
        long lines = 0;
        long covered = 0;
        for (int i = 0; i < params.ranges(); i++)
        {
            lines += slots.lines(i);
            covered += slots.covered(i);
            slots.visit(i, visitor);
        }
        if (covered != params.fileLength())
        {
            throw new IllegalStateException("ranges cover " + covered + " bytes of a file of " +
                params.fileLength() + ": the file changed during the run, or lines were lost or read twice");
        }
        return lines;
    }

    /**
     * The run's region, open and claimed for this coordinator, and what was discarded to make it.
     *
     * @param region    the region.
     * @param owner     this coordinator's claim.
     * @param discarded a kept run found under the region's name and discarded, in words, or "".
     */
    private record Claimed(ChunkRegion region, RunOwner owner, String discarded)
    {
    }

    /**
     * Opens the run's region (see {@link #open}) and claims it for this coordinator ({@link RunOwner}), opening
     * the path again while the region found is a copy a finished run deleted meanwhile.
     */
    private Claimed openAndClaim(final RegionLocation location, final dev.shoal.core.RegionSpec spec,
        final ChunkRegion.Params params, final String jobClass)
    {
        String discarded = "";
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final Opened opened = open(location, spec, params, jobClass);
            discarded = discarded.isEmpty() ? opened.discarded() : discarded;
            final RunOwner owner;
            try
            {
                owner = RunOwner.claim(opened.region(), file, jobClass);
            }
            catch (final RuntimeException ex)
            {
                opened.region().close();
                throw ex;
            }
            if (owner != null)
            {
                return new Claimed(opened.region(), owner, discarded);
            }
            opened.region().close();
        }
        throw new IllegalStateException("cannot claim the region " + location.path() + ": it was deleted or made " +
            "again under this run 100 times (other runs of the same file and job keep finishing)");
    }

    /**
     * A region opened for a run, and the kept run discarded to make it, in words ("" when none).
     */
    private record Opened(ChunkRegion region, String discarded)
    {
    }

    /**
     * Opens the run's region, resuming it when it holds this very run (same file length and time, chunk size,
     * ranges, job code). A region of the derived name that holds another run (the file changed, the job's code
     * changed, or other options) is stale: it is removed with its side folder and a fresh one made, and the outcome
     * says so ({@link ChunkOutcome#discardedRun()}), unless a live run owns it: then this run fails. A region the
     * caller named is never removed.
     */
    private Opened open(final RegionLocation location, final dev.shoal.core.RegionSpec spec,
        final ChunkRegion.Params params, final String jobClass)
    {
        String discarded;
        try
        {
            final ChunkRegion opened = new ChunkRegion(Region.openOrCreate(location, spec, RegionOptions.defaults()));
            if (region != null || opened.holdsNothingOr(params))
            {
                return new Opened(opened, "");
            }
            try
            {
                final ChunkRegion.Params stored = opened.params();
                final String differences = ChunkRegion.differences(stored, params);
                RunOwner.refuseIfRunning(opened, file, jobClass, differences);
                discarded = "a kept run of this file and job was discarded, " + opened.countDone() + " of " +
                    stored.ranges() + " ranges done by it: " + differences;
            }
            finally
            {
                opened.close();
            }
        }
        catch (final RegionMismatchException ex)
        {
            if (region != null)
            {
                throw ex;
            }
            final String layout = "its region's layout differs (the file's size, the chunk size or the job's " +
                "result size hint changed, or an older Shoal made it)";
            refuseIfRunning(location, jobClass, layout);
            discarded = "a kept run of this file and job was discarded: " + layout;
        }
        catch (final dev.shoal.core.RegionFormatException ex)
        {
            if (region != null)
            {
                throw ex;
            }
            // Not discarded without a word: a damaged region may be a live run's that another program wrote into.
            throw new IllegalStateException("the kept run of " + file + " cannot be read: its region " +
                location.path() + " is damaged (" + ex.getMessage() + "); delete it (shoal delete --force " +
                location.path() + ") and run again", ex);
        }
        Region.delete(location);
        ChunkRegion.deleteSideFolder(location.path());
        return new Opened(new ChunkRegion(Region.openOrCreate(location, spec, RegionOptions.defaults())), discarded);
    }

    /**
     * Refuses to discard a region of another layout that a live run owns: opened without a layout to expect.
     */
    private void refuseIfRunning(final RegionLocation location, final String jobClass, final String differs)
    {
        final ChunkRegion other;
        try
        {
            other = new ChunkRegion(Region.open(location, RegionOptions.defaults()));
        }
        catch (final RuntimeException ex)
        {
            return; // gone meanwhile, or not a chunked run's region: nothing of a run to protect
        }
        try (other)
        {
            RunOwner.refuseIfRunning(other, file, jobClass, differs);
        }
    }

    /**
     * Refuses what cannot be split into byte ranges, naming why: a missing file, a directory, a device, FIFO or
     * socket (no length, or one that never ends), and a file that reports size 0 but has content (/proc, /sys).
     *
     * @param file the file to split.
     * @throws IllegalArgumentException naming the problem.
     */
    public static void checkSplittable(final Path file)
    {
        if (!Files.exists(file))
        {
            throw new IllegalArgumentException("file not found: " + file);
        }
        if (Files.isDirectory(file))
        {
            throw new IllegalArgumentException(file + " is a directory, not a file");
        }
        if (!Files.isRegularFile(file))
        {
            throw new IllegalArgumentException(file + " is not a regular file (a device, FIFO or socket): only a " +
                "file with a length can be split into byte ranges");
        }
        if (!Files.isReadable(file))
        {
            throw new IllegalArgumentException("cannot read " + file + ": permission denied");
        }
        try
        {
            if (Files.size(file) == 0)
            {
                try (java.io.InputStream in = Files.newInputStream(file))
                {
                    if (in.read() >= 0)
                    {
                        throw new IllegalArgumentException(file + " reports size 0 but has content (a /proc or /sys" +
                            " file?): copy it to a regular file first");
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }
    }

    /**
     * One region name per file and job class name, so that a run resumes whatever it left, and a stale run of the
     * same file (changed since, other options, or the job's code changed) is found and replaced rather than left
     * behind: the job's code is checked inside the region, not named in it, for that reason.
     */
    private String derivedName(final String jobClass)
    {
        final long h = hash(file.toAbsolutePath().normalize() + "|" + jobClass);
        final String readable = file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        // The hash names the file; the name is for people. Cut, so a legal file name of up to 255 bytes never makes
        // a region name over the region file's limit (a 240-byte name was refused).
        return "chunks-" + readable.substring(0, Math.min(readable.length(), MAX_NAME_IN_REGION)) + "-" +
            Long.toHexString(h);
    }

    /**
     * @param text any text.
     * @return its 64-bit FNV-1a hash: stable across JVMs, unlike {@link String#hashCode()} it spreads 64 bits.
     */
    static long hash(final String text)
    {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++)
        {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * @param className a {@link ChunkJob} class with a public no-arg constructor.
     * @param <A>       its result type, unchecked: the caller names the class it expects.
     * @return a new instance.
     * @throws IllegalArgumentException when the class is missing or not a job.
     */
    static <A> ChunkJob<A> newJob(final String className)
    {
        final Class<?> type;
        try
        {
            type = Class.forName(className);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalArgumentException("cannot create job " + className + ": no such class on this JVM's " +
                "class path", ex);
        }
        return newJob(type);
    }

    /**
     * Creates a job from its class itself, in the caller's JVM: the merger's job and the threads of a run in
     * threads mode (until session 34 they reloaded it by name, which lost a class of another class loader, or
     * found another class of the same name).
     *
     * @param type the job's class.
     * @param <A>  its result type, unchecked: the caller names the class it expects.
     * @return a new instance.
     * @throws IllegalArgumentException when it is not a job or cannot be created.
     */
    @SuppressWarnings("unchecked")
    static <A> ChunkJob<A> newJob(final Class<?> type)
    {
        final String className = type.getName();
        try
        {
            if (!ChunkJob.class.isAssignableFrom(type))
            {
                throw new IllegalArgumentException("not a ChunkJob: " + className);
            }
            return (ChunkJob<A>)type.getDeclaredConstructor().newInstance();
        }
        catch (final java.lang.reflect.InvocationTargetException ex)
        {
            // Its own failure, not a missing constructor: "config missing" hid two causes down.
            throw new IllegalArgumentException("the constructor of job " + className + " threw: " + ex.getCause(),
                ex.getCause());
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalArgumentException("cannot create job " + className +
                " (it needs a public no-arg constructor): " + ex, ex);
        }
    }

    /**
     * Worker JVMs start with this JVM's class path and create the job by name: a class only another class loader
     * of this JVM knows (a plugin's, a container's) failed every worker, one restart after another, and the run
     * ended "incomplete" naming each worker's exit. Refused here, before anything is made.
     */
    private static void checkWorkersCanLoad(final Class<?> type)
    {
        final String advice = ": put it there, or run the job in threads of this JVM (processes(false))";
        if (type.isHidden())
        {
            throw new IllegalArgumentException("job " + type.getName() + " is a hidden class, which no class loader " +
                "finds by name: worker JVMs load a job by name from the class path they start with" + advice);
        }
        final Class<?> theirs;
        try
        {
            theirs = Class.forName(type.getName(), false, ClassLoader.getSystemClassLoader());
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            throw new IllegalArgumentException("job " + type.getName() + " is not on the class path worker JVMs " +
                "start with (it was loaded by " + type.getClassLoader() + ")" + advice, ex);
        }
        if (theirs != type)
        {
            // Same name, another class: the workers would run theirs while this JVM merges with, and hashes the code
            // of, the one given; a resume could then mix the results of two codes.
            throw new IllegalArgumentException("job " + type.getName() + " was loaded by " + type.getClassLoader() +
                ", not from the class path worker JVMs start with, where a class of that name is another one" +
                advice);
        }
    }

    private static double seconds(final long startNanos)
    {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static <A> ChunkOutcome<A> withResult(final ChunkOutcome<Void> o, final A result)
    {
        return new ChunkOutcome<>(result, o.file(), o.bytes(), o.lines(), o.ranges(), o.chunkBytes(), o.workers(),
            o.processes(), o.rangesResumed(), o.rangesRedone(), o.workerRestarts(), o.workersKilled(), o.seconds(),
            o.startupSeconds(), o.processingSeconds(), o.discardedRun());
    }

    /**
     * Removes what a chunked run keeps beside its region file {@code regionPath}, in the folder
     * {@code regionPath.d}: its worker logs and spilled results, then the folder if nothing else is in it. Files
     * the run did not write there (a folder of that name the run did not make) are left alone.
     *
     * @param regionPath the run's region file.
     * @return true when no such folder is left; false when it holds files the run did not write, and stays.
     * @throws UncheckedIOException when it cannot be read, or a file of the run's cannot be removed.
     */
    public static boolean deleteSideFolder(final Path regionPath)
    {
        return ChunkRegion.deleteSideFolder(regionPath);
    }

    /**
     * @param regionPath a chunked run's region file.
     * @return the folder beside it where the run keeps its worker logs and spilled results, {@code regionPath.d}.
     */
    public static Path sideFolder(final Path regionPath)
    {
        return ChunkRegion.sideFolder(regionPath);
    }

    static void deleteFolder(final Path folder)
    {
        if (!Files.isDirectory(folder))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder))
        {
            final List<Path> all = new ArrayList<>();
            paths.sorted(Comparator.reverseOrder()).forEach(all::add);
            for (final Path p : all)
            {
                Files.deleteIfExists(p);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + folder, ex);
        }
    }

    /**
     * Folds decoded results in file order.
     */
    private static final class Merger<A> implements ResultSlots.Visitor
    {
        private final ChunkJob<A> job;
        private A result;

        Merger(final ChunkJob<A> job)
        {
            this.job = job;
            this.result = job.newAccumulator();
        }

        @Override
        public void onResult(final int index, final long lines, final DirectBuffer buffer, final int offset,
            final int length)
        {
            result = job.merge(result, job.codec().decode(buffer, offset, length));
        }
    }

    /**
     * Settings of a run, checked in one place by {@link #build()}.
     */
    public static final class Builder
    {
        private final Path file;
        private long chunkBytes = DEFAULT_CHUNK_BYTES;
        private int workers = Math.min(64, Runtime.getRuntime().availableProcessors());
        private boolean processes = true;
        private Path region;
        private int windowBytes = DEFAULT_WINDOW_BYTES;
        private ProgressListener progress = ProgressListener.NONE;
        private int maxRestarts = 3;
        private boolean keepRegion;
        private final List<String> workerJvmOptions = new ArrayList<>(DEFAULT_WORKER_JVM_OPTIONS);
        private double chaosKillAt = -1;
        private int stopFirstWorkerAfter = -1;
        private ChunkWorker.StopMode stopMode = ChunkWorker.StopMode.HALT;
        private Consumer<Process> workerStarted = p ->
        {
        };
        private ChunkSession session;

        private Builder(final Path file)
        {
            this.file = Objects.requireNonNull(file, "file");
        }

        /**
         * @param bytes bytes per range, at least 1.
         * @return this.
         */
        public Builder chunkBytes(final long bytes)
        {
            this.chunkBytes = bytes;
            return this;
        }

        /**
         * @param count workers to start, 1 to 64.
         * @return this.
         */
        public Builder workers(final int count)
        {
            this.workers = count;
            return this;
        }

        /**
         * @param useProcesses true (the default) for worker processes, false for threads of this JVM.
         * @return this.
         */
        public Builder processes(final boolean useProcesses)
        {
            this.processes = useProcesses;
            return this;
        }

        /**
         * @param path the run's region file; by default one in {@code /dev/shm/shoal} named after the file and
         *             the job's class, so that running again resumes (the file's size and time, the chunk size and
         *             the job's code are checked in it); a region named here that holds another run is refused.
         * @return this.
         */
        public Builder region(final Path path)
        {
            this.region = path;
            return this;
        }

        /**
         * @param bytes bytes of the file each worker reads at a time into its reused buffer (default 1 MiB: the
         *              buffer stays in the L2 cache; a line longer than it is mapped); small values are for
         *              tests.
         * @return this.
         */
        public Builder windowBytes(final int bytes)
        {
            this.windowBytes = bytes;
            return this;
        }

        /**
         * @param listener told of progress from the coordinating thread.
         * @return this.
         */
        public Builder progress(final ProgressListener listener)
        {
            this.progress = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param count worker processes started to replace ones that died, per run (default 3).
         * @return this.
         */
        public Builder maxRestarts(final int count)
        {
            this.maxRestarts = count;
            return this;
        }

        /**
         * @param keep keep the region (and its side folder) after a successful run.
         * @return this.
         */
        public Builder keepRegion(final boolean keep)
        {
            this.keepRegion = keep;
            return this;
        }

        /**
         * @param options JVM options for worker processes, replacing the defaults
         *                ({@code -XX:+UseSerialGC -Xmx256m}); Shoal's required flags are always added.
         * @return this.
         */
        public Builder workerJvmOptions(final List<String> options)
        {
            Objects.requireNonNull(options, "workerJvmOptions"); // before the defaults are cleared
            workerJvmOptions.clear();
            workerJvmOptions.addAll(options);
            return this;
        }

        /**
         * A demonstration of crash recovery: SIGKILL one worker process once this fraction of the ranges is
         * done; the run still completes, the killed worker's range is redone.
         *
         * @param fraction 0 to 1, or negative for never (the default).
         * @return this.
         */
        public Builder chaosKillAt(final double fraction)
        {
            this.chaosKillAt = fraction;
            return this;
        }

        /**
         * Runs on a session's warm worker processes instead of starting new ones: all of them, unless
         * {@link #workers} lowers the count (call it after this). The session's JVM options apply; this builder's
         * {@link #workerJvmOptions} do not.
         *
         * @param workerSession the session, open.
         * @return this.
         */
        public Builder session(final ChunkSession workerSession)
        {
            this.session = Objects.requireNonNull(workerSession, "workerSession");
            this.workers = workerSession.workers();
            this.processes = true;
            return this;
        }

        Builder stopFirstWorkerAfter(final int ranges, final ChunkWorker.StopMode mode)
        {
            this.stopFirstWorkerAfter = ranges;
            this.stopMode = mode;
            return this;
        }

        Builder workerStarted(final Consumer<Process> listener)
        {
            this.workerStarted = listener;
            return this;
        }

        /**
         * @return the run's settings.
         * @throws IllegalArgumentException naming the first setting out of range.
         */
        public FileChunks build()
        {
            check(chunkBytes >= 1, "chunkBytes must be at least 1: chunkBytes=" + chunkBytes);
            check(workers >= 1 && workers <= 64, "workers must be 1..64: workers=" + workers);
            check(windowBytes >= 1, "windowBytes must be at least 1: windowBytes=" + windowBytes);
            check(maxRestarts >= 0, "maxRestarts must not be negative: maxRestarts=" + maxRestarts);
            check(chaosKillAt <= 1, "chaosKillAt must be at most 1: chaosKillAt=" + chaosKillAt);
            check(chaosKillAt < 0 || processes, "chaosKillAt needs worker processes, not threads");
            check(session == null || processes, "a session's workers are processes: processes(false) and a " +
                "session do not go together");
            if (session != null)
            {
                check(workers <= session.workers(), "workers must be at most the session's " + session.workers() +
                    ": workers=" + workers);
            }
            return new FileChunks(this);
        }

        private static void check(final boolean condition, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
