package dev.shoal.core;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An offer publishes with a plain release store, safe only while its handle's intent still names the claim. A
 * {@code close()} from another thread (allowed: a pool closes the handles of threads it believes done) races
 * that: the two sides of the handshake are tested here with the owner held at a crash point, so each ordering is
 * staged, not hoped for. Either the close waits for the offer in flight (and a consumer past its stall budget
 * never abandons the claim meanwhile), or the owner sees the close after its claim and gives the claim back.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobProducerForeignCloseTest
{
    @TempDir
    Path dir;

    @AfterEach
    void removeHook()
    {
        CrashPoints.install(null);
    }

    @Test
    void shouldLetAnOfferInFlightPublishBeforeAForeignCloseDetachesItsHandle() throws Exception
    {
        try (Region region = region())
        {
            final JobRing ring = JobRing.open(region, "jobs");
            final Owner owner = new Owner(ring, RingCrashPoint.OFFER_WRITE); // claimed, not yet written
            final CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> owner.producer().close());
            awaitTrue(() -> owner.producer().isClosed(), "the close has begun");
            try (JobConsumer consumer = ring.consumer())
            {
                // Past the stall budget (1 ms) a consumer looks for the claimant; the handle is still attached
                // with its intent, so the claim is not abandoned.
                final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
                while (System.nanoTime() - until < 0)
                {
                    assertFalse(consumer.poll((id, attempt, buffer, offset, length) -> fail("job before publish")));
                }
                assertFalse(closing.isDone(), "the close waits for the offer in flight");
                assertEquals(0, ring.abandoned());

                owner.resume();
                assertEquals(Boolean.TRUE, owner.outcome(), "the offer published");
                closing.get(10, TimeUnit.SECONDS);
                assertEquals(42, takeOne(consumer, "the job is delivered"));
                assertEquals(0, ring.abandoned());
                assertEquals(0, ring.aborted());
            }
        }
    }

    @Test
    void shouldGiveTheClaimBackWhenAForeignCloseBeganBeforeTheTailCas() throws Exception
    {
        try (Region region = region())
        {
            final JobRing ring = JobRing.open(region, "jobs");
            final Owner owner = new Owner(ring, RingCrashPoint.OFFER_TAIL_CAS); // intent written, not claimed
            final CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> owner.producer().close());
            awaitTrue(() -> owner.producer().isClosed(), "the close has begun");
            owner.resume();
            final Object outcome = owner.outcome();
            assertInstanceOf(IllegalStateException.class, outcome);
            assertTrue(((Throwable)outcome).getMessage().contains("closed by another thread"), outcome.toString());
            closing.get(10, TimeUnit.SECONDS);
            assertEquals(1, ring.aborted(), "the claim was given back");
            try (JobProducer next = ring.producer(); JobConsumer consumer = ring.consumer())
            {
                assertTrue(next.offer(job(7), 0, 16));
                assertEquals(7, takeOne(consumer, "the next job is delivered past the given-back slot"));
            }
        }
    }

    @Test
    void shouldLetAnOpenClaimBeCommittedBeforeAForeignCloseDetachesItsHandle() throws Exception
    {
        try (Region region = region())
        {
            final JobRing ring = JobRing.open(region, "jobs");
            final AtomicReference<JobProducer> producer = new AtomicReference<>();
            final CountDownLatch claimedLatch = new CountDownLatch(1);
            final CountDownLatch commit = new CountDownLatch(1);
            final CompletableFuture<Long> committed = new CompletableFuture<>();
            final Thread owner = new Thread(() ->
            {
                try
                {
                    producer.set(ring.producer());
                    final long id = producer.get().tryClaim(16);
                    producer.get().claimed().putLong(0, 42);
                    claimedLatch.countDown();
                    assertTrue(commit.await(20, TimeUnit.SECONDS));
                    producer.get().commit(); // after the close began: still published, the close waits for it
                    committed.complete(id);
                }
                catch (final Throwable t)
                {
                    committed.completeExceptionally(t);
                }
            }, "owner");
            owner.start();
            assertTrue(claimedLatch.await(10, TimeUnit.SECONDS));
            final CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> producer.get().close());
            awaitTrue(() -> producer.get().isClosed(), "the close has begun");
            assertFalse(closing.isDone(), "the close waits for the open claim");
            commit.countDown();
            assertEquals(0L, committed.get(10, TimeUnit.SECONDS));
            closing.get(10, TimeUnit.SECONDS);
            try (JobConsumer consumer = ring.consumer())
            {
                assertEquals(42, takeOne(consumer, "the committed job is delivered"));
                assertEquals(0, ring.abandoned());
            }
        }
    }

    /** Waits for one job, acknowledges it and returns its first long. */
    private static long takeOne(final JobConsumer consumer, final String what)
    {
        final long[] got = { -1 };
        awaitTrue(() -> consumer.poll((id, attempt, buffer, offset, length) -> got[0] = buffer.getLong(offset)), what);
        consumer.taskDone();
        return got[0];
    }

    private Region region()
    {
        return Region.create(dir.resolve("region").toString(),
            RegionSpec.builder().jobRing("jobs", 4, 16).participants(16).build());
    }

    private static UnsafeBuffer job(final long value)
    {
        final UnsafeBuffer job = new UnsafeBuffer(new byte[16]);
        job.putLong(0, value);
        return job;
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadline < 0, "timed out waiting for: " + what);
            Thread.onSpinWait();
        }
    }

    /** A thread that attaches a producer and offers job 42, held at {@code point} until resumed. */
    private static final class Owner
    {
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch resume = new CountDownLatch(1);
        private final AtomicReference<JobProducer> producer = new AtomicReference<>();
        private final CompletableFuture<Object> outcome = new CompletableFuture<>();

        Owner(final JobRing ring, final RingCrashPoint point) throws InterruptedException
        {
            final Thread thread = new Thread(() ->
            {
                producer.set(ring.producer());
                try
                {
                    outcome.complete(producer.get().offer(job(42), 0, 16));
                }
                catch (final RuntimeException ex)
                {
                    outcome.complete(ex);
                }
            }, "owner");
            CrashPoints.install(p ->
            {
                if (p == point && Thread.currentThread() == thread)
                {
                    held.countDown();
                    try
                    {
                        assertTrue(resume.await(20, TimeUnit.SECONDS));
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            thread.start();
            assertTrue(held.await(10, TimeUnit.SECONDS), "the owner reached " + point);
        }

        JobProducer producer()
        {
            return producer.get();
        }

        void resume()
        {
            resume.countDown();
        }

        Object outcome() throws Exception
        {
            return outcome.get(10, TimeUnit.SECONDS);
        }
    }
}
