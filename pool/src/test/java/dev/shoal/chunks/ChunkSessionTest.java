package dev.shoal.chunks;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.shoal.core.RegionLocation;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs on a session's warm worker JVMs: the same workers serve run after run, a worker killed between runs or
 * mid-run (SIGKILL) is replaced and its range redone, a failing job fails its run only, and closing the session
 * ends every worker.
 */
@Timeout(90)
class ChunkSessionTest
{
    private final List<ChunkSession> sessions = new ArrayList<>();
    private final List<ProcessHandle> seen = new ArrayList<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @TempDir
    Path dir;
    private String regionsBefore;

    /** Derived region names and the sessions' log folders land in the test's folder, even when a test fails. */
    @BeforeEach
    void regionsInTheTestFolder()
    {
        regionsBefore = System.getProperty(RegionLocation.DIRECTORY_PROPERTY);
        System.setProperty(RegionLocation.DIRECTORY_PROPERTY, dir.resolve("regions").toString());
    }

    @AfterEach
    void closeSessions() throws Exception
    {
        executor.shutdownNow();
        for (final ChunkSession s : sessions)
        {
            s.close();
        }
        for (final ProcessHandle p : seen)
        {
            p.destroyForcibly();
            p.onExit().get(30, TimeUnit.SECONDS);
        }
        if (regionsBefore == null)
        {
            System.clearProperty(RegionLocation.DIRECTORY_PROPERTY);
        }
        else
        {
            System.setProperty(RegionLocation.DIRECTORY_PROPERTY, regionsBefore);
        }
    }

    @Test
    void shouldServeRunAfterRunWithTheSameWorkers()
    {
        final ChunkSession session = session(2);
        final List<ProcessHandle> before = session.processes();
        for (int run = 0; run < 3; run++)
        {
            final byte[] bytes = ChunkFixtures.randomContent(40 + run, 8_000);
            final Path file = ChunkFixtures.write(dir, "run" + run + ".txt", bytes);
            final ChunkOutcome<LineChecksum> o = FileChunks.builder(file).session(session).chunkBytes(1500).build()
                .run(LineChecksumJob.class);
            FileChunksThreadsTest.assertChecksum(bytes, o, "run " + run);
            assertEquals(2, o.workers());
            assertTrue(o.processes());
            assertEquals(0, o.workerRestarts());
        }
        final byte[] bytes = ChunkFixtures.randomContent(49, 3000);
        final Path file = ChunkFixtures.write(dir, "ordered.txt", bytes);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        FileChunks.builder(file).session(session).workers(1).chunkBytes(700).build()
            .runOrdered(TestJobs.UpperCaseLines.class, Channels.newChannel(out));
        final StringBuilder expected = new StringBuilder();
        for (final byte[] line : ChunkFixtures.referenceLines(bytes))
        {
            expected.append(new String(line, StandardCharsets.US_ASCII).toUpperCase()).append('\n');
        }
        assertEquals(expected.toString(), out.toString(StandardCharsets.US_ASCII), "another job, one worker");
        assertEquals(before, session.processes(), "the same worker JVMs served every run");
    }

    @Test
    void shouldReplaceAWorkerKilledBetweenRuns() throws Exception
    {
        final ChunkSession session = session(2);
        final byte[] bytes = ChunkFixtures.randomContent(50, 8_000);
        final Path file = ChunkFixtures.write(dir, "between.txt", bytes);
        FileChunksThreadsTest.assertChecksum(bytes, run(session, file, 1500), "first run");
        final List<ProcessHandle> before = session.processes();
        before.get(0).destroyForcibly(); // SIGKILL while idle
        before.get(0).onExit().get(30, TimeUnit.SECONDS);

        final ChunkOutcome<LineChecksum> o = run(session, file, 1500);
        FileChunksThreadsTest.assertChecksum(bytes, o, "after a worker was killed between runs");
        final List<ProcessHandle> after = session.processes();
        assertNotEquals(before.get(0), after.get(0), "a fresh JVM took the killed worker's slot");
        assertEquals(before.get(1), after.get(1), "the other worker stayed");
    }

    @Test
    void shouldCompleteWhenChaosKillsASessionWorkerMidRun()
    {
        final ChunkSession session = session(2);
        final byte[] bytes = ChunkFixtures.randomContent(51, 20_000);
        final Path file = ChunkFixtures.write(dir, "chaos.txt", bytes);
        run(session, file, 1000); // warm: the kill then lands in a run of warm workers
        final List<ProcessHandle> before = session.processes();
        final ChunkOutcome<LineChecksum> o = FileChunks.builder(file).session(session).chunkBytes(1000)
            .chaosKillAt(0).maxRestarts(2).build().run(LineChecksumJob.class);

        FileChunksThreadsTest.assertChecksum(bytes, o, "after chaos");
        assertEquals(1, o.workersKilled());
        // The survivor may finish every range before the death is seen; then no replacement is needed yet.
        assertTrue(o.workerRestarts() <= 1, o.toString());
        FileChunksThreadsTest.assertChecksum(bytes, run(session, file, 1000), "the next run");
        final List<ProcessHandle> after = session.processes();
        assertEquals(1, (before.get(0).equals(after.get(0)) ? 0 : 1) + (before.get(1).equals(after.get(1)) ? 0 : 1),
            "exactly the killed worker's slot has a fresh JVM: " + before + " -> " + after);
    }

    @Test
    void shouldRedoTheRangeOfAWorkerHaltedHoldingIt()
    {
        final ChunkSession session = session(1);
        final byte[] bytes = ChunkFixtures.randomContent(52, 20_000);
        final Path file = ChunkFixtures.write(dir, "halt.txt", bytes);
        final ChunkOutcome<LineChecksum> o = FileChunks.builder(file).session(session).chunkBytes(2000)
            .maxRestarts(1).stopFirstWorkerAfter(3, ChunkWorker.StopMode.HALT).build().run(LineChecksumJob.class);

        FileChunksThreadsTest.assertChecksum(bytes, o, "after a halted worker");
        assertEquals(1, o.rangesRedone(), "the range the halted worker held");
        assertEquals(1, o.workerRestarts());
    }

    @Test
    void shouldResumeInTheSameSessionAfterSigkillOfAWorkerHoldingARange() throws Exception
    {
        final ChunkSession session = session(1);
        final byte[] bytes = ChunkFixtures.randomContent(53, 20_000);
        final Path file = ChunkFixtures.write(dir, "kill.txt", bytes);
        final Path region = dir.resolve("region");
        final FileChunks first = FileChunks.builder(file).session(session).chunkBytes(2000).region(region)
            .maxRestarts(0).stopFirstWorkerAfter(4, ChunkWorker.StopMode.PAUSE).build();
        final ProcessHandle worker = session.processes().get(0);
        final Future<ChunkOutcome<LineChecksum>> run = executor.submit(() -> first.run(LineChecksumJob.class));

        ChildJvms.awaitCondition("worker paused holding its 5th range", Duration.ofSeconds(30), () ->
            Files.exists(ChunkRegion.sideFolder(region).resolve("paused-" + worker.pid())));
        worker.destroyForcibly(); // SIGKILL, mid-range
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, ex.getCause());
        assertTrue(ex.getCause().getMessage().contains("run incomplete: 4 of "), ex.getCause().getMessage());
        assertTrue(ex.getCause().getMessage().contains(session.logFolder().toString()), "names the session's logs");

        final ChunkOutcome<LineChecksum> o = FileChunks.builder(file).session(session).chunkBytes(2000)
            .region(region).build().run(LineChecksumJob.class);
        FileChunksThreadsTest.assertChecksum(bytes, o, "resumed after SIGKILL");
        assertEquals(4, o.rangesResumed());
        assertEquals(1, o.rangesRedone(), "the range the killed worker held");
        assertTrue(Files.notExists(region), "region deleted once complete");
    }

    /**
     * close() from another thread waited for the run in progress to end (it holds the session's lock throughout):
     * 73 s for a long run, for ever for a hung one. Now the run fails at once, naming why, and close() returns.
     */
    @Test
    void shouldEndARunInProgressWhenTheSessionIsClosed() throws Exception
    {
        final ChunkSession session = ChunkSession.builder().workers(1).start(); // closed here, not by the teardown
        final ProcessHandle worker = session.processes().get(0);
        final Future<ChunkOutcome<LineChecksum>> run = heldRun(session, "closed", 56);

        assertTimeoutPreemptively(Duration.ofSeconds(20), session::close, "close() with a run held in progress");
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
        assertTrue(ex.getCause().getMessage().contains("the chunk session was closed during the run"),
            ex.getCause().getMessage());
        ChildJvms.awaitCondition("the worker gone", Duration.ofSeconds(30), () -> !worker.isAlive());
    }

    /**
     * A run interrupted while it waited for another run to end failed making its region ("cannot create region ...:
     * ClosedByInterruptException"), or, interrupted at its second wait for the session (by reading: a narrow race),
     * sent its commands, failed at its first poll and killed the warm workers it had just sent them to. Now it fails
     * before making or sending anything, naming why, and the session's workers stay.
     */
    @Test
    void shouldLeaveTheWarmWorkersAloneWhenARunIsInterruptedWaitingForTheSession() throws Exception
    {
        final ChunkSession session = session(2);
        final ProcessHandle second = session.processes().get(1);
        final Future<ChunkOutcome<LineChecksum>> held = heldRun(session, "held", 58);
        final Path file = ChunkFixtures.write(dir, "waiting.txt", ChunkFixtures.randomContent(59, 20_000));
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread waiting = new Thread(() ->
        {
            try
            {
                run(session, file, 2000);
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        }, "waiting run");
        // Another run waits too, not interrupted: of several waiting runs, all but the first made their regions
        // before they waited again (the lock was taken only around the workers' part).
        final Path other = ChunkFixtures.write(dir, "other.txt", ChunkFixtures.randomContent(60, 20_000));
        final Future<ChunkOutcome<LineChecksum>> otherRun = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "other run");
            t.setDaemon(true);
            return t;
        }).submit(() -> run(session, other, 2000));
        waiting.start();
        ChildJvms.awaitCondition("the second run waiting for the session", Duration.ofSeconds(30),
            () -> waiting.getState() == Thread.State.BLOCKED);
        waiting.interrupt();
        session.processes().get(0).destroyForcibly(); // ends the held run, on one worker (no restarts allowed)
        assertThrows(ExecutionException.class, () -> held.get(30, TimeUnit.SECONDS));
        waiting.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(waiting.isAlive());
        assertNotNull(failure.get(), "the interrupted run fails");
        assertTrue(failure.get().getMessage().contains("interrupted while waiting for the chunk session"),
            failure.get().getMessage());
        assertFalse(failure.get().getMessage().contains("is kept"), "it made no region: " + failure.get());
        assertNotNull(otherRun.get(30, TimeUnit.SECONDS).result(), "the other waiting run ran");
        assertTrue(second.isAlive(), "the warm worker the interrupted run never used lives on");
        assertEquals(second, session.processes().get(1));
    }

    /** Monitoring during a run: processes() answered only once the run was over (it waited for the run's lock). */
    @Test
    void shouldListItsWorkersWhileARunIsInProgress() throws Exception
    {
        final ChunkSession session = session(1);
        final ProcessHandle worker = session.processes().get(0);
        final Future<ChunkOutcome<LineChecksum>> run = heldRun(session, "busy", 54);

        final List<ProcessHandle> during = assertTimeoutPreemptively(Duration.ofSeconds(10), session::processes,
            "processes() while a run holds the session");
        assertEquals(List.of(worker), during);
        worker.destroyForcibly(); // ends the held run (no restarts allowed)
        assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
    }

    @Test
    void shouldFailOnlyTheRunOfAFailingJobNamingItsCause()
    {
        final ChunkSession session = session(2);
        final Path bad = ChunkFixtures.write(dir, "boom.txt", "a\nboom\nc\n".getBytes(StandardCharsets.US_ASCII));
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () ->
            FileChunks.builder(bad).session(session).region(dir.resolve("bad-region")).maxRestarts(1).build()
                .run(TestJobs.FailingJob.class));
        assertTrue(ex.getMessage().contains("IllegalStateException: boom at offset"), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());

        final byte[] bytes = ChunkFixtures.randomContent(54, 5_000);
        final Path good = ChunkFixtures.write(dir, "good.txt", bytes);
        FileChunksThreadsTest.assertChecksum(bytes, run(session, good, 1000), "the session still works");
    }

    /**
     * A job's Error escaped the worker's command loop; the JVM, kept up by a thread the job had started, answered
     * nothing and the run (and then the session's close) waited for ever. A worker killed mid-run named no cause.
     */
    @Test
    void shouldFailTheRunOfAJobErrorNamingItAndReplaceTheWorker()
    {
        final ChunkSession session = session(1);
        final Path bad = ChunkFixtures.write(dir, "error.txt", "a\nerror\nc\n".getBytes(StandardCharsets.US_ASCII));
        final IllegalStateException ex = assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
            assertThrows(IllegalStateException.class, () -> FileChunks.builder(bad).session(session)
                .region(dir.resolve("error-region")).maxRestarts(1).build().run(TestJobs.FailingJob.class)));
        assertTrue(ex.getMessage().contains("AssertionError: invariant broken at offset"), ex.getMessage());

        final byte[] bytes = ChunkFixtures.randomContent(55, 5_000);
        final Path good = ChunkFixtures.write(dir, "after-error.txt", bytes);
        FileChunksThreadsTest.assertChecksum(bytes, run(session, good, 1000), "a new worker took its place");
    }

    @Test
    void shouldKeepAJobsOwnInputAndOutputAwayFromTheCommands()
    {
        final ChunkSession session = session(2);
        final byte[] bytes = ChunkFixtures.randomContent(56, 8_000);
        final Path file = ChunkFixtures.write(dir, "noisy.txt", bytes);
        final ChunkOutcome<LineChecksum> noisy = FileChunks.builder(file).session(session).chunkBytes(1000)
            .maxRestarts(0).build().run(TestJobs.NoisyJob.class);
        FileChunksThreadsTest.assertChecksum(bytes, noisy, "a job printing fake answers and reading stdin");
        FileChunksThreadsTest.assertChecksum(bytes, run(session, file, 1000), "the next run");
    }

    @Test
    void shouldEndEveryWorkerOnClose() throws Exception
    {
        final ChunkSession session = session(2);
        final byte[] bytes = ChunkFixtures.randomContent(55, 2_000);
        final Path file = ChunkFixtures.write(dir, "close.txt", bytes);
        FileChunksThreadsTest.assertChecksum(bytes, run(session, file, 1000), "a run");
        final List<ProcessHandle> workers = session.processes();
        session.close();
        for (final ProcessHandle p : workers)
        {
            p.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(p.isAlive(), "worker " + p.pid() + " ended");
        }
        assertTrue(Files.notExists(session.logFolder()), "log folder removed");
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> run(session, file, 1000));
        assertTrue(ex.getMessage().contains("session is closed"), ex.getMessage());
    }

    @Test
    void shouldRemoveTheLogFolderOfASessionWhoseJvmWasKilled() throws Exception
    {
        final Path regions = dir.resolve("regions");
        final String folder;
        final long deadPid;
        try (ChildJvms jvms = new ChildJvms(dir))
        {
            final Process owner = jvms.start(SessionOwnerMain.class,
                List.of("-D" + RegionLocation.DIRECTORY_PROPERTY + "=" + regions));
            ChildJvms.awaitCondition("the session's folder is named", Duration.ofSeconds(30),
                () -> jvms.output(owner).contains("folder "));
            folder = jvms.output(owner).lines().filter(l -> l.startsWith("folder ")).findFirst().orElseThrow()
                .substring("folder ".length());
            ChildJvms.awaitCondition("the session's worker started", Duration.ofSeconds(30),
                () -> owner.descendants().findAny().isPresent() && Files.exists(Path.of(folder, "worker-0.log")));
            owner.descendants().forEach(seen::add); // its worker halts by itself; killed after the test if not
            deadPid = owner.pid();
            jvms.kill(owner); // SIGKILL: no close runs, the folder stays behind
        }
        assertTrue(Files.isDirectory(Path.of(folder)), "left behind by the killed session");
        final long pid = ProcessHandle.current().pid();
        final long ticks = dev.shoal.core.ProcessLiveness.currentStartTicks();
        final Path live = sessionFolder(regions, "session-" + pid + "-" + ticks + "-77");
        final Path reused = sessionFolder(regions, "session-" + pid + "-" + (ticks + 1) + "-78");
        final Path liveOld = sessionFolder(regions, "session-" + pid + "-79");
        final Path deadWithNotes = sessionFolder(regions, "session-" + deadPid + "-1-80");
        Files.writeString(deadWithNotes.resolve("notes.txt"), "the user's own");

        session(1); // the next session sweeps

        assertFalse(Files.exists(Path.of(folder)), "the killed session's folder removed: " + folder);
        assertFalse(Files.exists(reused), "a folder whose pid now names another process (other start ticks)");
        assertTrue(Files.exists(live.resolve("worker-0.log")), "a live session's folder stays");
        assertTrue(Files.exists(liveOld.resolve("worker-0.log")), "an older name of a live pid stays");
        assertFalse(Files.exists(deadWithNotes.resolve("worker-0.log")), "a dead session's log removed");
        assertEquals("the user's own", Files.readString(deadWithNotes.resolve("notes.txt")),
            "a file no session writes stays, and its folder with it");
    }

    private static Path sessionFolder(final Path regions, final String name) throws java.io.IOException
    {
        final Path folder = Files.createDirectories(regions.resolve(name));
        Files.writeString(folder.resolve("worker-0.log"), "a worker's log");
        return folder;
    }

    @Test
    void shouldRefuseSettingsThatDoNotFitTheSession()
    {
        final ChunkSession session = session(1);
        final Path file = ChunkFixtures.write(dir, "x.txt", "a\n".getBytes(StandardCharsets.US_ASCII));
        final IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
            () -> FileChunks.builder(file).session(session).workers(2).build());
        assertTrue(tooMany.getMessage().contains("at most the session's 1"), tooMany.getMessage());
        final IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
            () -> FileChunks.builder(file).session(session).processes(false).build());
        assertTrue(threads.getMessage().contains("session"), threads.getMessage());
        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
            () -> ChunkSession.builder().workers(0).start());
        assertTrue(none.getMessage().contains("workers must be 1..64"), none.getMessage());
    }

    /**
     * @return a run on the session's first worker (slot 0) alone, which pauses holding its third range: in progress
     *     until its worker is killed (no restarts).
     */
    private Future<ChunkOutcome<LineChecksum>> heldRun(final ChunkSession session, final String name, final long seed)
    {
        final Path file = ChunkFixtures.write(dir, name + ".txt", ChunkFixtures.randomContent(seed, 20_000));
        final Path region = dir.resolve(name + "-region");
        final FileChunks held = FileChunks.builder(file).session(session).workers(1).chunkBytes(2000).region(region)
            .maxRestarts(0).stopFirstWorkerAfter(2, ChunkWorker.StopMode.PAUSE).build();
        final long worker = session.processes().get(0).pid();
        final Future<ChunkOutcome<LineChecksum>> run = executor.submit(() -> held.run(LineChecksumJob.class));
        ChildJvms.awaitCondition("worker paused holding a range", Duration.ofSeconds(30), () ->
            Files.exists(ChunkRegion.sideFolder(region).resolve("paused-" + worker)));
        return run;
    }

    private ChunkSession session(final int workers)
    {
        final ChunkSession session = ChunkSession.builder().workers(workers).start();
        sessions.add(session);
        seen.addAll(session.processes());
        return session;
    }

    private ChunkOutcome<LineChecksum> run(final ChunkSession session, final Path file, final long chunkBytes)
    {
        final ChunkOutcome<LineChecksum> o = FileChunks.builder(file).session(session).chunkBytes(chunkBytes)
            .build().run(LineChecksumJob.class);
        seen.addAll(session.processes());
        return o;
    }
}
