package dev.shoal.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.TestHandlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code submitKeyed}, the one-job path: a pool with a journal records each keyed result, and a pool resumed from
 * that journal answers a key it holds at once, without running it, while a new key still runs.
 */
class SubmitKeyedResumeTest
{
    @TempDir
    Path journal;

    /** The pools' regions: here, not under bare names a killed run would leave in the shared folder. */
    @TempDir
    Path regions;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldAnswerAJournaledKeyOnResumeAndRunANewOne() throws Exception
    {
        final String region = regions.resolve("keyed-resume").toString();
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(1).region(region)
            .journal(journal).logSink(line -> { }).start())
        {
            assertEquals(49L, pool.submitKeyed("k1", TestHandlers.SQUARE, 7L).get(60, TimeUnit.SECONDS));
            assertEquals(64L, pool.submitKeyed("k2", TestHandlers.SQUARE, 8L).get(60, TimeUnit.SECONDS));
            pool.join();
            assertEquals(2, pool.stats().journaled(), "both keyed results journaled");
        }
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(1).region(region)
            .journal(journal).resume(true).logSink(line -> { }).start())
        {
            final CompletableFuture<Long> again = pool.submitKeyed("k1", TestHandlers.SQUARE, 7L);
            assertTrue(again.isDone(), "a journaled key is answered at submit");
            assertEquals(49L, again.get());
            assertEquals(81L, pool.submitKeyed("k3", TestHandlers.SQUARE, 9L).get(60, TimeUnit.SECONDS));
            pool.join();
            assertEquals(1, pool.stats().resumed(), "only k1 answered from the journal");
            assertEquals(1, pool.stats().journaled(), "k3 journaled, k1 not again");
        }
    }

    /**
     * A keyed submit to a journaled pool skipped the intake check: taken after shutdown(), and a submitter racing
     * close() left futures that never completed (the pool's last scan of pending jobs ran before they were
     * registered, and no worker read the ring any more). Every future handed out must end.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseKeyedSubmitsOnceClosingAndEndEveryFutureHandedOut() throws Exception
    {
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(1)
            .region(regions.resolve("keyed-shutdown").toString()).journal(journal).logSink(line -> { }).start())
        {
            pool.shutdown();
            org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.RejectedExecutionException.class,
                () -> pool.submitKeyed("after", TestHandlers.SQUARE, 1L), "a keyed submit after shutdown()");
        }
        // A keyed submitter racing close(): before, close() waited for ever for the jobs it kept adding.
        final ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(1)
            .region(regions.resolve("keyed-close").toString()).journal(journal).logSink(line -> { }).start();
        final List<CompletableFuture<Long>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.atomic.AtomicReference<Throwable> refused =
            new java.util.concurrent.atomic.AtomicReference<>();
        final Thread submitter = new Thread(() ->
        {
            for (long i = 0; ; i++)
            {
                try
                {
                    futures.add(pool.submitKeyed("k" + i, TestHandlers.SQUARE, i));
                }
                catch (final Throwable t)
                {
                    refused.set(t);
                    return;
                }
            }
        });
        submitter.start();
        try
        {
            org.agrona.concurrent.IdleStrategy idle = new org.agrona.concurrent.SleepingMillisIdleStrategy(1);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (futures.size() < 2_000 && System.nanoTime() < deadline)
            {
                idle.idle();
            }
            pool.close();
            submitter.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!submitter.isAlive(), "the submitter is refused once the pool closes");
            assertTrue(refused.get() instanceof java.util.concurrent.RejectedExecutionException, "" + refused.get());
            final long open = futures.stream().filter(f -> !f.isDone()).count();
            assertEquals(0, open, "of " + futures.size() + " futures handed out, none may stay open after close");
            org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.RejectedExecutionException.class,
                () -> pool.submitKeyed("late", TestHandlers.SQUARE, 1L), "a keyed submit after close");
        }
        finally
        {
            submitter.interrupt();
            pool.shutdownNow();
        }
    }

    /**
     * The collector stamps the results of one read with one clock read; a read lasts while results keep coming, so
     * jobs submitted during it must not be stamped with its start (records said completed 11 ms before submitted).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldNeverStampACompletionBeforeItsSubmission() throws Exception
    {
        final int jobs = 20_000;
        final String region = regions.resolve("keyed-stamps").toString();
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(2).region(region)
            .journal(journal).logSink(line -> { }).start())
        {
            final List<CompletableFuture<Long>> futures = new ArrayList<>(jobs);
            for (long i = 0; i < jobs; i++)
            {
                futures.add(pool.submitKeyed("k" + i, TestHandlers.SQUARE, i));
            }
            pool.join();
            assertEquals(jobs, pool.stats().journaled());
            assertEquals(49L, futures.get(7).get());
        }
        int results = 0;
        final List<String> early = new ArrayList<>();
        try (JournalTailer tailer = JournalTailer.open(journal))
        {
            for (JournalEntry entry = tailer.next(); entry != null; entry = tailer.next())
            {
                if (entry.record() instanceof ResultRecord r)
                {
                    results++;
                    if (r.completedEpochNanos() < r.submittedEpochNanos() && early.size() < 5)
                    {
                        early.add(r.key() + ": completed " + (r.submittedEpochNanos() - r.completedEpochNanos()) +
                            " ns before it was submitted");
                    }
                }
            }
        }
        assertEquals(jobs, results, "every result journaled");
        assertTrue(early.isEmpty(), String.join("; ", early));
    }
}
