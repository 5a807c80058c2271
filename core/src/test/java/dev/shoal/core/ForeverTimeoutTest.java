package dev.shoal.core;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Wait for ever" written as the longest {@link Duration}: {@code toNanos()} overflowed, and every wait threw
 * ArithmeticException instead of waiting (and a take on a ring with a job ready returned it: the outcome depended on
 * whether a job was there). Each wait below starts on an empty (or full) structure, parks, and is then released.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForeverTimeoutTest
{
    private static final Duration[] FOREVER = { Duration.ofMillis(Long.MAX_VALUE), ChronoUnit.FOREVER.getDuration() };

    @TempDir
    Path dir;

    @Test
    void shouldWaitForEverInTheRingsWaits() throws Exception
    {
        for (final Duration forever : FOREVER)
        {
            try (Region region = Region.create(dir.resolve("ring-" + forever.getSeconds()).toString(),
                RegionSpec.builder().jobRing("jobs", 2, 8).participants(16).build()))
            {
                final JobRing ring = JobRing.open(region, "jobs");
                assertTrue(ring.join(forever, new BackoffIdleStrategy()), "an empty ring is drained at once");
                try (JobProducer producer = ring.producer())
                {
                    final UnsafeBuffer job = new UnsafeBuffer(new byte[8]);
                    final CompletableFuture<Long> taken = waiting(() ->
                    {
                        try (JobConsumer consumer = ring.consumer())
                        {
                            final long[] id = new long[1];
                            assertTrue(consumer.take((jobId, attempt, buffer, offset, length) -> id[0] = jobId,
                                forever, new BackoffIdleStrategy()));
                            consumer.taskDone();
                            return id[0];
                        }
                    });
                    assertTrue(producer.offer(job, 0, 8));
                    assertTrue(taken.get(30, TimeUnit.SECONDS) >= 0, "the waiting take got the job");
                    assertTrue(ring.join(forever, new BackoffIdleStrategy()));

                    assertTrue(producer.offer(job, 0, 8) && producer.offer(job, 0, 8), "the ring is full");
                    final CompletableFuture<Boolean> put = waiting(() ->
                    {
                        try (JobProducer waiter = ring.producer())
                        {
                            return waiter.put(job, 0, 8, forever, new BackoffIdleStrategy());
                        }
                    });
                    try (JobConsumer consumer = ring.consumer())
                    {
                        assertEquals(2, consumer.drain((jobId, attempt, buffer, offset, length) -> { }, 2));
                        assertTrue(put.get(30, TimeUnit.SECONDS), "the waiting put got room");
                        assertEquals(1, consumer.drain((jobId, attempt, buffer, offset, length) -> { }, 3));
                    }
                }
            }
        }
    }

    @Test
    void shouldWaitForEverInTheHeapsTake() throws Exception
    {
        for (final Duration forever : FOREVER)
        {
            try (Region region = Region.create(dir.resolve("heap-" + forever.getSeconds()).toString(),
                RegionSpec.builder().add(ScheduleHeap.spec("timers", 4, 8)).build()))
            {
                final CompletableFuture<Long> taken = waiting(() ->
                {
                    final ScheduleHeap heap = ScheduleHeap.open(region, "timers");
                    try
                    {
                        final ScheduleLease lease = heap.take(forever, new BackoffIdleStrategy());
                        heap.complete(lease);
                        return lease.key();
                    }
                    finally
                    {
                        heap.close();
                    }
                });
                final ScheduleHeap pusher = ScheduleHeap.open(region, "timers");
                pusher.push(5, new byte[8]);
                assertEquals(5, taken.get(30, TimeUnit.SECONDS));
                pusher.close();
            }
        }
    }

    @Test
    void shouldRefuseRegionOptionsWithoutAReadyTimeout()
    {
        assertThrows(NullPointerException.class, () -> new RegionOptions(null, false));
        assertThrows(IllegalArgumentException.class, () -> new RegionOptions(Duration.ofSeconds(-1), false));
    }

    /** Runs {@code wait} on a thread of its own and returns once that thread parks (it waits, not spins past). */
    private static <T> CompletableFuture<T> waiting(final Supplier<T> wait)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                result.complete(wait.get());
            }
            catch (final Throwable t)
            {
                result.completeExceptionally(t);
            }
        });
        thread.setDaemon(true);
        thread.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getState() != Thread.State.TIMED_WAITING && !result.isDone())
        {
            assertTrue(System.nanoTime() - deadline < 0, "the wait never parked");
            Thread.onSpinWait();
        }
        if (result.isCompletedExceptionally())
        {
            result.join(); // the wait threw (ArithmeticException on the old code): fail with it
        }
        return result;
    }
}
