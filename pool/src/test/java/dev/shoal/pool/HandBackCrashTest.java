package dev.shoal.pool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.shoal.core.RingCrashPoint;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A worker that hands a redelivered frame back to the ring (its other thread runs a suspect alone) killed at each
 * crash point of the hand-back in turn: the attach of its producer, the offer of the copy, the release of its own
 * lease. The points are not chosen here: a free run records every point the hand-back reaches, in order, and the
 * kill runs halt the worker at the first, the second, ... of them (real worker JVMs, halted as SIGKILL stops them).
 * Whatever the point, both jobs complete once for their callers, with their own results: a death before the copy
 * is published redelivers the lease, one after it leaves both, and the pool keeps the first result.
 */
@Timeout(120)
class HandBackCrashTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRecordAHandBackFromItsOfferToItsRelease() throws Exception
    {
        final List<String> points = recordHandBack(dir);
        assertEquals(WorkerCrashPoint.HAND_BACK_OFFER.toString(), points.get(0), points.toString());
        assertTrue(points.indexOf(RingCrashPoint.OFFER_PUBLISH.toString()) <
            points.indexOf(WorkerCrashPoint.HAND_BACK_RELEASE.toString()), points.toString());
        assertEquals(RingCrashPoint.DONE_CLEAR.toString(), points.get(points.size() - 1), points.toString());
    }

    @Test
    void shouldCompleteBothJobsOnceWhenTheWorkerDiesWithTheCopyPublishedAndItsLeaseHeld() throws Exception
    {
        final List<String> points = recordHandBack(dir.resolve("record"));
        killAt(dir.resolve("kill"), points.indexOf(WorkerCrashPoint.HAND_BACK_RELEASE.toString()) + 1);
    }

    @Tag("soak")
    @TestFactory
    Stream<DynamicTest> shouldCompleteBothJobsOnceWhicheverPointOfTheHandBackTheWorkerDiesAt() throws Exception
    {
        final List<String> points = recordHandBack(dir.resolve("record"));
        final List<DynamicTest> tests = new ArrayList<>();
        for (int k = 1; k <= points.size(); k++)
        {
            final int nth = k;
            tests.add(DynamicTest.dynamicTest("killed at point " + k + " of " + points.size() + ": " +
                points.get(k - 1), () -> killAt(dir.resolve("kill-" + nth), nth)));
        }
        return tests.stream();
    }

    /** Runs the pair with no kill in the halter; returns the points its hand-back reached. */
    private static List<String> recordHandBack(final Path runDir) throws Exception
    {
        Files.createDirectories(runDir);
        try (ProcessPool pool = start(runDir, 0))
        {
            runPair(pool);
            assertEquals(1, pool.stats().workerRestarts(), "only the first worker dies");
        }
        return Files.readAllLines(runDir.resolve("sequence"));
    }

    private static void killAt(final Path runDir, final int nth) throws Exception
    {
        Files.createDirectories(runDir);
        try (ProcessPool pool = start(runDir, nth))
        {
            runPair(pool);
            assertEquals(2, pool.stats().workerRestarts(), "the first worker and the halter died");
            assertEquals(2, pool.stats().completed(), "each job completes once for its caller");
            // A future completes before its entry leaves the pending count (settling): wait for that, not for time.
            ChildJvms.awaitCondition("no job pending", Duration.ofSeconds(30), () -> pool.stats().pending() == 0);
        }
    }

    private static void runPair(final ProcessPool pool) throws Exception
    {
        final CompletableFuture<byte[]> a = pool.submit(HandBackHandlers.PAIR, bytes("a"));
        final CompletableFuture<byte[]> b = pool.submit(HandBackHandlers.PAIR, bytes("b"));
        assertEquals("a", new String(a.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        assertEquals("b", new String(b.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ProcessPool start(final Path runDir, final long haltAt)
    {
        return ProcessPool.builder(HandBackHandlers.class).workers(1).threadsPerWorker(2).maxAttempts(5)
            .initializer(HandBackCrashInitializer.class).logSink(l -> { })
            .jvmOptions(List.of("-Dshoal.test.crashpoints=true", "-Dshoal.test.handBackDir=" + runDir,
                "-Dshoal.test.handBackHaltAt=" + haltAt))
            .start();
    }
}
