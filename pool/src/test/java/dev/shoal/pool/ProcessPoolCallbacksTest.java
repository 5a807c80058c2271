package dev.shoal.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Where futures complete: never on the pool's result reader, so that a callback that blocks (here: one that
 * submits a follow-up job into a full ring) cannot stop the delivery of results.
 */
@Timeout(180)
class ProcessPoolCallbacksTest
{
    private ProcessPool pool;
    private Thread submitter;

    @AfterEach
    void closeAndCheckNoChildLeft() throws InterruptedException
    {
        if (pool != null)
        {
            pool.shutdownNow();
        }
        if (submitter != null)
        {
            submitter.join(TimeUnit.SECONDS.toMillis(60));
        }
        ChildJvms.awaitCondition("no child process left", Duration.ofSeconds(30),
            () -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive));
    }

    /**
     * A small ring and a small result buffer: once a callback on the reader waits for a ring slot, the workers
     * fill the result buffer and wait for the reader, and nobody empties the ring any more.
     */
    @Test
    void shouldDeliverResultsWhileCallbacksSubmitIntoAFullRing() throws Exception
    {
        pool = ProcessPool.builder(TestHandlers.class).workers(2).ringCapacity(16).resultBufferBytes(4096)
            .logSink(l -> { }).start();
        final int jobs = 5_000;
        final List<CompletableFuture<Long>> chained = new ArrayList<>(jobs);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        submitter = new Thread(() ->
        {
            try
            {
                for (long i = 0; i < jobs; i++)
                {
                    final CompletableFuture<Long> f = pool.submit(TestHandlers.SQUARE, i)
                        .thenCompose(sq -> pool.submit(TestHandlers.SQUARE, sq + 1));
                    synchronized (chained)
                    {
                        chained.add(f);
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                failure.set(ex);
            }
        }, "chained-submitter");
        submitter.start();
        submitter.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(submitter.isAlive(), "submitting " + jobs + " jobs did not finish: result delivery is stuck");
        assertNull(failure.get());
        final CompletableFuture<Void> all;
        synchronized (chained)
        {
            all = CompletableFuture.allOf(chained.toArray(new CompletableFuture<?>[0]));
        }
        try
        {
            all.get(60, TimeUnit.SECONDS);
        }
        catch (final TimeoutException ex)
        {
            fail("follow-up jobs did not complete: result delivery is stuck; " + pool.stats());
        }
        for (int i = 0; i < jobs; i++)
        {
            final long sq = (long)i * i;
            assertEquals((sq + 1) * (sq + 1), chained.get(i).join(), "job " + i);
        }
    }

    @Test
    void shouldKeepReadingResultsWhileACallbackBlocks() throws Exception
    {
        pool = ProcessPool.builder(TestHandlers.class).workers(1).logSink(l -> { }).start();
        final Thread test = Thread.currentThread();
        final CountDownLatch release = new CountDownLatch(1);
        // The single worker parks first, so the next job's callback is attached long before its result comes (a
        // second: a test thread descheduled that long between two calls is not a loaded machine's usual stall).
        final CompletableFuture<Long> parked = pool.submit(TestHandlers.PARK, 1_000L);
        final CompletableFuture<Long> blocked = pool.submit(TestHandlers.SQUARE, 3L);
        final CompletableFuture<Long> blocking = blocked.thenApply(x ->
        {
            if (Thread.currentThread() != test)
            {
                awaitUninterruptibly(release); // a callback that blocks the thread completing the future
            }
            return x;
        });
        assertFalse(blocking.isDone(), "the callback ran on the submitting thread: the job finished too early");
        // Not blocked.get(): CompletableFuture wakes a thread waiting on a future from the completing thread, after
        // the callbacks attached to it, so that waiter would wait for the blocked callback too.
        ChildJvms.awaitCondition("the first result", Duration.ofSeconds(30), blocked::isDone);
        assertEquals(9L, blocked.getNow(-1L));
        // The callback holds the thread that completed the future. With the default single completion thread the
        // next futures wait behind it, but the reader goes on reading: every result comes in.
        final List<CompletableFuture<Long>> more = new ArrayList<>();
        for (long i = 0; i < 100; i++)
        {
            more.add(pool.submit(TestHandlers.SQUARE, i));
        }
        ChildJvms.awaitCondition("results read while a callback blocks", Duration.ofSeconds(30),
            () -> pool.stats().completed() >= 102);
        release.countDown();
        assertEquals(9L, blocking.get(30, TimeUnit.SECONDS));
        assertEquals(1_000L, parked.get(30, TimeUnit.SECONDS));
        for (int i = 0; i < more.size(); i++)
        {
            assertEquals((long)i * i, more.get(i).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRunCallbacksOnTheConfiguredCompletionExecutorAndJoinUntilTheyComplete() throws Exception
    {
        final ExecutorService executor = Executors.newFixedThreadPool(2, r -> new Thread(r, "my-completions"));
        try
        {
            pool = ProcessPool.builder(TestHandlers.class).workers(1).completionExecutor(executor)
                .logSink(l -> { }).start();
            final Thread test = Thread.currentThread();
            final Set<String> threads = ConcurrentHashMap.newKeySet();
            final List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (long i = 0; i < 200; i++)
            {
                final CompletableFuture<Long> f = pool.submit(TestHandlers.SQUARE, i);
                f.whenComplete((r, t) ->
                {
                    if (Thread.currentThread() != test) // a callback attached after completion runs here
                    {
                        threads.add(Thread.currentThread().getName());
                    }
                });
                futures.add(f);
            }
            pool.join();
            for (int i = 0; i < futures.size(); i++)
            {
                assertTrue(futures.get(i).isDone(), "join returns once every future is complete: " + i);
                assertEquals((long)i * i, futures.get(i).join());
            }
            assertEquals(Set.of("my-completions"), threads);
        }
        finally
        {
            pool.close();
            pool = null;
            executor.shutdown();
            assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    private static void awaitUninterruptibly(final CountDownLatch latch)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                latch.await();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
