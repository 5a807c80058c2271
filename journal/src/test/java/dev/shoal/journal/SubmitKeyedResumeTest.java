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
