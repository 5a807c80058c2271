package dev.shoal.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.shoal.core.JobRingDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One test per crash-safety hole of the job ring found by review (issue 11) or by the schedule search, each staging
 * the exact state the hole needs; each failed before its fix.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobRingCrashHolesTest
{
    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception
    {
        CrashPoints.install(null);
        for (int i = toClose.size() - 1; i >= 0; i--)
        {
            toClose.get(i).close();
        }
    }

    private Region region(final int capacity, final int participants)
    {
        return region("region", capacity, participants);
    }

    private Region region(final String name, final int capacity, final int participants)
    {
        final Region region = Region.create(dir.resolve(name).toString(),
            RegionSpec.builder().jobRing("jobs", capacity, 16).participants(participants).build());
        toClose.add(region);
        return region;
    }

    private static UnsafeBuffer job(final long value)
    {
        final UnsafeBuffer job = new UnsafeBuffer(new byte[16]);
        job.putLong(0, value);
        job.putLong(8, RingCrashScenarios.checkWord(value));
        return job;
    }

    /** Polls one job: its value, or -1 when none; fails on a torn job. */
    private static long poll(final JobConsumer consumer)
    {
        final long[] value = { -1 };
        if (consumer.poll((id, attempt, buffer, offset, length) ->
        {
            value[0] = buffer.getLong(offset);
            assertEquals(RingCrashScenarios.checkWord(value[0]), buffer.getLong(offset + 8), "torn job " + id);
        }))
        {
            consumer.taskDone();
        }
        return value[0];
    }

    private static long take(final JobConsumer consumer)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadline < 0)
        {
            final long value = poll(consumer);
            if (value >= 0)
            {
                return value;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("stall: no job within 10 s");
    }

    private static void kill(final Region region, final long token)
    {
        final CrashActor victim = new CrashActor("victim");
        victim.owns(token);
        CrashExplorer.killTokens(region, victim);
        victim.stop();
    }

    @Test
    void hole1ShouldNotStallWhenRecoveryRunsBeforeAnyTakeReachesAConsumerThatDiedBeforeMovingTheHead()
    {
        final Region region = region(4, 16);
        final JobRing ring = JobRing.open(region, "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer survivor = ring.consumer())
        {
            producer.offer(job(100), 0, 16);
            final JobConsumer victim = ring.consumer();
            final int lease = leaseOf(ring, victim.token());
            // The victim's take up to its slot CAS, then death: sequence noted, slot TAKEN, head NOT moved.
            region.buffer().putLong(ring.leaseOffset(lease) + LEASE_SEQUENCE_OFFSET, 0);
            assertTrue(region.buffer().compareAndSetLong(ring.slotOffsetOf(0), slotWord(0, SLOT_PUBLISHED, 0),
                slotWord(0, SLOT_TAKEN, lease)));
            kill(region, victim.token());

            ring.recoverDeadLeases(); // before any take reaches the head
            final List<Long> seen = new ArrayList<>();
            for (long v = 1; v <= 7; v++)
            {
                assertTrue(producer.offer(job(v), 0, 16), "offer " + v);
                seen.add(take(survivor));
            }
            seen.add(take(survivor));
            seen.sort(Long::compare);
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 100L), seen);
            assertTrue(ring.join(Duration.ofSeconds(5), new YieldingIdleStrategy()));
            assertEquals(8, ring.submitted());
            assertEquals(8, ring.completed());
        }
    }

    /**
     * The recoverer is paused at each of its crash points in turn (its first hit, its second, ... until it runs to
     * its end without reaching the next), not only at the sequence read the hole was found at: a recoverer that
     * read anything after giving the record away would be paused after the hand-off at one of them.
     */
    @Test
    void hole2ShouldNeverLetAPausedRecovererActOnARecordItNoLongerOwns()
    {
        final List<CrashPoint> pausedAt = new ArrayList<>();
        for (int hit = 1; ; hit++)
        {
            final CrashPoint point = hole2PausedAt(hit);
            if (point == null)
            {
                break; // the recoverer ended before its hit-th point
            }
            pausedAt.add(point);
        }
        assertTrue(pausedAt.contains(RingCrashPoint.RECOVER_READ_SEQUENCE), "the recoverer paused at " + pausedAt);
    }

    /**
     * One case of hole 2: the recoverer paused at its {@code hit}-th crash point while the others go on.
     *
     * @return the point it paused at, or null when it ended before reaching its {@code hit}-th.
     */
    private CrashPoint hole2PausedAt(final int hit)
    {
        // Entries: 0 producer, 1 the victim, 2 the recoverer, 3 a blocker attached once the others have left. The
        // newcomer then finds no free entry and reclaims the dead victim's entry 1, so it prefers record 1: the
        // victim's record, had the recoverer given it away. (An earlier version left entry 3 free; the newcomer
        // took it and record 3, and the test no longer staged the hole: hence the check below.)
        final Region region = region("hole2-" + hit, 2, 4);
        final JobRing ring = JobRing.open(region, "jobs");
        final Map<String, CrashActor> actors = new HashMap<>();
        final CrashActor recoverer = new CrashActor("recoverer");
        final CrashActor newcomer = new CrashActor("newcomer");
        actors.put("recoverer", recoverer);
        actors.put("newcomer", newcomer);
        final CrashPoint[] stopAt = { null, null };
        final int[] recovererHits = { 0 };
        CrashPoints.install(point ->
        {
            final CrashActor actor = CrashActor.current();
            if (actor == recoverer && ++recovererHits[0] == hit)
            {
                stopAt[0] = point;
                actor.stopHere(false);
            }
            else if (actor == newcomer && point == stopAt[1])
            {
                stopAt[1] = null;
                actor.stopHere(false);
            }
        });
        try (JobProducer producer = ring.producer())
        {
            producer.offer(job(1), 0, 16);
            final JobConsumer victim = ring.consumer();
            final Participant supervisor = region.attach(Role.SUPERVISOR);
            toClose.add(supervisor);
            final int victimLease = leaseOf(ring, victim.token());
            stageDeathBetweenLeaseAndRelease(region, ring, victim);

            // The recoverer stops at its hit-th point (at the sequence read: where the hole was found).
            recoverer.submit(() -> ring.recoverDeadLeases(supervisor.token()));
            final CrashActor.Outcome outcome = recoverer.await(10_000);
            if (outcome == CrashActor.Outcome.DONE)
            {
                return null;
            }
            assertEquals(CrashActor.Outcome.STOPPED, outcome, "recoverer before its point " + hit + ": " +
                recoverer.failure());
            final String at = "recoverer paused at its point " + hit + ", " + stopAt[0].id() + ": ";

            // Meanwhile everyone else does all it can: take whatever is pending, finish it, leave, and a newcomer
            // reserves a record and takes a new job, stopping midway (slot TAKEN, not yet copied).
            final List<Long> seen = new ArrayList<>();
            pollFor(ring, seen, 200);
            toClose.add(region.attach(Role.SUPERVISOR)); // the blocker: the table's last free entry
            assertTrue(producer.offer(job(2), 0, 16));
            stopAt[1] = RingCrashPoint.TAKE_COPY;
            final JobConsumer[] held = new JobConsumer[1];
            newcomer.submit(() ->
            {
                held[0] = ring.consumer();
                final long v = poll(held[0]);
                synchronized (seen)
                {
                    seen.add(v);
                }
            });
            assertEquals(CrashActor.Outcome.STOPPED, newcomer.await(10_000));
            // Staging: the newcomer prefers the victim's record, which it takes had the recoverer given it away.
            assertEquals(victimLease, ParticipantTable.indexOf(held[0].token()),
                at + "staging: the newcomer must attach into the victim's entry, or this test tests nothing");

            // The recoverer resumes and finishes; a producer reuses whatever slot is free, a lap's worth, so that a
            // slot freed under the newcomer would be overwritten before it copies; the newcomer resumes.
            recoverer.resume();
            assertEquals(CrashActor.Outcome.DONE, recoverer.await(10_000), at + recoverer.failure());
            assertTrue(producer.offer(job(3), 0, 16), at + "offer 3");
            final boolean lapped = producer.offer(job(4), 0, 16);
            newcomer.resume();
            assertEquals(CrashActor.Outcome.DONE, newcomer.await(10_000), String.valueOf(newcomer.failure()));
            assertFalse(lapped, at + "the ring should read full: the newcomer's slot was released under it");
            assertTrue(producer.offer(job(4), 0, 16));
            closeAndDrain(ring, held[0], seen);
            seen.sort(Long::compare);
            assertEquals(List.of(1L, 2L, 3L, 4L), seen, at + "every job exactly once, none torn");
            assertEquals(4, ring.completed(), at + "completed");
            assertEquals(4, ring.submitted(), at + "submitted");
            return stopAt[0];
        }
        finally
        {
            CrashPoints.install(null);
            actors.values().forEach(CrashActor::stop);
        }
    }

    /** On an actor of its own: closes {@code consumer}, then takes every job left into {@code seen}. */
    private static void closeAndDrain(final JobRing ring, final JobConsumer consumer, final List<Long> seen)
    {
        final CrashActor drainer = new CrashActor("drainer");
        try
        {
            assertEquals(CrashActor.Outcome.DONE, drainer.run(() ->
            {
                consumer.close();
                try (JobConsumer last = ring.consumer())
                {
                    while (!ring.isDrained())
                    {
                        final long v = take(last);
                        synchronized (seen)
                        {
                            seen.add(v);
                        }
                    }
                }
            }, 20_000), String.valueOf(drainer.failure()));
        }
        finally
        {
            drainer.stop();
        }
    }

    @Test
    void hole4ShouldNeverLeaveALiveClaimUnpublishedWhenAnOfferThrows()
    {
        final Region region = region(4, 16);
        final JobRing ring = JobRing.open(region, "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            final UnsafeBuffer source = new UnsafeBuffer(new byte[32]);
            final long tail = region.buffer().getLongVolatile(ring.tailOffset());
            assertThrows(IndexOutOfBoundsException.class,
                () -> producer.offerBatch(source, new int[]{ 0, 24 }, new int[]{ 16, 16 }, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> producer.offer(source, 24, 16));
            assertEquals(tail, region.buffer().getLongVolatile(ring.tailOffset()), "nothing claimed");

            // Any throw between claim and publish (here injected at the write) aborts the claim.
            CrashPoints.install(point ->
            {
                if (point == RingCrashPoint.OFFER_WRITE)
                {
                    throw new IllegalStateException("injected");
                }
            });
            assertThrows(IllegalStateException.class, () -> producer.offer(job(9), 0, 16));
            CrashPoints.install(null);
            assertEquals(1, ring.aborted());
            assertTrue(producer.offer(job(10), 0, 16));
            assertEquals(10, take(consumer), "the job after the aborted claim is not stuck behind it");
            assertTrue(ring.join(Duration.ofSeconds(5), new YieldingIdleStrategy()));
        }
    }

    @Test
    void hole5ShouldLetANewConsumerAdoptARecordLeftPendingByConsumersThatClosed()
    {
        final Region region = region(4, 2);
        final JobRing ring = JobRing.open(region, "jobs");
        try (JobProducer producer = ring.producer())
        {
            producer.offer(job(1), 0, 16);
            producer.offer(job(2), 0, 16);
        }
        for (int i = 0; i < 2; i++)
        {
            try (JobConsumer consumer = ring.consumer())
            {
                assertTrue(consumer.poll((id, attempt, buffer, offset, length) -> { }));
            } // closed holding its job: the job waits, PENDING, in its record
        }
        final List<Long> seen = new ArrayList<>();
        try (JobConsumer late = ring.consumer())
        {
            assertFalse(late.holdsJob());
            seen.add(take(late));
            seen.add(take(late));
        }
        seen.sort(Long::compare);
        assertEquals(List.of(1L, 2L), seen);
        assertTrue(ring.join(Duration.ofSeconds(5), new YieldingIdleStrategy()));
    }

    /**
     * Found by the schedule search ({@code adopt-scarce}): a new consumer that found no record free until its last
     * recovery of dead handles' records freed two threw "no free lease record" with both free. Staged: three
     * records, all taken (B's; A's own; C's, which A's recovery of it left RESERVED by A midway), and A dies as the
     * newcomer starts its third look, so that only its third recovery frees anything.
     */
    @Test
    void shouldReserveARecordItsLastRecoveryFreed()
    {
        final Region region = region(2, 3);
        final JobRing ring = JobRing.open(region, "jobs");
        final JobConsumer a = ring.consumer(); // never closed: it dies below, and a dead process writes nothing
        toClose.add(ring.consumer());
        final JobConsumer c = ring.consumer();
        c.close();
        final int cRecord = recordInState(ring, LEASE_FREE);
        region.buffer().putLongVolatile(ring.leaseOffset(cRecord), leaseWord(a.token(), 0, LEASE_RESERVED));
        final int looks = ring.leaseCount(); // one RESERVE_CAS point per record and look
        final int[] hits = { 0 };
        CrashPoints.install(point ->
        {
            if (point == RingCrashPoint.RESERVE_CAS && ++hits[0] == 2 * looks + 1)
            {
                kill(region, a.token());
            }
        });
        final JobConsumer newcomer = ring.consumer();
        toClose.add(newcomer);
        CrashPoints.install(null);
        assertTrue(hits[0] > 3 * looks, "the newcomer looked a fourth time: " + hits[0] + " points");
        try (JobProducer producer = ring.producer()) // into A's dead entry
        {
            assertTrue(producer.offer(job(7), 0, 16));
        }
        assertEquals(7, take(newcomer));
    }

    private static int recordInState(final JobRing ring, final int state)
    {
        for (int i = 0; i < ring.leaseCount(); i++)
        {
            if (leaseState(ring.words().leaseWordVolatile(ring.leaseOffset(i))) == state)
            {
                return i;
            }
        }
        throw new AssertionError("no lease record in state " + state);
    }

    @Test
    void shouldNotWaitForALiveProducerWhoseTailCasLostWhenTheWinnerDied()
    {
        final Region region = region(2, 16);
        final JobRing ring = JobRing.open(region, "jobs");
        final CrashActor loser = new CrashActor("loser");
        final CrashActor winner = new CrashActor("winner");
        final boolean[] once = { true, false };
        CrashPoints.install(point ->
        {
            final CrashActor actor = CrashActor.current();
            if (actor == loser && point == RingCrashPoint.OFFER_TAIL_CAS && once[0])
            {
                once[0] = false;
                actor.stopHere(false); // intent written, tail CAS not yet tried
            }
            else if (actor == winner && point == RingCrashPoint.OFFER_WRITE && once[1])
            {
                actor.stopHere(true); // claimed, then dies
            }
        });
        try (JobConsumer consumer = ring.consumer())
        {
            final JobProducer[] producers = new JobProducer[2];
            assertEquals(CrashActor.Outcome.DONE, loser.run(() -> producers[0] = ring.producer(), 10_000));
            assertEquals(CrashActor.Outcome.DONE, winner.run(() -> producers[1] = ring.producer(), 10_000));
            assertEquals(CrashActor.Outcome.DONE, winner.run(() -> producers[1].offer(job(100), 0, 16), 10_000));
            final boolean[] offered = { true };
            loser.submit(() -> offered[0] = producers[0].offer(job(1), 0, 16));
            assertEquals(CrashActor.Outcome.STOPPED, loser.await(10_000));
            once[1] = true;
            winner.submit(() -> producers[1].offer(job(2), 0, 16));
            assertEquals(CrashActor.Outcome.STOPPED, winner.await(10_000));
            kill(region, producers[1].token());
            loser.resume(); // its CAS fails, the ring is full: it returns FULL and stays idle
            assertEquals(CrashActor.Outcome.DONE, loser.await(10_000));
            assertFalse(offered[0]);
            CrashPoints.install(null);
            assertEquals(100, take(consumer));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ring.abandoned() == 0)
            {
                assertTrue(System.nanoTime() - deadline < 0, "stall: the dead winner's claim is waited on forever");
                assertEquals(-1, poll(consumer));
            }
            assertEquals(CrashActor.Outcome.DONE, loser.run(() -> offered[0] = producers[0].offer(job(1), 0, 16),
                10_000));
            assertTrue(offered[0]);
            assertEquals(1, take(consumer));
        }
        finally
        {
            CrashPoints.install(null);
            loser.stop();
            winner.stop();
        }
    }

    /** A consumer dies between its LEASED store and its slot release: LEASED(dead), slot still TAKEN. */
    private static void stageDeathBetweenLeaseAndRelease(
        final Region region, final JobRing ring, final JobConsumer victim)
    {
        final int lease = leaseOf(ring, victim.token());
        region.buffer().putLong(ring.leaseOffset(lease) + LEASE_SEQUENCE_OFFSET, 0);
        region.buffer().putLongVolatile(ring.slotOffsetOf(0), slotWord(0, SLOT_TAKEN, lease));
        region.buffer().putLongVolatile(ring.headOffset(), 1);
        new RingRecovery(ring, victim.token()).copyIntoLease(ring.slotOffsetOf(0), ring.leaseOffset(lease), 0, 16);
        region.buffer().putLongVolatile(ring.leaseOffset(lease), leaseWord(victim.token(), 1, LEASE_LEASED));
        kill(region, victim.token());
    }

    /** Another consumer takes and finishes whatever it can for a while, then leaves. */
    private static void pollFor(final JobRing ring, final List<Long> seen, final long millis)
    {
        final CrashActor other = new CrashActor("other");
        assertEquals(CrashActor.Outcome.DONE, other.run(() ->
        {
            try (JobConsumer consumer = ring.consumer())
            {
                final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                while (System.nanoTime() - deadline < 0)
                {
                    final long v = poll(consumer);
                    if (v >= 0)
                    {
                        synchronized (seen)
                        {
                            seen.add(v);
                        }
                    }
                }
            }
        }, 10_000));
        other.stop();
    }

    private static int leaseOf(final JobRing ring, final long token)
    {
        for (int i = 0; i < ring.leaseCount(); i++)
        {
            if (leaseToken(ring.buffer().getLongVolatile(ring.leaseOffset(i))) == token)
            {
                return i;
            }
        }
        throw new AssertionError("no lease record for token " + token);
    }
}
