package dev.shoal.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.shoal.core.JobRingDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobRingTest
{
    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception
    {
        for (int i = toClose.size() - 1; i >= 0; i--)
        {
            toClose.get(i).close();
        }
    }

    private Region region(final int capacity, final int slotBytes)
    {
        final Region region = Region.create(dir.resolve("region").toString(),
            RegionSpec.builder().jobRing("jobs", capacity, slotBytes).participants(16).build());
        toClose.add(region);
        return region;
    }

    private Region reopen()
    {
        final Region region = Region.open(dir.resolve("region").toString());
        toClose.add(region);
        return region;
    }

    private static byte[] job(final long id, final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(id * 31 + i);
        }
        return bytes;
    }

    private static long[] pollOne(final JobConsumer consumer)
    {
        final long[] seen = { -1, 0, -1 };
        final boolean got = consumer.poll((id, attempt, buffer, offset, length) ->
        {
            seen[0] = id;
            seen[1] = attempt;
            seen[2] = length;
            for (int i = 0; i < length; i++)
            {
                assertEquals((byte)(id * 31 + i), buffer.getByte(offset + i), "payload byte " + i + " of job " + id);
            }
        });
        return got ? seen : null;
    }

    @Test
    void shouldRejectBadCapacityAndSlotSizeWithValues()
    {
        final IllegalArgumentException capacity =
            assertThrows(IllegalArgumentException.class, () -> JobRing.spec("r", 12, 64));
        assertTrue(capacity.getMessage().contains("capacity=12"), capacity.getMessage());
        final IllegalArgumentException unaligned =
            assertThrows(IllegalArgumentException.class, () -> JobRing.spec("r", 16, 12));
        assertTrue(unaligned.getMessage().contains("slotBytes=12"), unaligned.getMessage());
        final IllegalArgumentException small =
            assertThrows(IllegalArgumentException.class, () -> JobRing.spec("r", 16, 0));
        assertTrue(small.getMessage().contains("slotBytes=0"), small.getMessage());
    }

    @Test
    void shouldReturnFromEveryWaitAtOnceWhenInterruptedKeepingTheFlag()
    {
        // An idle strategy's park returns at once under a set interrupt flag: take, put and join spun a whole core
        // until their timeouts (a library review measured ~990 ms of CPU per second).
        final Region region = region(2, 16);
        final JobRing ring = JobRing.open(region, "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            assertTrue(producer.offer(job(0, 8), 0, 8));
            assertTrue(producer.offer(job(1, 8), 0, 8)); // full
            final Duration wait = Duration.ofSeconds(20);
            Thread.currentThread().interrupt();
            final long start = System.nanoTime();
            assertFalse(producer.put(new org.agrona.concurrent.UnsafeBuffer(job(2, 8)), 0, 8, wait,
                new BackoffIdleStrategy()), "full ring");
            assertFalse(ring.join(wait, new BackoffIdleStrategy()), "not drained");
            assertTrue(Thread.interrupted(), "the flag stays set");
            assertNotNull(pollOne(consumer));
            consumer.taskDone();
            assertNotNull(pollOne(consumer));
            consumer.taskDone();
            Thread.currentThread().interrupt();
            assertFalse(consumer.take((id, attempt, buffer, offset, length) -> { }, wait, new BackoffIdleStrategy()),
                "empty ring");
            assertTrue(Thread.interrupted(), "the flag stays set");
            assertTrue(System.nanoTime() - start < wait.toNanos(), "returned at once, not at the 20 s timeouts");
        }
    }

    /**
     * A drain moves the shared head once per run; a handler that threw (or closed its handle) skipped that move,
     * and the ring said size=2, not drained, with every job done, until some other reader moved the head.
     */
    @Test
    void shouldLeaveTheHeadWhereTheRunStoppedWhenADrainsHandlerThrows()
    {
        final JobRing ring = JobRing.open(region(8, 16), "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            for (int i = 0; i < 3; i++)
            {
                assertTrue(producer.offer(job(i, 8), 0, 8));
            }
            final RuntimeException boom = assertThrows(RuntimeException.class, () -> consumer.drain(
                (id, attempt, buffer, offset, length) ->
                {
                    if (id == 2)
                    {
                        throw new RuntimeException("boom at " + id);
                    }
                }, 10));
            assertEquals("boom at 2", boom.getMessage());
            consumer.taskDone(); // the job whose handler threw stays held until acknowledged
            assertEquals(0, ring.size(), ring.stats().toString());
            assertTrue(ring.isDrained(), ring.stats().toString());
            assertThrows(IllegalArgumentException.class,
                () -> consumer.drain((id, attempt, buffer, offset, length) -> { }, -1));
        }
    }

    @Test
    void shouldGiveIdsFromZeroAndDeliverPayloadsInOrder()
    {
        final JobRing ring = JobRing.open(region(8, 64), "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            for (int i = 0; i < 5; i++)
            {
                assertTrue(producer.offer(job(i, 10 + i), 0, 10 + i));
            }
            assertEquals(5, ring.size());
            for (int i = 0; i < 5; i++)
            {
                final long[] seen = pollOne(consumer);
                assertNotNull(seen);
                assertEquals(i, seen[0]);
                assertEquals(1, seen[1]);
                assertEquals(10 + i, seen[2]);
                consumer.taskDone();
            }
            assertNull(pollOne(consumer));
            assertEquals(5, ring.submitted());
            assertEquals(5, ring.completed());
            assertTrue(ring.join(Duration.ofSeconds(1), new BackoffIdleStrategy()));
        }
    }

    @Test
    void shouldReportFullAndRejectOversizedJobWithBothSizes()
    {
        final JobRing ring = JobRing.open(region(4, 16), "jobs");
        try (JobProducer producer = ring.producer())
        {
            for (int i = 0; i < 4; i++)
            {
                assertTrue(producer.offer(job(i, 16), 0, 16));
            }
            assertFalse(producer.offer(job(4, 8), 0, 8));
            assertEquals(0, ring.remainingCapacity());
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> producer.offer(new byte[17], 0, 17));
            assertTrue(ex.getMessage().contains("length=17") && ex.getMessage().contains("slotBytes=16"),
                ex.getMessage());
        }
    }

    @Test
    void shouldThrowWhenPollingWhileHoldingAJob()
    {
        final JobRing ring = JobRing.open(region(4, 16), "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            producer.offer(job(0, 8), 0, 8);
            producer.offer(job(1, 8), 0, 8);
            assertNotNull(pollOne(consumer));
            assertThrows(IllegalStateException.class, () -> pollOne(consumer));
            consumer.taskDone();
            assertThrows(IllegalStateException.class, consumer::taskDone);
        }
    }

    @Test
    void shouldRefuseUseFromAnotherThreadAndAfterClose() throws Exception
    {
        final JobRing ring = JobRing.open(region(4, 16), "jobs");
        final JobProducer producer = ring.producer();
        final JobConsumer consumer = ring.consumer();
        final CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                producer.offer(new byte[8], 0, 8);
                return null;
            }
            catch (final IllegalStateException ex)
            {
                return ex;
            }
        });
        assertInstanceOf(IllegalStateException.class, other.get(10, TimeUnit.SECONDS));
        producer.close();
        consumer.close();
        assertThrows(IllegalStateException.class, () -> producer.offer(new byte[8], 0, 8));
        assertThrows(IllegalStateException.class, () -> pollOne(consumer));
    }

    /**
     * An offer while a claim is open moved the handle's claim intent off it: a consumer waiting past the stall
     * budget abandoned the open claim as a dead producer's, the job was lost and, once committed, the ring read
     * full for good in every process. Every way to offer now refuses while a claim is open, and changes nothing.
     */
    @Test
    void shouldRefuseEveryOfferWhileAClaimIsOpen()
    {
        final JobRing ring = JobRing.open(region(4, 16), "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            assertEquals(0, producer.tryClaim(8));
            producer.claimed().putLong(0, 111);
            final UnsafeBuffer four = new UnsafeBuffer(new byte[4]);
            final List<org.junit.jupiter.api.function.Executable> offers = List.of(
                () -> producer.offer(new byte[4], 0, 4),
                () -> producer.offer(four, 0, 4),
                () -> producer.offerBatch(four, new int[]{ 0 }, new int[]{ 4 }, 1),
                () -> producer.put(four, 0, 4, Duration.ofMillis(1), new YieldingIdleStrategy()));
            for (final org.junit.jupiter.api.function.Executable offer : offers)
            {
                final IllegalStateException refused = assertThrows(IllegalStateException.class, offer);
                assertEquals("claim of job 0 still open: commit or abort it first", refused.getMessage());
            }
            final long deadline = System.nanoTime() + 3 * RingRecovery.STALL_NANOS;
            while (System.nanoTime() - deadline < 0)
            {
                assertFalse(consumer.poll((id, attempt, buffer, offset, length) -> fail("nothing published")));
            }
            producer.commit();
            final long[] job = { -1, 0 };
            assertTrue(consumer.poll((id, attempt, buffer, offset, length) ->
            {
                job[0] = id;
                job[1] = buffer.getLong(offset);
            }), "the committed job is delivered, not abandoned");
            assertEquals(0, job[0]);
            assertEquals(111, job[1]);
            consumer.taskDone();
            assertEquals(0, ring.abandoned());
            assertTrue(producer.offer(new byte[4], 0, 4), "the ring takes the next job");
        }
    }

    /** A null handler took a job and then threw, leaving it held: the next poll refused ("still holds job"). */
    @Test
    void shouldRefuseANullHandlerBeforeTakingAJob()
    {
        final JobRing ring = JobRing.open(region(4, 16), "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            assertTrue(producer.offer(job(0, 16), 0, 16));
            assertThrows(NullPointerException.class, () -> consumer.poll(null));
            assertThrows(NullPointerException.class, () -> consumer.drain(null, 4));
            // Nulls are named, before anything is claimed.
            assertEquals("source", assertThrows(NullPointerException.class,
                () -> producer.offer((byte[])null, 0, 4)).getMessage());
            assertEquals("source", assertThrows(NullPointerException.class,
                () -> producer.offer((UnsafeBuffer)null, 0, 4)).getMessage());
            assertEquals("offsets", assertThrows(NullPointerException.class,
                () -> producer.offerBatch(new UnsafeBuffer(new byte[4]), null, new int[]{ 4 }, 1)).getMessage());
            assertEquals("timeout", assertThrows(NullPointerException.class, () -> producer.put(
                new UnsafeBuffer(new byte[4]), 0, 4, null, new YieldingIdleStrategy())).getMessage());
            final long[] job = pollOne(consumer);
            assertNotNull(job, "the job is still there to take");
            assertEquals(0, job[0]);
            consumer.taskDone();
        }
    }

    @Test
    void shouldSkipAbortedClaimsAndCommitInPlace()
    {
        final JobRing ring = JobRing.open(region(8, 32), "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            assertEquals(0, producer.tryClaim(8));
            producer.claimed().putLong(0, 42);
            producer.commit();
            assertEquals(1, producer.tryClaim(8));
            producer.abort();
            assertEquals(2, producer.tryClaim(16));
            assertThrows(IndexOutOfBoundsException.class, () -> producer.claimed().putLong(16, 1));
            producer.claimed().putBytes(0, job(2, 16));
            producer.commit();

            final long[] first = { -1, 0 };
            assertTrue(consumer.poll((id, attempt, buffer, offset, length) ->
            {
                first[0] = id;
                first[1] = buffer.getLong(offset);
            }));
            consumer.taskDone();
            assertEquals(0, first[0]);
            assertEquals(42, first[1]);
            final long[] second = pollOne(consumer);
            assertNotNull(second);
            assertEquals(2, second[0]);
            consumer.taskDone();
            assertEquals(1, ring.aborted());
            assertEquals(2, ring.submitted());
            assertEquals(2, ring.completed());
        }
    }

    @Test
    void shouldOfferBatchAllOrNothing()
    {
        final JobRing ring = JobRing.open(region(4, 16), "jobs");
        final UnsafeBuffer source = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < 3; i++)
        {
            source.putBytes(i * 16, job(i, 16));
        }
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            assertEquals(0, producer.offerBatch(source, new int[]{ 0, 16, 32 }, new int[]{ 16, 16, 16 }, 3));
            assertEquals(JobProducer.FULL, producer.offerBatch(source, new int[]{ 0, 16 }, new int[]{ 16, 16 }, 2));
            assertEquals(3, consumer.drain((id, attempt, buffer, offset, length) -> { }, 10));
            assertEquals(3, ring.completed());
        }
    }

    @Test
    void shouldReportCorruptSlotLengthWithoutFollowingIt()
    {
        final Region region = region(4, 16);
        final JobRing ring = JobRing.open(region, "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            producer.offer(job(0, 8), 0, 8);
            producer.offer(job(1, 8), 0, 8);
            region.buffer().putInt(ring.slotOffsetOf(0) + SLOT_LENGTH_OFFSET, 1 << 20);
            final RegionFormatException ex = assertThrows(RegionFormatException.class, () -> pollOne(consumer));
            assertTrue(ex.getMessage().contains("length=1048576"), ex.getMessage());
            final long[] next = pollOne(consumer);
            assertNotNull(next);
            assertEquals(1, next[0]);
            assertEquals(1, ring.abandoned());
        }
    }

    @Test
    void shouldRejectCorruptRingHeaderOnOpen()
    {
        final Region region = region(4, 16);
        final int base = (int)region.structure("jobs").offset();
        region.buffer().putInt(base + CAPACITY_OFFSET, 5);
        final RegionFormatException ex = assertThrows(RegionFormatException.class, () -> JobRing.open(region, "jobs"));
        assertTrue(ex.getMessage().contains("capacity=5"), ex.getMessage());
        region.buffer().putInt(base + CAPACITY_OFFSET, 4);
        region.buffer().putLong(base + MAGIC_OFFSET, 7);
        assertThrows(RegionFormatException.class, () -> JobRing.open(region, "jobs"));
    }

    @Test
    void shouldRedeliverLeaseOfDetachedConsumerWithNextAttempt()
    {
        final JobRing ring = JobRing.open(region(4, 16), "jobs");
        final Region other = reopen();
        final JobRing otherRing = JobRing.open(other, "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer survivor = ring.consumer())
        {
            producer.offer(job(0, 8), 0, 8);
            final JobConsumer victim = otherRing.consumer();
            assertNotNull(pollOne(victim));
            other.close(); // detaches the victim's participant without closing the handle: its token is dead
            assertEquals(1, ring.stats().orphanedLeases());

            final long[] again = takeOne(survivor);
            assertEquals(0, again[0]);
            assertEquals(2, again[1]);
            survivor.taskDone();
            assertEquals(1, ring.redelivered());
            assertEquals(1, ring.completed());
            assertTrue(ring.join(Duration.ofSeconds(5), new YieldingIdleStrategy()));
        }
    }

    /**
     * A drain hands jobs over in their slots; a handler that throws must not leave its job pinning the slot: the
     * job is moved into the record (still held, unacknowledged) and the slot released for the producers.
     */
    @Test
    void shouldReleaseTheSlotOfAJobWhoseDrainHandlerThrows()
    {
        final JobRing ring = JobRing.open(region(2, 16), "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer other = ring.consumer())
        {
            producer.offer(job(0, 16), 0, 16);
            producer.offer(job(1, 16), 0, 16);
            final JobConsumer consumer = ring.consumer();
            final IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                consumer.drain((id, attempt, buffer, offset, length) ->
                {
                    throw new IllegalStateException("handler failed on job " + id);
                }, 10));
            assertEquals("handler failed on job 0", thrown.getMessage());
            assertTrue(consumer.holdsJob());
            assertEquals(0, consumer.heldJobId());
            assertTrue(producer.offer(job(2, 16), 0, 16), "job 0's slot must be free again for sequence 2");
            assertFalse(producer.offer(job(3, 16), 0, 16), "job 1 still fills the other slot");

            consumer.close(); // gives job 0 back: redelivered from the record's copy
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                final long[] seen = takeOne(other);
                ids.add(seen[0]);
                assertEquals(seen[0] == 0 ? 2 : 1, seen[1], "attempt of job " + seen[0]);
                other.taskDone();
            }
            assertEquals(List.of(0L, 1L, 2L), ids.stream().sorted().toList());
            assertEquals(3, ring.completed());
            assertEquals(3, ring.submitted());
        }
    }

    /**
     * A drainer that dies after its handler ran but before it acknowledged: the job is still in its slot, named by
     * the record; the recoverer copies it out of the slot and redelivers it, intact, counted once when done.
     */
    @Test
    void shouldRedeliverAJobLeasedInPlaceWhenItsDrainerDies()
    {
        final JobRing ring = JobRing.open(region(4, 64), "jobs");
        final Region other = reopen();
        final JobRing otherRing = JobRing.open(other, "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer survivor = ring.consumer())
        {
            producer.offer(job(0, 40), 0, 40);
            final JobConsumer victim = otherRing.consumer();
            // The handler detaches the victim's participant (its token is dead); the drain then fails to acknowledge.
            assertThrows(IllegalStateException.class, () -> victim.drain((id, attempt, buffer, offset, length) ->
                other.close(), 10));
            assertEquals(1, ring.stats().orphanedLeases());

            final long[] again = takeOne(survivor); // checks every payload byte
            assertEquals(0, again[0]);
            assertEquals(2, again[1]);
            assertEquals(40, again[2]);
            survivor.taskDone();
            assertEquals(1, ring.redelivered());
            assertEquals(1, ring.completed());
            assertTrue(producer.offer(job(1, 40), 0, 40));
            assertEquals(1, takeOne(survivor)[0]);
            survivor.taskDone();
            assertTrue(ring.join(Duration.ofSeconds(5), new YieldingIdleStrategy()));
        }
    }

    @Test
    void shouldAbandonClaimOfDetachedProducerAndCarryOn()
    {
        final JobRing ring = JobRing.open(region(4, 16), "jobs");
        final Region other = reopen();
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            final JobProducer dead = JobRing.open(other, "jobs").producer();
            assertEquals(0, dead.tryClaim(8));
            producer.offer(job(1, 8), 0, 8);
            assertNull(pollOne(consumer)); // stalled on the unpublished claim
            other.close();

            final long[] next = takeOne(consumer);
            assertEquals(1, next[0]);
            consumer.taskDone();
            assertEquals(1, ring.abandoned());
            assertTrue(ring.join(Duration.ofSeconds(5), new YieldingIdleStrategy()));
        }
    }

    @Test
    void shouldNotAbandonClaimOfLiveSlowProducer()
    {
        final JobRing ring = JobRing.open(region(4, 16), "jobs");
        try (JobProducer slow = ring.producer(); JobProducer fast = ring.producer(); JobConsumer consumer =
            ring.consumer())
        {
            assertEquals(0, slow.tryClaim(8));
            fast.offer(job(1, 8), 0, 8);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            while (System.nanoTime() - deadline < 0)
            {
                assertNull(pollOne(consumer));
            }
            assertEquals(0, ring.recoverDeadLeases());
            slow.claimed().putBytes(0, job(0, 8));
            slow.commit();
            assertEquals(0, takeOne(consumer)[0]);
            consumer.taskDone();
            assertEquals(0, ring.abandoned());
        }
    }

    @Test
    void shouldFinishTakeOfConsumerThatDiedBetweenTakingAndCopying()
    {
        final Region region = region(4, 16);
        final JobRing ring = JobRing.open(region, "jobs");
        final Region other = reopen();
        try (JobProducer producer = ring.producer(); JobConsumer survivor = ring.consumer())
        {
            producer.offer(job(0, 8), 0, 8);
            final JobConsumer victim = JobRing.open(other, "jobs").consumer();
            final int lease = leaseOf(region, ring, victim.token());
            // the victim's first two steps of a take, then death: sequence noted, slot TAKEN, nothing copied
            region.buffer().putLong(ring.leaseOffset(lease) + LEASE_SEQUENCE_OFFSET, 0);
            assertTrue(region.buffer().compareAndSetLong(ring.slotOffsetOf(0), slotWord(0, SLOT_PUBLISHED, 0),
                slotWord(0, SLOT_TAKEN, lease)));
            region.buffer().putLongVolatile(ring.headOffset(), 1);
            other.close();
            assertFalse(ring.isDrained());

            assertEquals(1, ring.recoverDeadLeases());
            final long[] again = takeOne(survivor);
            assertEquals(0, again[0]);
            assertEquals(1, again[1]);
            survivor.taskDone();
            assertEquals(0, ring.redelivered());
            assertTrue(ring.join(Duration.ofSeconds(5), new YieldingIdleStrategy()));
        }
    }

    @Test
    void shouldJoinOnlyWhenEveryJobIsDone() throws ExecutionException, InterruptedException
    {
        final JobRing ring = JobRing.open(region(8, 16), "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            producer.offer(job(0, 8), 0, 8);
            producer.offer(job(1, 8), 0, 8);
            assertFalse(ring.join(Duration.ofMillis(20), new YieldingIdleStrategy()));
            assertNotNull(pollOne(consumer));
            consumer.taskDone();
            assertNotNull(pollOne(consumer));
            final CompletableFuture<Boolean> join =
                CompletableFuture.supplyAsync(() -> ring.join(Duration.ofSeconds(10), new BackoffIdleStrategy()));
            assertFalse(ring.join(Duration.ofMillis(20), new YieldingIdleStrategy()));
            assertFalse(join.isDone());
            consumer.taskDone();
            assertTrue(join.get());
            assertEquals(ring.submitted(), ring.completed());
        }
    }

    private static int leaseOf(final Region region, final JobRing ring, final long token)
    {
        for (int i = 0; i < ring.leaseCount(); i++)
        {
            if (leaseToken(region.buffer().getLongVolatile(ring.leaseOffset(i))) == token)
            {
                return i;
            }
        }
        throw new AssertionError("no lease record for token " + token);
    }

    private static long[] takeOne(final JobConsumer consumer)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadline < 0)
        {
            final long[] seen = pollOne(consumer);
            if (seen != null)
            {
                return seen;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no job within 10 s");
    }
}
