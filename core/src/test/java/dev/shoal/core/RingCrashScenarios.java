package dev.shoal.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.core.JobRingDescriptor.*;

/**
 * Job ring scenarios for the {@link CrashExplorer}. Each job carries a value and a check word derived from
 * it, so a torn or overwritten job is seen; the run records what was offered, delivered and completed, and
 * {@link RingRun#finish} drains the ring with a fresh consumer under a deadline and checks:
 * <ul>
 *   <li>no stall: every offered job is completed before the deadline, and the ring reads drained;</li>
 *   <li>nothing torn or invented: every delivery carries a valid check word and an offered value;</li>
 *   <li>exactly once, or redelivered as documented: a value is delivered twice only when an actor holding it
 *       died or closed without acknowledging it; a job whose offer was cut short by a death is delivered at
 *       most once;</li>
 *   <li>counters exact: submitted equals completed equals the number of distinct values completed, except
 *       for the documented window of a recoverer killed between an abandon and its count.</li>
 * </ul>
 */
final class RingCrashScenarios
{
    private static final int JOB_BYTES = 16;
    private static final long MIX = 0x9E3779B97F4A7C15L;
    private static final long DRAIN_MILLIS = 5_000;

    private RingCrashScenarios()
    {
    }

    /**
     * @return every ring scenario.
     */
    static List<CrashExplorer.Scenario> all()
    {
        return List.of(
            scenario("1p1c-wrap", 2, 16, RingCrashScenarios::onePoneC),
            scenario("2p2c", 4, 16, RingCrashScenarios::twoPtwoC),
            scenario("batch-claim-abort", 4, 16, RingCrashScenarios::batch),
            scenario("adopt-pending", 8, 5, RingCrashScenarios::adopt),
            scenario("corrupt-length", 4, 16, RingCrashScenarios::corrupt),
            scenario("consumer-churn", 2, 16, RingCrashScenarios::churn),
            scenario("drain-runs", 4, 8, RingCrashScenarios::drainRuns));
    }

    /**
     * @return the scenarios {@link CrashSearch} runs: all but corrupt-length (its stray write of a length is
     *     meant to land between two operations, not in the middle of a consumer's take), with participant tables
     *     for every actor at once plus recoverers, since under a schedule all of them are attached together, and
     *     the ones written for the search (scripted deaths and waits).
     */
    static List<CrashExplorer.Scenario> searchable()
    {
        return List.of(
            scenario("1p1c-wrap", 2, 16, RingCrashScenarios::onePoneC),
            scenario("2p2c", 4, 16, RingCrashScenarios::twoPtwoC),
            scenario("batch-claim-abort", 4, 16, RingCrashScenarios::batch),
            scenario("adopt-pending", 8, 16, RingCrashScenarios::adopt),
            scenario("consumer-churn", 2, 16, RingCrashScenarios::churn),
            scenario("consumer-churn-small", 2, 8, RingCrashScenarios::churn),
            scenario("drain-runs", 4, 16, RingCrashScenarios::drainRuns),
            scenario("producers-race-idle", 2, 16, RingCrashScenarios::producersRaceIdle),
            scenario("everything-at-once", 4, 16, RingCrashScenarios::everythingAtOnce),
            scenario("hand-on-tight", 2, 5, r ->
            {
                r.tolerateFullTable();
                handOnTight(r);
            }),
            scenario("adopt-scarce", 2, 3, r ->
            {
                r.tolerateFullTable();
                adoptScarce(r);
            }),
            scenario("adopt-from-paused", 2, 4, r ->
            {
                r.tolerateFullTable();
                adoptFromPaused(r);
            }));
    }

    private interface Script
    {
        void write(RingRun run);
    }

    private static CrashExplorer.Scenario scenario(
        final String name, final int capacity, final int participants, final Script script)
    {
        return new CrashExplorer.Scenario()
        {
            @Override
            public String name()
            {
                return name;
            }

            @Override
            public CrashExplorer.Run start(final Path dir, final CrashExplorer explorer)
            {
                final RingRun run = new RingRun(dir, capacity, participants);
                script.write(run);
                return run;
            }
        };
    }

    private static void onePoneC(final RingRun r)
    {
        r.producer("P");
        r.consumer("C");
        r.offer("P", 1);
        r.offer("P", 2);
        r.offer("P", 3);
        r.pollDone("C");
        r.offer("P", 4);
        r.pollDone("C");
        r.pollDone("C");
        r.offer("P", 5);
        r.pollDone("C");
        r.close("P");
        r.close("C");
    }

    private static void twoPtwoC(final RingRun r)
    {
        r.producer("P1");
        r.producer("P2");
        r.consumer("C1");
        r.consumer("C2");
        r.offer("P1", 1);
        r.offer("P2", 2);
        r.pollHold("C1");
        r.pollDone("C2");
        r.offer("P1", 3);
        r.done("C1");
        r.offer("P2", 4);
        r.pollDone("C2");
        r.pollHold("C1");
        r.close("C1");
        r.offer("P1", 5);
        r.pollDone("C2");
        r.pollDone("C2");
        r.close("P1");
        r.close("P2");
        r.close("C2");
    }

    /**
     * Every kind of operation at once, for the search: copying offers, a batch, a claim committed and one aborted
     * from two producers; polls, held jobs given back on close, and drains of runs from three consumers.
     */
    private static void everythingAtOnce(final RingRun r)
    {
        r.producer("P1");
        r.producer("P2");
        r.consumer("C1");
        r.consumer("C2");
        r.consumer("C3");
        for (int v = 1; v <= 4; v++)
        {
            r.offer("P1", v);
        }
        r.offerBatch("P2", 10, 3);
        r.claimCommit("P2", 20);
        r.claimAbort("P2", 21);
        r.offer("P2", 22);
        r.pollDone("C1");
        r.pollHold("C1");
        r.close("C1");
        r.drain("C2", 3);
        r.pollDone("C2");
        r.drain("C2", 8);
        r.pollDone("C3");
        r.drain("C3", 2);
        r.pollHold("C3");
        r.done("C3");
        r.close("C2");
        r.close("C3");
        r.close("P1");
        r.close("P2");
    }

    /**
     * A dead consumer's job handed on in a table with no spare entry: a consumer that attaches after a death
     * reclaims the dead one's entry and so prefers its lease record, the record a recoverer is repairing. Actors
     * that find the table full (recoverers and late consumers, when deaths and pauses pile up) sit the case out.
     */
    private static void handOnTight(final RingRun r)
    {
        r.producer("P");
        r.consumer("V");
        r.consumer("X");
        r.consumer("B");
        r.consumer("N");
        for (int v = 1; v <= 6; v++)
        {
            r.offer("P", v);
        }
        r.pollHold("V");
        r.close("V");
        r.pollDone("X");
        r.pollDone("X");
        r.pollDone("B");
        r.close("B");
        r.pollDone("N");
        r.pollDone("N");
        r.pollDone("X");
        r.close("X");
        r.close("N");
        r.close("P");
    }

    /**
     * Lease records as scarce as the table allows (one per entry, three), so that a consumer made late finds none
     * free and adopts a dead holder's PENDING record: three consumers take every entry and record, then die by
     * script (one holding a job; the idle ones' RESERVED records stay taken until someone recovers them); the
     * producer and a scripted recoverer wait for deaths, a newcomer for a PENDING record, and each attaches into a
     * dead entry. The newcomer adopts the dead holder's job and drains the next ones in place while the producer
     * offers past a 2-slot ring's lap: a recoverer held back after its hand-off must not act on that record any more
     * (it no longer owns it). The search decides when each death, attach and write happens, and may hold the
     * recoverer back at any point (a demotion, or the random walk).
     */
    private static void adoptScarce(final RingRun r)
    {
        r.consumer("V");
        r.consumer("D");
        r.consumer("E");
        r.die("E");
        r.pollHold("V");
        r.die("V");
        r.pollDone("D");
        r.die("D");
        r.awaitDeaths("Q", 1);
        r.producer("Q");
        r.awaitDeaths("R", 2);
        r.recovers("R");
        r.awaitPendingRecord("N");
        r.consumer("N");
        r.pollDone("N");
        r.drain("N", 4);
        for (int v = 1; v <= 3; v++)
        {
            r.offer("Q", v);
        }
        r.awaitPendingRecord("Q");
        for (int v = 4; v <= 9; v++)
        {
            r.offer("Q", v);
        }
        r.close("N");
        r.close("Q");
    }

    /**
     * A newcomer adopts the record a recoverer handed on while that recoverer is held back (the paused-recoverer
     * hole of job-ring.md: a recoverer that acted on a record after giving it away would release the slot the
     * newcomer has since taken into it). V attaches first, so it takes entry 0 and lease record 0, the record a
     * recovery visits first; E1, E2 and E3 then take the table's other entries and records and die idle (their
     * RESERVED records stay taken until someone recovers them), so that a newcomer finds no record free while a
     * recovery is held back between its hand-off of V's job and its freeing of theirs. The producer attaches into
     * a dead entry and fills the 2-slot ring, V holds a job and dies; a scripted recoverer waits for the four
     * deaths and attaches into another dead entry; the newcomer waits for a PENDING record, attaches into the last
     * dead entry, delivers the adopted job and drains the next ones into that record while the producer offers past
     * the ring's lap. The search holds the recoverer back where it likes (a demotion, the random walk).
     */
    private static void adoptFromPaused(final RingRun r)
    {
        r.consumer("V");
        for (final String idle : List.of("E1", "E2", "E3"))
        {
            r.awaitAttached(idle, "V");
            r.consumer(idle);
            r.die(idle);
        }
        r.awaitDeaths("Q", 1);
        r.producer("Q");
        r.offer("Q", 1);
        r.offer("Q", 2);
        r.awaitOffered("V");
        r.pollHold("V");
        r.die("V");
        r.awaitDeaths("R", 4);
        r.recovers("R");
        r.awaitPendingRecord("N");
        r.consumer("N");
        r.pollDone("N");
        r.drain("N", 4);
        for (int v = 3; v <= 8; v++)
        {
            r.offer("Q", v);
        }
        r.close("N");
        r.close("Q");
    }

    /**
     * Two producers race for the tail of a small ring and one of them stays attached, idle, to the end (it never
     * closes): a recoverer must still abandon a dead producer's claim the idle one once lost the race for.
     */
    private static void producersRaceIdle(final RingRun r)
    {
        r.producer("P1");
        r.producer("P2");
        r.consumer("C");
        r.offer("P1", 1);
        r.offer("P2", 2);
        r.offer("P1", 3);
        r.offer("P2", 4);
        r.pollDone("C");
        r.offer("P1", 5);
        r.offer("P2", 6);
        r.pollDone("C");
        r.pollDone("C");
        r.close("P1");
        r.close("C");
    }

    /**
     * Drains that take runs past a head they move once per run, while another consumer reads the stale head, and
     * a run that wraps the ring.
     */
    private static void drainRuns(final RingRun r)
    {
        r.producer("P");
        r.consumer("C1");
        r.consumer("C2");
        r.offer("P", 1);
        r.offer("P", 2);
        r.offer("P", 3);
        r.offer("P", 4);
        r.drain("C1", 3);
        r.pollDone("C2");
        r.offer("P", 5);
        r.offer("P", 6);
        r.offer("P", 7);
        r.drain("C2", 8);
        r.offer("P", 8);
        r.offer("P", 9);
        r.drain("C1", 1);
        r.pollDone("C2");
        r.close("P");
        r.close("C1");
        r.close("C2");
    }

    private static void batch(final RingRun r)
    {
        r.producer("P");
        r.consumer("C");
        r.offerBatch("P", 1, 3);
        r.pollDone("C");
        r.claimCommit("P", 4);
        r.claimAbort("P", 5);
        r.pollDone("C");
        r.pollDone("C");
        r.pollDone("C");
        r.offerBatch("P", 6, 2);
        r.pollDone("C");
        r.close("P");
        r.close("C");
    }

    private static void adopt(final RingRun r)
    {
        r.producer("P");
        for (int v = 1; v <= 5; v++)
        {
            r.offer("P", v);
        }
        r.close("P");
        for (int c = 1; c <= 4; c++)
        {
            r.consumer("C" + c);
            r.pollHold("C" + c);
            r.close("C" + c);
        }
        r.consumer("C5");
        r.consumer("C6");
        r.pollDone("C6");
        r.pollDone("C5");
        r.pollDone("C6");
        r.close("C5");
        r.close("C6");
    }

    /**
     * Consumers come and go while jobs flow, so that a lease record is given back, taken, freed and reserved
     * again by a newcomer around a recovery: where a recoverer acting on a stale read would do harm.
     */
    private static void churn(final RingRun r)
    {
        r.producer("P");
        r.consumer("C1");
        r.consumer("C2");
        r.offer("P", 1);
        r.offer("P", 2);
        r.pollHold("C1");
        r.pollHold("C2");
        r.close("C1");
        r.offer("P", 3);
        r.done("C2");
        r.pollDone("C2");
        for (int round = 0; round < 3; round++)
        {
            final String c = "N" + round;
            r.consumer(c);
            r.offer("P", 10 + round);
            r.pollDone(c);
            r.offer("P", 20 + round);
            r.pollDone("C2");
            r.close(c);
        }
        r.close("C2");
        r.close("P");
    }

    private static void corrupt(final RingRun r)
    {
        r.producer("P");
        r.consumer("C");
        r.offer("P", 1);
        r.corruptHead("P", 1);
        r.offer("P", 2);
        r.pollDone("C");
        r.pollDone("C");
        r.close("P");
        r.close("C");
    }

    static long checkWord(final long value)
    {
        return value * MIX ^ 0x5A5A5A5A5A5A5A5AL;
    }

    /**
     * One case of a ring scenario.
     */
    static final class RingRun implements CrashExplorer.Run
    {
        private final Path dir;
        private final Region region;
        private final JobRing ring;
        private final List<CrashExplorer.Step> script = new ArrayList<>();
        private final Map<String, JobProducer> producers = new ConcurrentHashMap<>();
        private final Map<String, JobConsumer> consumers = new ConcurrentHashMap<>();
        private final Set<Long> offered = ConcurrentHashMap.newKeySet();
        private final Set<Long> maybe = ConcurrentHashMap.newKeySet();
        private final Set<Long> corrupted = ConcurrentHashMap.newKeySet();
        private final Set<Long> mayRepeat = ConcurrentHashMap.newKeySet();
        private final Set<Long> completed = ConcurrentHashMap.newKeySet();
        private final Map<Long, Integer> delivered = new ConcurrentHashMap<>();
        private final Map<String, Long> held = new ConcurrentHashMap<>();
        /** For a job held inside a drain: the holder's crash-point hits when it was delivered. */
        private final Map<String, Integer> drainDeliveredAt = new ConcurrentHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private final AtomicInteger deaths = new AtomicInteger();
        private final UnsafeBuffer source = new UnsafeBuffer(new byte[JOB_BYTES * 8]);
        /**
         * Whether an actor that finds the participant table full waits for an entry (a death or a close frees
         * one) and, if none frees within {@link CrashSearch#ENTRY_TURNS} turns, sits the case out instead of failing
         * it.
         */
        private boolean tolerateFullTable;

        RingRun(final Path dir, final int capacity, final int participants)
        {
            this.dir = dir;
            this.region = Region.create(dir.toString(),
                RegionSpec.builder().jobRing("jobs", capacity, JOB_BYTES).participants(participants).build());
            this.ring = JobRing.open(region, "jobs");
        }

        @Override
        public Region region()
        {
            return region;
        }

        @Override
        public List<CrashExplorer.Step> script()
        {
            return script;
        }

        /**
         * For a schedule search with a tight table: an actor (or recoverer) that finds the participant table full
         * waits for an entry, as a process would retry, so that it may attach into a dead actor's entry late (and
         * prefer its lease record); if none frees in {@link CrashSearch#ENTRY_TURNS} turns it sits the case out and
         * its later steps do nothing.
         */
        void tolerateFullTable()
        {
            tolerateFullTable = true;
        }

        void producer(final String actor)
        {
            attachStep(actor, self ->
            {
                final Participant participant = attach(Role.PRODUCER);
                self.owns(participant.token()); // known before any ring write: a death inside is recoverable
                producers.put(actor, new JobProducer(ring, participant));
            });
        }

        void consumer(final String actor)
        {
            attachStep(actor, self -> consumers.put(actor, attachConsumer(self)));
        }

        private void attachStep(final String actor, final java.util.function.Consumer<CrashActor> action)
        {
            script.add(new CrashExplorer.Step(actor, () ->
            {
                try
                {
                    action.accept(CrashActor.current());
                }
                catch (final IllegalStateException ex)
                {
                    if (!(tolerateFullTable && CrashSearch.isTableFull(ex)))
                    {
                        throw ex;
                    }
                }
            }));
        }

        /**
         * Attaches through the participant table itself: {@link Region#attach} also keeps the handle's list of
         * participants under the handle's monitor, which every actor of a case shares (one mapping for all, where
         * processes would each have their own), so an actor paused inside an attach would block the others'.
         */
        private Participant attach(final Role role)
        {
            return tolerateFullTable ? CrashSearch.attachWaiting(() -> region.participants().attach(role)) :
                region.participants().attach(role);
        }


        private JobConsumer attachConsumer(final CrashActor self)
        {
            for (int turn = 1; ; turn++)
            {
                final Participant participant = attach(Role.CONSUMER);
                self.owns(participant.token()); // known before any ring write: a death inside is recoverable
                try
                {
                    return new JobConsumer(ring, participant);
                }
                catch (final IllegalStateException ex)
                {
                    self.disowns(participant.token()); // closed by the failed constructor
                    // The refusal JobConsumer documents: every record held by a live handle, one of them by a
                    // recovery under way (a recoverer holds the record it repairs beside none of its own). A
                    // process would try again; so does the actor, a turn at a time, while a live recoverer holds
                    // a record. A refusal with no recovery under way is a finding.
                    if (!tolerateFullTable || turn == CrashSearch.ENTRY_TURNS || !isNoFreeRecord(ex) ||
                        !recoveryHoldsRecord())
                    {
                        throw ex;
                    }
                    CrashPoints.waiting(RingCrashPoint.RESERVE_CAS); // a wait, not a write
                }
            }
        }

        private static boolean isNoFreeRecord(final IllegalStateException ex)
        {
            return String.valueOf(ex.getMessage()).contains("no free lease record");
        }

        /**
         * @return whether a lease record is held by a live recoverer (a supervisor's token).
         */
        private boolean recoveryHoldsRecord()
        {
            final java.util.Set<Long> recoverers = new java.util.HashSet<>();
            for (final ParticipantInfo info : region.participants().snapshot())
            {
                if (info.alive() && info.role() == Role.SUPERVISOR)
                {
                    recoverers.add(info.token());
                }
            }
            for (int i = 0; i < ring.leaseCount(); i++)
            {
                final long word = ring.words().leaseWordVolatile(ring.leaseOffset(i));
                if (JobRingDescriptor.leaseState(word) != JobRingDescriptor.LEASE_FREE &&
                    recoverers.contains(JobRingDescriptor.leaseToken(word)))
                {
                    return true;
                }
            }
            return false;
        }

        void offer(final String actor, final long value)
        {
            step(actor, self ->
            {
                maybe.add(value);
                final UnsafeBuffer job = job(value);
                if (producers.get(actor).offer(job, 0, JOB_BYTES))
                {
                    offered.add(value);
                }
                maybe.remove(value);
            });
        }

        void offerBatch(final String actor, final long first, final int count)
        {
            step(actor, self ->
            {
                final int[] offsets = new int[count];
                final int[] lengths = new int[count];
                for (int i = 0; i < count; i++)
                {
                    maybe.add(first + i);
                    source.putLong(i * JOB_BYTES, first + i);
                    source.putLong(i * JOB_BYTES + 8, checkWord(first + i));
                    offsets[i] = i * JOB_BYTES;
                    lengths[i] = JOB_BYTES;
                }
                if (producers.get(actor).offerBatch(source, offsets, lengths, count) != JobProducer.FULL)
                {
                    for (int i = 0; i < count; i++)
                    {
                        offered.add(first + i);
                    }
                }
                for (int i = 0; i < count; i++)
                {
                    maybe.remove(first + i);
                }
            });
        }

        void claimCommit(final String actor, final long value)
        {
            step(actor, self ->
            {
                maybe.add(value);
                final JobProducer producer = producers.get(actor);
                if (producer.tryClaim(JOB_BYTES) != JobProducer.FULL)
                {
                    producer.claimed().putLong(0, value);
                    producer.claimed().putLong(8, checkWord(value));
                    producer.commit();
                    offered.add(value);
                }
                maybe.remove(value);
            });
        }

        void claimAbort(final String actor, final long value)
        {
            step(actor, self ->
            {
                final JobProducer producer = producers.get(actor);
                if (producer.tryClaim(JOB_BYTES) != JobProducer.FULL)
                {
                    producer.claimed().putLong(0, value);
                    producer.claimed().putLong(8, checkWord(value));
                    producer.abort();
                }
            });
        }

        /**
         * Corrupts the length of the oldest published job (value given), as a stray write would.
         */
        void corruptHead(final String actor, final long value)
        {
            step(actor, self ->
            {
                final long head = region.buffer().getLongVolatile(ring.headOffset());
                final int slot = ring.slotOffsetOf(head);
                if (region.buffer().getLongVolatile(slot) == slotWord(head, SLOT_PUBLISHED, 0) &&
                    region.buffer().getLong(slot + SLOT_PAYLOAD_OFFSET) == value)
                {
                    region.buffer().putInt(slot + SLOT_LENGTH_OFFSET, -7);
                    corrupted.add(value);
                }
            });
        }

        void pollDone(final String actor)
        {
            step(actor, self ->
            {
                if (poll(actor, consumers.get(actor)))
                {
                    done(actor, consumers.get(actor));
                }
            });
        }

        /**
         * One drain: a job the handler gets means the one before it was acknowledged; the last is acknowledged
         * when drain returns.
         */
        void drain(final String actor, final int limit)
        {
            step(actor, self ->
            {
                final JobConsumer consumer = consumers.get(actor);
                final JobHandler record = recorder(actor);
                consumer.drain((id, attempt, buffer, offset, length) ->
                {
                    final Long previous = held.remove(actor);
                    if (previous != null)
                    {
                        completed.add(previous); // taskDone returned before this job was taken
                    }
                    record.onJob(id, attempt, buffer, offset, length);
                    drainDeliveredAt.put(actor, self.hitsSoFar());
                }, limit);
                drainDeliveredAt.remove(actor);
                final Long last = held.remove(actor);
                if (last != null)
                {
                    completed.add(last);
                }
            });
        }

        /**
         * The actor dies between operations, when the search lets it past {@link ScriptPoint#DIE}: what it holds
         * stays as a SIGKILL leaves it.
         */
        void die(final String actor)
        {
            step(actor, self ->
            {
                CrashPoints.at(ScriptPoint.DIE);
                throw new AssertionError(actor + " passed its scripted death: the explorer must stop actors at " +
                    "the \"" + ScriptPoint.PROTOCOL + "\" points");
            });
        }

        /**
         * The actor waits, a turn at a time, until {@code count} actors of the case died (by script or by the search's
         * kills), or for {@link CrashSearch#ENTRY_TURNS} turns at most: so a script can make an actor come late.
         */
        void awaitDeaths(final String actor, final int count)
        {
            awaitUntil(actor, () -> deaths.get() >= count);
        }

        /**
         * The actor waits, a turn at a time, until some lease record reads PENDING (a job handed on, waiting for a
         * consumer), or for {@link CrashSearch#ENTRY_TURNS} turns at most: so a newcomer comes just after a hand-off.
         */
        void awaitPendingRecord(final String actor)
        {
            awaitUntil(actor, this::anyPending);
        }

        private void awaitUntil(final String actor, final BooleanSupplier condition)
        {
            script.add(new CrashExplorer.Step(actor, () ->
            {
                for (int turn = 0; !condition.getAsBoolean() && turn < CrashSearch.ENTRY_TURNS; turn++)
                {
                    CrashPoints.waiting(ScriptPoint.AWAIT);
                }
            }));
        }

        private boolean anyPending()
        {
            for (int i = 0; i < ring.leaseCount(); i++)
            {
                if (leaseState(ring.words().leaseWordVolatile(ring.leaseOffset(i))) == LEASE_PENDING)
                {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void kill(final CrashActor actor)
        {
            CrashExplorer.Run.super.kill(actor);
            deaths.incrementAndGet();
        }

        /** A scripted recoverer: attaches as a supervisor, recovers every dead lease it finds, leaves. */
        void recovers(final String actor)
        {
            script.add(new CrashExplorer.Step(actor, () -> recover(CrashActor.current())));
        }

        /** The actor waits, a turn at a time, until {@code other} attached ({@link CrashSearch#ENTRY_TURNS} turns). */
        void awaitAttached(final String actor, final String other)
        {
            awaitUntil(actor, () -> consumers.containsKey(other) || producers.containsKey(other));
        }

        /** The actor waits, a turn at a time, until some job was offered (at most {@link CrashSearch#ENTRY_TURNS}). */
        void awaitOffered(final String actor)
        {
            awaitUntil(actor, () -> !offered.isEmpty());
        }

        void pollHold(final String actor)
        {
            step(actor, self -> poll(actor, consumers.get(actor)));
        }

        void done(final String actor)
        {
            step(actor, self ->
            {
                if (held.containsKey(actor))
                {
                    done(actor, consumers.get(actor));
                }
            });
        }

        void close(final String actor)
        {
            step(actor, self ->
            {
                final JobProducer producer = producers.remove(actor);
                if (producer != null)
                {
                    producer.close();
                }
                final JobConsumer consumer = consumers.remove(actor);
                if (consumer != null)
                {
                    final Long value = held.remove(actor);
                    if (value != null)
                    {
                        mayRepeat.add(value); // given back unacknowledged: redelivered, as documented
                    }
                    consumer.close();
                }
            });
        }

        private void step(final String actor, final java.util.function.Consumer<CrashActor> action)
        {
            script.add(new CrashExplorer.Step(actor, () ->
            {
                if (!tolerateFullTable || producers.containsKey(actor) || consumers.containsKey(actor))
                {
                    action.accept(CrashActor.current()); // else it sat the case out: the table was full
                }
            }));
        }

        private boolean poll(final String actor, final JobConsumer consumer)
        {
            try
            {
                return consumer.poll(recorder(actor));
            }
            catch (final RegionFormatException ex)
            {
                if (corrupted.isEmpty())
                {
                    throw ex;
                }
                return false; // the corrupt job is skipped and counted, as documented
            }
        }

        /** Checks a delivered job and records it as delivered to, and held by, {@code actor}. */
        private JobHandler recorder(final String actor)
        {
            return (id, attempt, buffer, offset, length) ->
            {
                final long value = length == JOB_BYTES ? buffer.getLong(offset) : -1;
                if (length != JOB_BYTES || buffer.getLong(offset + 8) != checkWord(value))
                {
                    problem("torn job delivered: id=" + id + " length=" + length + " value=" + value);
                }
                delivered.merge(value, 1, Integer::sum);
                held.put(actor, value);
            };
        }

        private void done(final String actor, final JobConsumer consumer)
        {
            final long value = held.get(actor);
            consumer.taskDone();
            completed.add(value);
            held.remove(actor);
        }

        private UnsafeBuffer job(final long value)
        {
            final UnsafeBuffer job = new UnsafeBuffer(new byte[JOB_BYTES]);
            job.putLong(0, value);
            job.putLong(8, checkWord(value));
            return job;
        }

        private synchronized void problem(final String text)
        {
            problems.add(text);
        }

        @Override
        public void recover(final CrashActor self)
        {
            final Participant supervisor;
            try
            {
                supervisor = attach(Role.SUPERVISOR);
            }
            catch (final IllegalStateException ex)
            {
                if (tolerateFullTable && CrashSearch.isTableFull(ex))
                {
                    return; // a later recoverer, or the drainer, repairs
                }
                throw ex;
            }
            self.owns(supervisor.token());
            ring.recoverDeadLeases(supervisor.token());
            supervisor.close();
        }

        @Override
        public void finish(final CrashExplorer explorer)
        {
            markDeadHolders(explorer);
            explorer.runFresh("drainer", self ->
            {
                final JobConsumer consumer = attachConsumer(self);
                final long deadline = System.nanoTime() + Duration.ofMillis(DRAIN_MILLIS).toNanos();
                long nextRecovery = 0;
                while (!(ring.isDrained() && missing().isEmpty()))
                {
                    if (System.nanoTime() - deadline > 0)
                    {
                        throw new AssertionError("stall: ring not drained within " + DRAIN_MILLIS + " ms; missing " +
                            missing() + "; " + ring.stats());
                    }
                    if (poll(self.name(), consumer))
                    {
                        done(self.name(), consumer);
                    }
                    else if (System.nanoTime() - nextRecovery > 0)
                    {
                        ring.recoverDeadLeases(consumer.token());
                        nextRecovery = System.nanoTime() + 2_000_000L;
                    }
                    else
                    {
                        Thread.onSpinWait();
                    }
                }
                consumer.close();
            }, DRAIN_MILLIS * 2);
            check(explorer);
        }

        private void markDeadHolders(final CrashExplorer explorer)
        {
            for (final Map.Entry<String, Long> entry : held.entrySet())
            {
                final CrashActor holder = explorer.actor(entry.getKey());
                if (!holder.isKilled())
                {
                    continue;
                }
                final Integer deliveredAt = drainDeliveredAt.get(entry.getKey());
                if (deliveredAt != null && holder.hitsSoFar() > deliveredAt + 2)
                {
                    // Killed inside a drain past this job's DONE_STORE and DONE_CLEAR: it was acknowledged.
                    completed.add(entry.getValue());
                }
                else
                {
                    mayRepeat.add(entry.getValue()); // its holder died unacknowledged: redelivered, as documented
                }
            }
        }

        private Set<Long> missing()
        {
            final Set<Long> missing = new HashSet<>(offered);
            missing.removeAll(completed);
            missing.removeAll(corrupted); // skipped and counted, as documented
            return missing;
        }

        private void check(final CrashExplorer explorer)
        {
            final List<String> found = new ArrayList<>(problems);
            for (final Map.Entry<Long, Integer> entry : delivered.entrySet())
            {
                final long value = entry.getKey();
                if (!offered.contains(value) && !maybe.contains(value))
                {
                    found.add("value " + value + " delivered but never offered");
                }
                if (entry.getValue() > 1 && !mayRepeat.contains(value))
                {
                    found.add("value " + value + " delivered " + entry.getValue() + " times; no holder of it died");
                }
                if (corrupted.contains(value))
                {
                    found.add("corrupt value " + value + " delivered");
                }
            }
            final long distinct = completed.size();
            final long slack = explorer.countWindowKills();
            if (ring.completed() != distinct)
            {
                found.add("completed()=" + ring.completed() + " but " + distinct + " distinct jobs completed");
            }
            final long submitted = ring.submitted();
            if (submitted < distinct || submitted > distinct + slack)
            {
                found.add("submitted()=" + submitted + " but " + distinct + " jobs completed" +
                    (slack > 0 ? " (" + slack + " abandoned or aborted uncounted allowed)" : ""));
            }
            if (!found.isEmpty())
            {
                throw new AssertionError(String.join("; ", found));
            }
        }

        @Override
        public void close()
        {
            region.close();
            Region.delete(dir.toString());
        }
    }
}
