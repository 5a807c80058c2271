package dev.shoal.chunks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.shoal.process.ClassDataArchive;
import dev.shoal.process.JavaProcess;

/**
 * Starts a run's workers, as threads or as processes, reports progress while they work, replaces worker
 * processes that die (up to the restart budget), and returns once none is left running. Whether every range
 * got done is for the caller to check: a run may end incomplete and be resumed.
 */
final class ChunkWorkers
{
    private static final long POLL_MILLIS = 20;

    /**
     * @param restarts workers started to replace dead ones.
     * @param killed   workers killed on purpose (chaos).
     */
    record Stats(int restarts, int killed)
    {
    }

    private final FileChunks config;
    private final ChunkRegion region;
    private final String jobClass;
    /** The job's class itself, for threads of this JVM; worker processes load {@link #jobClass} by name. */
    private final Class<?> jobType;
    private final int ranges;
    /** The workers' class-data archive, or null when archives are off (see {@link ClassDataArchive}). */
    private final ClassDataArchive archive;
    /** Workers that ended with a code other than 0, in words, for a run that ends incomplete. */
    private final List<String> exits = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** JVM options for the vector split, or none: see {@link NewlineGathers#oneShotWorkerJvmOptions}. */
    private List<String> splitOptions = List.of();
    private int started;

    ChunkWorkers(final FileChunks config, final ChunkRegion region, final String jobClass, final Class<?> jobType)
    {
        this.config = config;
        this.region = region;
        this.jobClass = jobClass;
        this.jobType = jobType;
        this.ranges = region.state().length();
        this.archive = config.processes && config.session == null ?
            ClassDataArchive.forClassPath(System.getProperty("java.class.path")) : null;
    }

    /**
     * @param count workers to start.
     * @return what happened.
     */
    Stats run(final int count)
    {
        // A failure an earlier run of this region left (kept for a resume) is not this run's: it named the old
        // cause, and its advice ("fix the cause") for a run whose workers were only killed.
        clearFailures();
        if (config.session != null)
        {
            return runSession(config.session, count); // the caller holds the session for the whole run
        }
        return config.processes ? runProcesses(count) : runThreads(count);
    }

    /**
     * The run on a session's warm workers: each of {@code count} slots gets the run's command; a worker that
     * dies or fails the run is replaced (a fresh JVM) and sent the command again, within the restart budget; the
     * run ends when every slot has answered done or is out of budget. A run that ends early (interrupted) kills
     * the workers still busy with it, so that none works on into the next run.
     */
    private Stats runSession(final ChunkSession session, final int count)
    {
        session.clearReplies();
        final boolean[] busy = new boolean[count];
        int busyCount = 0;
        int restarts = 0;
        int killed = 0;
        boolean chaosPending = config.chaosKillAt >= 0;
        boolean ended = false;
        try
        {
            for (int slot = 0; slot < count; slot++)
            {
                session.send(slot, command(slot == 0 ? config.stopFirstWorkerAfter : -1), false);
                busy[slot] = true;
                busyCount++;
            }
            while (busyCount > 0)
            {
                if (session.closing())
                {
                    throw new IllegalStateException("the chunk session was closed during the run");
                }
                final ChunkSession.Reply reply = session.poll(POLL_MILLIS);
                final long done = reportProgress();
                if (chaosPending && done >= config.chaosKillAt * ranges)
                {
                    chaosPending = false;
                    killed += kill(busyWorkers(session, busy)) ? 1 : 0;
                }
                if (reply == null || reply.slot() >= count || !busy[reply.slot()] ||
                    reply.process() != session.process(reply.slot()))
                {
                    continue; // nothing yet, or an answer of a worker replaced since
                }
                final String line = reply.line();
                if (line == null)
                {
                    // Its output ended: the session's failed runs said only "run incomplete", naming no cause.
                    exits.add(exited(reply.process()));
                }
                if (line != null && line.startsWith(ChunkWorker.DONE_REPLY))
                {
                    busy[reply.slot()] = false;
                    busyCount--;
                }
                else if (restarts < config.maxRestarts && region.countDone() < ranges)
                {
                    // It died (line null) or failed the run: a fresh JVM takes its place in this run.
                    restarts++;
                    session.send(reply.slot(), command(-1), true);
                }
                else
                {
                    busy[reply.slot()] = false;
                    busyCount--;
                }
            }
            ended = true;
        }
        finally
        {
            if (!ended)
            {
                ChunkSession.killAll(busyWorkers(session, busy)); // gone before the next run sends to their slots
            }
        }
        return new Stats(restarts, killed);
    }

    private String command(final int stopAfter)
    {
        return ChunkWorker.command(region.region().location().path(), config.file, jobClass, config.windowBytes,
            stopAfter, config.stopMode);
    }

    private static List<Process> busyWorkers(final ChunkSession session, final boolean[] busy)
    {
        final List<Process> workers = new ArrayList<>();
        for (int slot = 0; slot < busy.length; slot++)
        {
            if (busy[slot])
            {
                workers.add(session.process(slot));
            }
        }
        return workers;
    }

    private Stats runThreads(final int count)
    {
        final ChunkJob<?> job = FileChunks.newJob(jobType);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        // Every way out of here waits for the worker threads first: they write into the region's mapping, which
        // the caller unmaps once this returns (a worker thread still writing then crashed the JVM: an interrupt,
        // a progress listener that threw, a thread that could not be started).
        RuntimeException ownFailure = null;
        boolean interrupted = false;
        try
        {
            for (int i = 0; i < count; i++)
            {
                final int stopAfter = i == 0 ? config.stopFirstWorkerAfter : -1;
                final Thread thread = new Thread(() ->
                    ChunkWorker.work(region, config.file, job, config.windowBytes, stopAfter, config.stopMode),
                    "shoal-chunks-" + i);
                thread.setUncaughtExceptionHandler((t, ex) -> failure.compareAndSet(null, ex));
                threads.add(thread);
                thread.start();
            }
        }
        catch (final RuntimeException | Error ex)
        {
            threads.forEach(Thread::interrupt);
            ownFailure = ex instanceof RuntimeException r ? r : new IllegalStateException(ex);
        }
        for (final Thread thread : threads)
        {
            while (thread.isAlive())
            {
                try
                {
                    thread.join(POLL_MILLIS);
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                    threads.forEach(Thread::interrupt);
                }
                if (ownFailure == null)
                {
                    try
                    {
                        reportProgress();
                    }
                    catch (final RuntimeException | Error ex)
                    {
                        // The caller's listener: its failure ends the run, once the workers have stopped.
                        ownFailure = new IllegalStateException("the progress listener threw: " + ex, ex);
                        threads.forEach(Thread::interrupt);
                    }
                }
            }
        }
        if (ownFailure != null)
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
            throw ownFailure;
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for workers (the worker threads stopped at " +
                "their next range first)");
        }
        final Throwable ex = failure.get();
        if (ex != null)
        {
            throw new IllegalStateException("worker thread failed: " + ex, ex);
        }
        return new Stats(0, 0);
    }

    private Stats runProcesses(final int count)
    {
        final List<Process> live = new ArrayList<>();
        int restarts = 0;
        int killed = 0;
        boolean chaosPending = config.chaosKillAt >= 0;
        try
        {
            splitOptions = NewlineGathers.oneShotWorkerJvmOptions(region.params().fileLength(), count);
            for (int i = 0; i < count; i++)
            {
                live.add(start());
            }
            while (!live.isEmpty())
            {
                waitFor(live.get(0));
                final long done = reportProgress();
                if (chaosPending && done >= config.chaosKillAt * ranges)
                {
                    chaosPending = false;
                    killed += kill(live) ? 1 : 0;
                }
                for (final Iterator<Process> it = live.iterator(); it.hasNext(); )
                {
                    final Process p = it.next();
                    if (!p.isAlive())
                    {
                        it.remove();
                        archiveExited(p);
                        if (p.exitValue() != 0)
                        {
                            exits.add(exited(p));
                        }
                        if (p.exitValue() != 0 && restarts < config.maxRestarts && region.countDone() < ranges)
                        {
                            restarts++;
                            live.add(start());
                            break; // the list changed: look again at the next poll
                        }
                    }
                }
            }
        }
        finally
        {
            for (final Process p : live)
            {
                p.destroyForcibly();
            }
            for (final Process p : live)
            {
                archiveExited(p); // killed: a dump it was writing is dropped
            }
        }
        return new Stats(restarts, killed);
    }

    private void archiveExited(final Process p)
    {
        if (archive != null)
        {
            archive.exited(p);
        }
    }

    private Process start()
    {
        final int n = started++;
        final Path log = region.sideFolder().resolve("worker-" + n + ".log");
        try
        {
            Files.createDirectories(log.getParent());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final JavaProcess launcher = JavaProcess.of(ChunkWorker.class).jvmOptions(splitOptions)
            .jvmOptions(config.workerJvmOptions);
        if (n == 0 && config.stopFirstWorkerAfter >= 0)
        {
            launcher.jvmOption("-D" + ChunkWorker.STOP_AFTER_PROPERTY + "=" + config.stopFirstWorkerAfter)
                .jvmOption("-D" + ChunkWorker.STOP_MODE_PROPERTY + "=" + config.stopMode.name().toLowerCase());
        }
        launcher.args(region.region().location().path().toString(), config.file.toString(), jobClass,
            Integer.toString(config.windowBytes)).output(log, log);
        final Process process = archive == null ? launcher.start() : archive.start(launcher);
        config.workerStarted.accept(process);
        return process;
    }

    private static boolean kill(final List<Process> live)
    {
        for (final Process p : live)
        {
            if (p.isAlive())
            {
                p.destroyForcibly(); // SIGKILL: the worker gets no chance to tidy up, as in a real crash
                return true;
            }
        }
        return false;
    }

    private long reportProgress()
    {
        final long done = Math.min(ranges, region.control().get(ChunkRegionDescriptor.DONE_COUNT));
        config.progress.onProgress(done, ranges);
        return done;
    }

    /**
     * @return the failure files in the side folder (each failing worker writes one), by name; none when there is
     *     no side folder yet.
     * @throws IOException when the folder cannot be read.
     */
    private List<Path> failureFiles() throws IOException
    {
        try (java.util.stream.Stream<Path> files = Files.list(region.sideFolder()))
        {
            return files.filter(f -> f.getFileName().toString().startsWith(ChunkWorker.FAILURE_PREFIX)).sorted()
                .toList();
        }
        catch (final java.nio.file.NoSuchFileException ex)
        {
            return List.of();
        }
    }

    /** Removes the failure files of earlier runs from the side folder. */
    private void clearFailures()
    {
        try
        {
            for (final Path file : failureFiles())
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException("cannot clear the failures of an earlier run from " +
                region.sideFolder() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @return whether a worker wrote a failure of its own (the job threw, a line too long, the file changed): a
     *     cause that a plain rerun meets again, unlike a worker killed from outside.
     */
    boolean failureReported()
    {
        try
        {
            return !failureFiles().isEmpty();
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * @return the first failure a worker process reported (one line, its log named), or "" when none did.
     */
    String firstFailure()
    {
        try
        {
            final List<Path> files = failureFiles();
            if (!files.isEmpty())
            {
                return Files.readString(files.get(0), StandardCharsets.UTF_8).strip();
            }
        }
        catch (final IOException ex)
        {
            return String.join("; ", exits);
        }
        // No failure written: a worker that ended without one (System.exit in a job, killed, a JVM crash) is named
        // by its exit code; the run said only "run incomplete: 4 of 5 ranges done".
        return String.join("; ", exits);
    }

    /**
     * @return how a worker ended, for the run's failure message (its exit code, waited for a moment).
     */
    private static String exited(final Process p)
    {
        try
        {
            if (!p.waitFor(1, java.util.concurrent.TimeUnit.SECONDS))
            {
                return "worker " + p.pid() + " stopped answering";
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "worker " + p.pid() + " stopped answering";
        }
        final int code = p.exitValue();
        return "worker " + p.pid() + " exited with code " + code + (code > 128 ? " (killed by signal " + (code - 128) +
            ")" : "");
    }

    private static void waitFor(final Process process)
    {
        try
        {
            process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS); // the poll interval of progress reports
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for workers", ex);
        }
    }
}
