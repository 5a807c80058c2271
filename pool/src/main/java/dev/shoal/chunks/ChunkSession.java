package dev.shoal.chunks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.shoal.core.ProcessLiveness;
import dev.shoal.core.RegionLocation;
import dev.shoal.process.ClassDataArchive;
import dev.shoal.process.JavaProcess;

/**
 * Worker processes kept up across {@link FileChunks} runs, the way a Python {@code Pool} serves many {@code map}
 * calls: the second and later runs pay no JVM start and meet code the JIT has already compiled. A fresh worker
 * JVM spends its first ~0.1 s of processing compiling; with two of them on two cores each compiles on the core
 * the other one works on, so cold runs scale less than warm ones do.
 *
 * <pre>{@code
 * try (ChunkSession session = ChunkSession.builder().workers(2).start())
 * {
 *     for (Path file : files)
 *     {
 *         ChunkOutcome<CsvStats> o = FileChunks.builder(file).session(session).build().run(CsvStatsJob.class);
 *     }
 * }
 * }</pre>
 *
 * <p>Each run keeps its own region, so resume, take-over of a dead worker's range and the restart budget work as
 * in a run without a session. A worker that dies (killed, crashed) is replaced by a fresh JVM when the next
 * command goes to it. Commands travel on a worker's standard input, one line each, and the worker answers on its
 * standard output (its {@code System.out} is moved to its log); closing the session closes the workers' input,
 * and each worker exits when it reads the end of it. A worker whose parent dies halts on its own
 * ({@link dev.shoal.process.ParentWatch}), so a killed coordinator leaves no orphans; the log folder it leaves is
 * removed by the next session to start ({@link StaleSessionFolders}).
 *
 * <p>One run at a time: runs from several threads take turns (two runs of the same file and job at once: the second
 * fails, see {@link FileChunks}).
 */
public final class ChunkSession implements AutoCloseable
{
    private static final AtomicInteger SESSIONS = new AtomicInteger();
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final List<String> jvmOptions;
    private final Path logFolder;
    private final ClassDataArchive archive;
    /** The slots and their processes, {@link #started} and {@link #closed}: guarded by this session's monitor (a
     * run holds it throughout: {@link ChunkWorkers} synchronizes on the session); {@link #processes()} alone reads
     * a slot's process without it. */
    private final Slot[] slots;
    /** Filled by one reader thread per worker, taken by the run: the queue is the hand-off between them. */
    private final LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    /**
     * Workers whose output has ended, added by their reader threads (a concurrent set: the hand-off to the run).
     * Such a worker is replaced at its next command even when {@link Process#isAlive()} still says yes: a run that
     * took the end of its output cannot hear it again, and a write to its input was seen to succeed after that end,
     * before the JDK had reaped it (the next run then waited for an answer that could not come).
     */
    private final Set<Process> ended = ConcurrentHashMap.newKeySet();
    private int started;
    private boolean closed;
    /** Set by close() before it takes the lock (see {@link #closing()}). */
    private volatile boolean closing;

    private ChunkSession(final Builder b)
    {
        this.jvmOptions = List.copyOf(b.jvmOptions);
        // The folders of sessions whose JVM was killed (no close ran) go first; the name of this one carries its
        // pid and start ticks, so that a later sweep can tell when it is dead, whatever reused the pid.
        StaleSessionFolders.sweep(RegionLocation.defaultDirectory());
        this.logFolder = RegionLocation.defaultDirectory().resolve(
            StaleSessionFolders.name(ProcessLiveness.currentStartTicks(), SESSIONS.incrementAndGet()));
        this.archive = ClassDataArchive.forClassPath(System.getProperty("java.class.path"));
        this.slots = new Slot[b.workers];
        try
        {
            Files.createDirectories(logFolder);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the session's log folder " + logFolder + ": " + ex, ex);
        }
        try
        {
            for (int i = 0; i < slots.length; i++)
            {
                slots[i] = new Slot(i);
                startWorker(slots[i]);
            }
        }
        catch (final RuntimeException ex)
        {
            // A worker that cannot start (no java binary, no memory): end the ones already started.
            for (final Slot slot : slots)
            {
                if (slot != null && slot.process != null)
                {
                    kill(slot.process);
                }
            }
            FileChunks.deleteFolder(logFolder);
            throw ex;
        }
    }

    /**
     * @return a builder: one worker per available processor, the default worker JVM options of
     * {@link FileChunks.Builder#workerJvmOptions}.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return worker processes the session keeps.
     */
    public int workers()
    {
        return slots.length;
    }

    /**
     * @return where the workers' logs are (removed by {@link #close()}).
     */
    public Path logFolder()
    {
        return logFolder;
    }

    /**
     * Answers at once, also while a run holds the session: each slot's process is read as it stands (a worker
     * replaced meanwhile shows as its replacement).
     *
     * @return the session's current worker processes, in slot order (for tests and monitoring).
     */
    public List<ProcessHandle> processes()
    {
        final List<ProcessHandle> handles = new ArrayList<>();
        for (final Slot slot : slots)
        {
            handles.add(slot.process.toHandle());
        }
        return handles;
    }

    /**
     * Ends the workers: closes their input so each exits once its current command is done, waits up to
     * 10 s for them, then kills what is left, and removes the log folder. A run in progress on another thread
     * fails at once ("the chunk session was closed during the run"), its workers killed, its region kept.
     */
    @Override
    public void close()
    {
        // Before the lock, which a run holds from start to end: close() waited for the whole run (73 s measured),
        // or for ever behind a run that hung. The run sees this at its next poll and ends.
        closing = true;
        closeLocked();
    }

    /**
     * @return true once {@link #close()} was called: a run in progress ends.
     */
    boolean closing()
    {
        return closing;
    }

    private synchronized void closeLocked()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final Slot slot : slots)
        {
            closeQuietly(slot.input);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        for (final Slot slot : slots)
        {
            final Process p = slot.process;
            try
            {
                p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (p.isAlive())
            {
                p.destroyForcibly();
            }
            archiveExited(p);
        }
        FileChunks.deleteFolder(logFolder);
    }

    // ---- used by a run (ChunkWorkers), under the session's lock -------------------------------------------------

    /**
     * Sends a command to a slot's worker, first replacing it with a fresh JVM when it is gone.
     *
     * @param slot    the slot.
     * @param command the command line (no line break).
     * @param fresh   whether to replace the worker even when it is alive (it stopped answering this run).
     * @return the process the command went to.
     */
    Process send(final int slot, final String command, final boolean fresh)
    {
        checkOpen();
        final Slot s = slots[slot];
        if (fresh || ended.contains(s.process) || !s.process.isAlive())
        {
            replace(s);
        }
        try
        {
            s.input.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            s.input.flush();
        }
        catch (final IOException ex)
        {
            // The worker died since the check above (broken pipe): a fresh one gets the command.
            replace(s);
            try
            {
                s.input.write((command + "\n").getBytes(StandardCharsets.UTF_8));
                s.input.flush();
            }
            catch (final IOException again)
            {
                throw new UncheckedIOException("cannot send a command to a fresh chunk worker: " + again, again);
            }
        }
        return s.process;
    }

    /**
     * Puts a fresh JVM in a slot. The old one is killed and waited for first (a kill takes effect a moment later),
     * so that no command can go to a dying worker, and its input pipe is closed.
     */
    private void replace(final Slot s)
    {
        kill(s.process);
        closeQuietly(s.input);
        archiveExited(s.process);
        ended.remove(s.process);
        startWorker(s);
    }

    /**
     * Kills workers (SIGKILL to each first, then one wait for them all) on the way out of a run that ended early.
     * Never throws: it runs in a finally block, where a throw would hide the run's own failure; a worker that
     * outlives the wait (a process stuck in the kernel) is left to {@link #send}, which kills and waits again.
     *
     * @param processes the workers.
     */
    static void killAll(final List<Process> processes)
    {
        for (final Process p : processes)
        {
            p.destroyForcibly();
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        for (final Process p : processes)
        {
            JavaProcess.kill(p, Math.max(0, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())));
        }
    }

    /**
     * Kills a worker (SIGKILL) and waits until it is gone (an interrupt of the caller is kept, not obeyed).
     *
     * @param process the worker.
     * @throws IllegalStateException when it outlives the wait.
     */
    static void kill(final Process process)
    {
        if (!JavaProcess.kill(process, CLOSE_WAIT_SECONDS))
        {
            throw new IllegalStateException("chunk worker " + process.pid() + " did not end within " +
                CLOSE_WAIT_SECONDS + " s of SIGKILL");
        }
    }

    /**
     * @param slot a slot.
     * @return its current worker.
     */
    Process process(final int slot)
    {
        return slots[slot].process;
    }

    /**
     * @param millis longest wait.
     * @return the next answer of any worker, or null when none came in time.
     */
    Reply poll(final long millis)
    {
        try
        {
            return replies.poll(millis, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for chunk workers", ex);
        }
    }

    /**
     * Drops answers left from an earlier run (a run that ended early may leave some).
     */
    void clearReplies()
    {
        replies.clear();
    }

    synchronized void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("the chunk session is closed");
        }
    }

    private void startWorker(final Slot slot)
    {
        final int n = started++;
        final Path log = logFolder.resolve("worker-" + n + ".log");
        final JavaProcess launcher = JavaProcess.of(ChunkWorker.class).jvmOptions(NewlineGathers.workerJvmOptions())
            .jvmOptions(jvmOptions).args(ChunkWorker.SERVE).errorTo(log);
        final Process process = archive == null ? launcher.start() : archive.start(launcher);
        slot.process = process;
        slot.input = process.getOutputStream();
        final Thread reader = new Thread(() -> readReplies(slot.index, process),
            "shoal-chunk-session-" + slot.index + "-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    private void readReplies(final int slot, final Process process)
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            for (String line = in.readLine(); line != null; line = in.readLine())
            {
                replies.add(new Reply(slot, process, line));
            }
        }
        catch (final IOException ex)
        {
            // the pipe broke: the worker is gone, reported below
        }
        ended.add(process); // before the reply: a run that takes the reply finds the worker marked
        replies.add(new Reply(slot, process, null));
    }

    private void archiveExited(final Process p)
    {
        if (archive != null)
        {
            archive.exited(p);
        }
    }

    private static void closeQuietly(final OutputStream out)
    {
        try
        {
            out.close();
        }
        catch (final IOException ex)
        {
            // the worker is gone already
        }
    }

    /**
     * A worker's answer: a line it wrote, or {@code null} once its output ended (it exited or died).
     *
     * @param slot    the worker's slot.
     * @param process the worker that answered (an answer of a replaced worker is stale).
     * @param line    the answer, or null at the end of its output.
     */
    record Reply(int slot, Process process, String line)
    {
    }

    private static final class Slot
    {
        final int index;
        /** Written under the session's lock; volatile for {@link #processes()}, which reads it without. */
        volatile Process process;
        OutputStream input;

        Slot(final int index)
        {
            this.index = index;
        }
    }

    /**
     * Settings of a session.
     */
    public static final class Builder
    {
        private int workers = Math.min(64, Runtime.getRuntime().availableProcessors());
        private final List<String> jvmOptions = new ArrayList<>(FileChunks.DEFAULT_WORKER_JVM_OPTIONS);

        private Builder()
        {
        }

        /**
         * @param count worker processes, 1 to 64.
         * @return this.
         */
        public Builder workers(final int count)
        {
            this.workers = count;
            return this;
        }

        /**
         * @param options JVM options for the workers, replacing the defaults ({@code -XX:+UseSerialGC -Xmx256m});
         *                Shoal's required flags are always added.
         * @return this.
         */
        public Builder workerJvmOptions(final List<String> options)
        {
            Objects.requireNonNull(options, "options");
            jvmOptions.clear();
            jvmOptions.addAll(options);
            return this;
        }

        /**
         * Starts the workers; they boot while the caller goes on, and a first run waits for them.
         *
         * @return the session.
         * @throws IllegalArgumentException when the worker count is out of range.
         */
        public ChunkSession start()
        {
            if (workers < 1 || workers > 64)
            {
                throw new IllegalArgumentException("workers must be 1..64: workers=" + workers);
            }
            return new ChunkSession(this);
        }
    }
}
