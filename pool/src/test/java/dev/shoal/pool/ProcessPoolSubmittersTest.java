package dev.shoal.pool;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.shoal.core.Region;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Submitting from any number of threads: short-lived platform threads, many at once, and virtual threads where
 * the JDK has them. The pool keeps a bounded set of producer handles, so its participant entries stay bounded
 * however many distinct threads ever submit.
 */
@Timeout(180)
class ProcessPoolSubmittersTest
{
    private static ProcessPool pool;

    @BeforeAll
    static void start()
    {
        pool = ProcessPool.builder(TestHandlers.class).workers(2).logSink(l -> { }).start();
    }

    @AfterAll
    static void closeAndCheckNoChildLeft()
    {
        pool.close();
        ChildJvms.awaitCondition("no child process left", Duration.ofSeconds(30),
            () -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void shouldAcceptOneJobEachFromFiveHundredShortLivedThreads() throws Exception
    {
        final int threads = 500;
        final AtomicReferenceArray<CompletableFuture<Long>> futures = new AtomicReferenceArray<>(threads);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < threads; i++)
        {
            final long argument = i;
            final Thread t = new Thread(() -> futures.set((int)argument, submitSquare(argument, failure)),
                "short-lived-submitter-" + i);
            t.start();
            t.join();
            assertNull(failure.get(), () -> "thread " + argument + " could not submit: " + failure.get());
        }
        assertAllSquares(futures, threads);
        assertParticipantsBounded();
    }

    @Test
    void shouldAcceptJobsFromManyThreadsSubmittingAtOnce() throws Exception
    {
        final int waves = 10;
        final int perWave = 64; // more threads at once than the pool keeps handles
        final AtomicReferenceArray<CompletableFuture<Long>> futures = new AtomicReferenceArray<>(waves * perWave);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int w = 0; w < waves; w++)
        {
            final List<Thread> wave = new ArrayList<>(perWave);
            for (int i = 0; i < perWave; i++)
            {
                final long argument = (long)w * perWave + i;
                wave.add(new Thread(() -> futures.set((int)argument, submitSquare(argument, failure))));
            }
            wave.forEach(Thread::start);
            for (final Thread t : wave)
            {
                t.join();
            }
            assertNull(failure.get(), () -> "a thread could not submit: " + failure.get());
        }
        assertAllSquares(futures, waves * perWave);
        assertParticipantsBounded();
    }

    @Test
    void shouldAcceptJobsFromVirtualThreadsWhereTheJdkHasThem() throws Exception
    {
        final Method startVirtual;
        try
        {
            startVirtual = Thread.class.getMethod("startVirtualThread", Runnable.class);
        }
        catch (final NoSuchMethodException ex)
        {
            assumeTrue(false, "no virtual threads on JDK " + Runtime.version().feature());
            return;
        }
        final int threads = 2000;
        final AtomicReferenceArray<CompletableFuture<Long>> futures = new AtomicReferenceArray<>(threads);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> started = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++)
        {
            final long argument = i;
            final Runnable task = () -> futures.set((int)argument, submitSquare(argument, failure));
            started.add((Thread)startVirtual.invoke(null, task));
        }
        for (final Thread t : started)
        {
            t.join();
        }
        assertNull(failure.get(), () -> "a virtual thread could not submit: " + failure.get());
        assertAllSquares(futures, threads);
        assertParticipantsBounded();
    }

    private static CompletableFuture<Long> submitSquare(final long argument, final AtomicReference<Throwable> failure)
    {
        try
        {
            return pool.submit(TestHandlers.SQUARE, argument);
        }
        catch (final RuntimeException | Error ex)
        {
            failure.compareAndSet(null, ex);
            return null;
        }
    }

    private static void assertAllSquares(final AtomicReferenceArray<CompletableFuture<Long>> futures, final int n)
        throws Exception
    {
        for (int i = 0; i < n; i++)
        {
            assertNotNull(futures.get(i), "future " + i);
            assertEquals((long)i * i, futures.get(i).get(60, TimeUnit.SECONDS), "job " + i);
        }
    }

    /**
     * The workers' consumers and writers, the pool's own handles and its bounded set of submit handles: far
     * fewer than the threads that submitted.
     */
    private static void assertParticipantsBounded()
    {
        try (Region region = Region.open(pool.regionPath().toString()))
        {
            final int live = region.participants().liveCount();
            final int bound = pool.participantBound();
            assertTrue(live <= bound, "live participants=" + live + " bound=" + bound);
            assertTrue(bound < 100, "bound=" + bound + " should not grow with the submitting threads");
        }
    }
}
