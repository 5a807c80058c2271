package dev.shoal.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A poison job in a worker with several threads: its first delivery kills the jobs beside it too (the ring charges
 * every lease of a dead worker), but from the second on it runs alone in its worker, so the jobs that only happened
 * to run beside it complete and it fails alone after maxAttempts. Before the solo rule the neighbours met it again
 * in the restarted worker and failed with it.
 */
@Timeout(120)
class PoisonNeighboursTest
{
    private ProcessPool pool;

    @AfterEach
    void tearDown()
    {
        if (pool != null)
        {
            pool.close();
        }
    }

    @Test
    void shouldFailAPoisonJobAloneWhenItsNeighboursShareItsWorker() throws Exception
    {
        final Queue<String> logs = new ConcurrentLinkedQueue<>();
        pool = ProcessPool.builder(NeighbourHandlers.class).workers(1).threadsPerWorker(4).maxAttempts(3)
            .logSink(logs::add).start();
        final CompletableFuture<byte[]> poison = pool.submit(NeighbourHandlers.POISON, new byte[0]);
        final List<CompletableFuture<byte[]>> neighbours = new ArrayList<>();
        for (long i = 0; i < NeighbourHandlers.NEIGHBOURS; i++)
        {
            neighbours.add(pool.submit(NeighbourHandlers.NEIGHBOUR, Codecs.LONG.encode(i)));
        }
        for (int i = 0; i < neighbours.size(); i++)
        {
            // Charged once, by the death they shared with the poison job's first delivery; never again.
            final long attempt = Codecs.LONG.decode(neighbours.get(i).get(30, TimeUnit.SECONDS));
            assertEquals(2L, attempt, "neighbour " + i + "'s attempt; the pool said: " + logs);
        }
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> poison.get(30, TimeUnit.SECONDS));
        assertInstanceOf(JobFailedException.class, ex.getCause());
        assertTrue(ex.getCause().getMessage().contains("died on each of 3 attempts"), ex.getCause().getMessage());
        assertEquals(3, pool.stats().workerRestarts(), "one death per delivery of the poison job");
    }
}
