package dev.shoal.core;

import java.time.Duration;
import java.util.Objects;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.core.JobRingDescriptor.*;

/**
 * Takes jobs from a {@link JobRing}. One handle per thread: a participant that owns one lease record, into
 * which {@link #poll} copies each job before its slot is released, so a job survives the death of its consumer;
 * {@link #drain} instead leases the job in place (the record names the slot, which stays TAKEN until the handler
 * returns), and a recoverer copies it out of the slot if the consumer dies. A handle holds at most one job at a
 * time: {@link #poll} delivers it, {@link #taskDone()} acknowledges it.
 * Using it from another thread or after {@link #close()} throws {@link IllegalStateException}. No allocation
 * per job.
 */
public final class JobConsumer implements AutoCloseable
{
    private static final int NO_LEASE = -1;
    private static final int NOT_IN_SLOT = -1;
    private static final long MIN_SCAN_NANOS = 1_000_000L;
    private static final long MAX_SCAN_NANOS = 64_000_000L;
    private static final int SCAN_EVERY_POLLS = 1 << 16;
    /** Polls before a new handle's first lease scan; the interval then doubles up to {@link #SCAN_EVERY_POLLS}. */
    private static final int FIRST_SCAN_EVERY_POLLS = 1 << 6;
    private static final long NO_SEQUENCE = -1;
    /** Recoveries of the whole record array a new handle runs while it finds no record to reserve. */
    private static final int RESERVE_RECOVERIES = 3;
    private static final long NOT_TIMED = Long.MIN_VALUE;
    /** Most jobs a {@link #drain} takes between two moves of the shared head. */
    public static final int DRAIN_HEAD_EVERY = 64;

    private final JobRing ring;
    /** The region, for zero-copy views of payloads only: the protocol's words go through {@link #words}. */
    private final AtomicBuffer buffer;
    private final RingWords words;
    private final Participant participant;
    private final RingRecovery recovery;
    private final Thread owner = Thread.currentThread();
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final long token;
    private final int capacity;
    private final int ownLease;
    private int heldLease = NO_LEASE;
    /** The held job's slot while it is leased in place (a drain), else {@link #NOT_IN_SLOT}. */
    private int heldSlot = NOT_IN_SLOT;
    /** The length of the job held in place, checked when it was taken. */
    private int heldSlotLength;
    private boolean adopted;
    private long heldJobId;
    private int heldAttempt;
    private long stalledSequence = -1;
    /** When the stall of {@link #stalledSequence} was first timed, or {@link #NOT_TIMED}. */
    private long stalledSince = NOT_TIMED;
    /** Whether this poll's {@link #takeNext} found the head claimed but unpublished (the stall timer's input). */
    private boolean headUnpublished;
    /** When an empty poll reads the clock: about once in 64 while spinning, on each while sleeping between polls. */
    private final ClockPacer clock = new ClockPacer();
    private long nextScan;
    private long scanInterval = MIN_SCAN_NANOS;
    private int pollsSinceScan;
    /**
     * Polls between two lease scans: 64 at first, doubled at each scan up to {@link #SCAN_EVERY_POLLS}. So a new
     * handle scans a few times while the JIT still profiles its polls, and the compiled poll keeps the scan's branch:
     * with a fixed 65,536 the first scan came long after C2 had compiled the poll without that branch, which made
     * every method the poll is inlined in not entrant and compiled again (a pool worker's whole job path;
     * docs/benchmarks.md, session 21).
     */
    private int scanEveryPolls = FIRST_SCAN_EVERY_POLLS;
    private long lastTaken = NO_SEQUENCE;
    private boolean closed;

    JobConsumer(final JobRing ring, final Participant participant)
    {
        this.ring = ring;
        this.buffer = ring.buffer();
        this.words = ring.words();
        this.participant = participant;
        this.token = participant.token();
        this.recovery = new RingRecovery(ring, token);
        this.capacity = ring.capacity();
        if (token > MAX_TOKEN)
        {
            participant.close();
            throw new IllegalStateException("participant token=" + token + " too large for a lease word");
        }
        try
        {
            this.ownLease = reserveLease(participant.index());
        }
        catch (final RuntimeException ex)
        {
            participant.close();
            throw ex;
        }
    }

    /**
     * Reserves a record of its own: a FREE one, or else a PENDING one, whose waiting job this handle then holds
     * and delivers at its first poll (a closed consumer's job must not pin a record forever). Between two looks it
     * recovers every record of a dead handle; it looks once more after the last recovery, whose freed records
     * would otherwise go unseen (the schedule search's {@code adopt-scarce} case: a newcomer that found none free
     * until its last recovery freed two, and then gave up).
     */
    private int reserveLease(final int preferred)
    {
        final int count = ring.leaseCount();
        final long reserved = leaseWord(token, 0, LEASE_RESERVED);
        for (int round = 0; ; round++)
        {
            for (int i = 0; i < count; i++)
            {
                final int index = (preferred + i) % count;
                CrashPoints.at(RingCrashPoint.RESERVE_CAS);
                // CAS from FREE: decides between consumers reserving at once.
                if (words.casLeaseWord(ring.leaseOffset(index), 0, reserved))
                {
                    return index;
                }
            }
            for (int i = 0; i < count; i++)
            {
                final int index = (preferred + i) % count;
                final int record = ring.leaseOffset(index);
                final long word = words.leaseWordVolatile(record); // volatile: current state
                if (leaseState(word) == LEASE_PENDING)
                {
                    CrashPoints.at(RingCrashPoint.RESERVE_PENDING_CAS);
                    // CAS from PENDING: exactly one consumer takes the waiting job, and the record with it.
                    if (words.casLeaseWord(record, word,
                        leaseWord(token, leaseAttempt(word), LEASE_LEASED)))
                    {
                        heldLease = index;
                        adopted = true;
                        return index;
                    }
                }
            }
            if (round == RESERVE_RECOVERIES)
            {
                break;
            }
            for (int i = 0; i < count; i++)
            {
                recovery.recoverLease(i, false); // frees records of dead handles, dead leases become PENDING
            }
        }
        throw new IllegalStateException("ring '" + ring.name() + "': no free lease record among " + count +
            " (one per participant entry: the others are held by live consumers or by recoveries under way)");
    }

    /**
     * Takes the next job, if any, into this handle's lease and gives it to the handler, which reads it in place.
     * The job stays leased until {@link #taskDone()}; if this process dies first, it is redelivered.
     *
     * @param handler receives the job.
     * @return true when a job was delivered, false when none was available.
     * @throws IllegalStateException when a job is still held (not acknowledged).
     * @throws RegionFormatException when the job's stored length is corrupt (the job is skipped and counted).
     */
    public boolean poll(final JobHandler handler)
    {
        Objects.requireNonNull(handler, "handler"); // before a job is taken: it would be left held
        if (!acquire(false))
        {
            return false;
        }
        deliver(handler);
        return true;
    }

    /**
     * Makes the next job this handle's held job: an adopted pending one, the one at the head, or a recovered one.
     *
     * @param inSlot whether a job taken at the head is leased in place (a drain) rather than copied.
     */
    private boolean acquire(final boolean inSlot)
    {
        checkUsable();
        if (adopted)
        {
            adopted = false; // the pending job adopted with the record: deliver it first
            return true;
        }
        if (heldLease != NO_LEASE)
        {
            throw new IllegalStateException("consumer of ring '" + ring.name() + "' still holds job " + heldJobId +
                ": call taskDone() first");
        }
        if (++pollsSinceScan >= scanEveryPolls)
        {
            pollsSinceScan = 0;
            scanEveryPolls = Math.min(scanEveryPolls << 1, SCAN_EVERY_POLLS);
            scanLeases();
        }
        if (heldLease == NO_LEASE && !takeNext(inSlot))
        {
            return onEmptyPoll();
        }
        return true;
    }

    /**
     * The clocked duties of an empty poll, on the polls {@link #clock} reads the clock on: the stall timer of an
     * unpublished head and the lease scan's schedule share that one read (a read on every eighth poll was still 4
     * of an empty poll's 9 ns here: docs/benchmarks.md, session 24).
     *
     * @return whether the scan found a job to hold.
     */
    private boolean onEmptyPoll()
    {
        if (!clock.tick())
        {
            return false;
        }
        final long now = clock.now();
        if (headUnpublished)
        {
            onStallClock(now);
        }
        return now - nextScan >= 0 && scanLeases();
    }

    /**
     * Waits for a job and gives it to the handler (see {@link #poll}).
     *
     * @param handler receives the job.
     * @param timeout longest wait.
     * @param idle    how to wait.
     * @return true when a job was delivered; false on timeout, or at once when the calling thread is interrupted
     *     (its interrupt flag stays set: an idle strategy's park returns at once under it, a spin on a whole core).
     */
    public boolean take(final JobHandler handler, final Duration timeout, final IdleStrategy idle)
    {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(idle, "idle");
        if (poll(handler))
        {
            return true; // a job was there: the common case under load reads no clock
        }
        final long deadline = System.nanoTime() + Timeouts.nanos(timeout);
        idle.reset();
        while (!poll(handler))
        {
            // A clock read of its own on every iteration, not the empty poll's paced one: that one can be up to
            // ClockPacer.MAX_TRIES_PER_READ polls old, which is that many parks once an idle strategy parks.
            if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted())
            {
                return false;
            }
            idle.idle();
        }
        return true;
    }

    /**
     * Polls up to {@code limit} jobs, acknowledging each one after the handler returns normally. If the handler
     * throws, that job stays held (unacknowledged) and the exception propagates.
     *
     * <p>Cheaper per job than {@link #poll} and {@link #taskDone()} in a loop: the handler reads each job in
     * its slot, which is released after the handler returns (no copy into the lease record: the record names the
     * slot, and a recoverer copies the job out of it if this process dies); after its first job, a drain takes
     * the slots that follow it directly and moves the shared head once per run of jobs (at most
     * {@link #DRAIN_HEAD_EVERY} jobs) instead of once per job. The head is a hint that readers help forward,
     * so a run that stops part way (a crash, a handler that throws) only leaves it behind for a moment. A job
     * whose handler throws is copied into the record and its slot released before the exception propagates, so
     * a held job never keeps a slot from the producers.
     *
     * <p>While a handler runs, its job's slot stays taken: a producer that wraps round the ring to that slot
     * waits for the handler to return, even if later slots are free. For handlers that may run long next to
     * short ones (a worker pool's jobs), {@link #poll}, which frees the slot before delivering, keeps the ring
     * flowing.
     *
     * <p>The drain acknowledges each job itself: a handler that calls {@link #taskDone()} makes the drain throw
     * (the handle then holds no job).
     *
     * @param handler receives each job.
     * @param limit   most jobs to handle.
     * @return how many were handled.
     */
    public int drain(final JobHandler handler, final int limit)
    {
        Objects.requireNonNull(handler, "handler"); // before a job is taken: it would be left held
        if (limit < 0)
        {
            throw new IllegalArgumentException("limit must be >= 0: limit=" + limit);
        }
        int count = 0;
        long next = NO_SEQUENCE; // the sequence after the last job this run took: every one below it is taken
        long headOwed = NO_SEQUENCE; // the head as this run last left it
        boolean returning = false;
        try
        {
            while (count < limit)
            {
                if (next != NO_SEQUENCE && next - headOwed < DRAIN_HEAD_EVERY && ++pollsSinceScan < scanEveryPolls &&
                    takeAt(next))
                {
                    next++;
                }
                else
                {
                    if (next != NO_SEQUENCE)
                    {
                        advanceHead(headOwed, next);
                        next = NO_SEQUENCE;
                    }
                    lastTaken = NO_SEQUENCE;
                    if (!acquire(true))
                    {
                        break;
                    }
                    if (lastTaken != NO_SEQUENCE)
                    {
                        next = lastTaken + 1; // taken at the head, which takeNext moved on to it
                        headOwed = next;
                    }
                }
                deliverFromDrain(handler);
                taskDone();
                count++;
            }
            returning = true;
        }
        finally
        {
            // Also when a handler threw or closed this handle: every sequence below next is taken, and a head left
            // behind made the ring's size, isDrained and stats count jobs already done until another reader moved
            // it. Not after the region's close (or truncation) inside the handler: the CAS would touch an unmapped
            // page, and the head is only a hint that the next reader helps on.
            if (next != NO_SEQUENCE && (returning || ring.region().isIntact()))
            {
                advanceHead(headOwed, next);
            }
        }
        return count;
    }

    /**
     * Delivers the held job to a drain's handler; if the handler throws, a job held in place is first moved into
     * the record and its slot released (the job stays held, unacknowledged), so it never pins a slot.
     */
    private void deliverFromDrain(final JobHandler handler)
    {
        try
        {
            deliver(handler);
        }
        catch (final RuntimeException | Error ex)
        {
            if (heldSlot != NOT_IN_SLOT && heldLease != NO_LEASE)
            {
                moveHeldIntoRecord();
            }
            throw ex;
        }
    }

    /**
     * The held job leased in place becomes a copy in the record (as a recoverer would make it), and its slot is
     * released: only this handle writes its LEASED record and its TAKEN slot.
     */
    private void moveHeldIntoRecord()
    {
        final int record = ring.leaseOffset(heldLease);
        final long sequence = words.leaseSequencePlain(record);
        heldSlot = NOT_IN_SLOT;
        if (recovery.moveInSlotJob(heldLease, record, sequence))
        {
            recovery.releaseTaken(heldLease, sequence);
        }
        else
        {
            clearHeld(); // a corrupt length, released and counted: nothing left to hold
        }
    }

    /**
     * The drain's fast path: takes the job of {@code sequence}, the one after the job this handle took last,
     * if it is published, without reading or moving the head, and leases it in place.
     */
    private boolean takeAt(final long sequence)
    {
        checkUsable();
        final int slot = ring.slotOffsetOf(sequence);
        final long word = words.slotWordVolatile(slot); // volatile: pairs with the producer's publish (release)
        if (word != slotWord(sequence, SLOT_PUBLISHED, 0))
        {
            return false;
        }
        final int record = ring.leaseOffset(ownLease);
        CrashPoints.at(RingCrashPoint.TAKE_SEQUENCE);
        // Plain: published by the CAS below; a recoverer that finds the slot TAKEN by us reads it.
        words.putLeaseSequencePlain(record, sequence);
        CrashPoints.at(RingCrashPoint.TAKE_SLOT_CAS);
        // CAS: decides which consumer takes the job (another one may have helped the head here already).
        if (!words.casSlotWord(slot, word, slotWord(sequence, SLOT_TAKEN, ownLease)))
        {
            return false;
        }
        leaseInSlot(slot, record, sequence);
        return true;
    }

    /**
     * Moves the head from where this drain left it to {@code to}, unless a reader already helped it further.
     * Every sequence below {@code to} was taken by this drain or passed by the head before.
     */
    private void advanceHead(final long from, final long to)
    {
        long head = from;
        while (head < to)
        {
            CrashPoints.at(RingCrashPoint.DRAIN_HEAD_CAS);
            // CAS: a run's worth of head moves at once; fails when a reader helped the head on meanwhile.
            if (words.casHead(head, to))
            {
                return;
            }
            head = words.headVolatile(); // volatile: where the helpers left it
        }
    }

    /**
     * Acknowledges the held job: it counts as completed (once, even if it was also delivered elsewhere) and
     * the lease is cleared.
     *
     * @throws IllegalStateException when no job is held.
     */
    public void taskDone()
    {
        checkUsable();
        if (heldLease == NO_LEASE || adopted)
        {
            throw new IllegalStateException("consumer of ring '" + ring.name() + "' holds no job");
        }
        final int record = ring.leaseOffset(heldLease);
        final long done = words.leaseBasePlain(record) + 1;
        CrashPoints.at(RingCrashPoint.DONE_STORE);
        // Release, and idempotent: a recoverer completing a redelivered copy stores the same value.
        words.leaseDoneRelease(record, done);
        if (heldSlot != NOT_IN_SLOT)
        {
            final long sequence = words.leaseSequencePlain(record); // our own record: the slot's sequence
            CrashPoints.at(RingCrashPoint.DONE_IN_SLOT_RELEASE);
            // Release, after done: a recoverer that finds the slot released knows the job was completed. Only we
            // move our TAKEN slot on; our reads of it happen before a producer reuses it.
            words.slotWordRelease(heldSlot, slotWord(sequence + capacity, SLOT_FREE, 0));
            heldSlot = NOT_IN_SLOT;
        }
        clearHeld();
    }

    private void clearHeld()
    {
        CrashPoints.at(RingCrashPoint.DONE_CLEAR);
        // Release: done (if any) is visible before the lease reads as cleared. A store, not a CAS: only the
        // holder writes a record it holds, and a live holder's record is never taken over (exact liveness).
        words.leaseWordRelease(ring.leaseOffset(heldLease),
            heldLease == ownLease ? leaseWord(token, 0, LEASE_RESERVED) : 0);
        heldLease = NO_LEASE;
        heldSlot = NOT_IN_SLOT;
    }

    /**
     * @return whether a job is held (polled and not yet acknowledged).
     */
    public boolean holdsJob()
    {
        return heldLease != NO_LEASE && !adopted;
    }

    /**
     * @return the held job's id.
     */
    public long heldJobId()
    {
        checkHeld();
        return heldJobId;
    }

    /**
     * @return the held job's delivery attempt.
     */
    public int heldAttempt()
    {
        checkHeld();
        return heldAttempt;
    }

    /**
     * @return the participant token of this handle.
     */
    public long token()
    {
        return token;
    }

    /**
     * Recovers what dead participants left (dead leases become PENDING; this handle takes none of them).
     *
     * @return how many leases or slots were recovered.
     */
    public int recoverDeadLeases()
    {
        checkUsable();
        int recovered = 0;
        for (int i = 0; i < ring.leaseCount(); i++)
        {
            recovered += recovery.recoverLease(i, false) != RingRecovery.NONE ? 1 : 0;
        }
        return recovered + (recovery.recoverPendingAtHead() ? 1 : 0);
    }

    /**
     * Gives a held job back (it is redelivered to another consumer), frees the lease record and detaches.
     * Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (ring.region().isIntact() && Thread.currentThread() == owner)
        {
            if (heldSlot != NOT_IN_SLOT && heldLease != NO_LEASE)
            {
                moveHeldIntoRecord(); // closed from inside a drain's handler: the record must hold the job
            }
            final boolean ownRecordHeld = heldLease == ownLease;
            if (heldLease != NO_LEASE)
            {
                final int record = ring.leaseOffset(heldLease);
                final long word = words.leaseWordVolatile(record); // volatile: our own lease
                CrashPoints.at(RingCrashPoint.CLOSE_PENDING);
                // CAS from our own LEASED word: hand the job, in its record, to any consumer (release semantics
                // publish the record); the CAS fails only if the record is no longer ours.
                if (leaseState(word) == LEASE_LEASED && leaseToken(word) == token &&
                    words.casLeaseWord(record, word,
                    leaseWord(0, adopted ? leaseAttempt(word) : leaseAttempt(word) + 1, LEASE_PENDING)) &&
                    !adopted)
                {
                    CrashPoints.at(RingCrashPoint.CLOSE_REDELIVERED_COUNT);
                    words.incrementCounterAtomic(ring.counterOffset(REDELIVERED_OFFSET)); // atomic: counted everywhere
                }
                heldLease = NO_LEASE;
                heldSlot = NOT_IN_SLOT;
                adopted = false;
            }
            if (!ownRecordHeld)
            {
                CrashPoints.at(RingCrashPoint.CLOSE_FREE_OWN);
                // CAS from our own RESERVED word: the record is free for anyone (release semantics).
                words.casLeaseWord(ring.leaseOffset(ownLease), leaseWord(token, 0, LEASE_RESERVED), 0);
            }
        }
        participant.close();
    }

    /**
     * Takes the job at the head into the own lease record: a copy, or (for a drain) a lease of it in its slot.
     */
    private boolean takeNext(final boolean inSlot)
    {
        headUnpublished = false;
        long head = words.headVolatile(); // volatile: the latest head
        while (true)
        {
            if (head < 0)
            {
                throw ring.corrupt("head", head, "a sequence is never negative");
            }
            final int slot = ring.slotOffsetOf(head);
            final long word = words.slotWordVolatile(slot); // volatile: pairs with the producer's publish (release)
            if (word == slotWord(head, SLOT_PUBLISHED, 0))
            {
                final int record = ring.leaseOffset(ownLease);
                CrashPoints.at(RingCrashPoint.TAKE_SEQUENCE);
                // Plain: published by the CAS below; a recoverer that finds the slot TAKEN by us reads it.
                words.putLeaseSequencePlain(record, head);
                CrashPoints.at(RingCrashPoint.TAKE_SLOT_CAS);
                // CAS: decides which consumer takes the job.
                if (words.casSlotWord(slot, word, slotWord(head, SLOT_TAKEN, ownLease)))
                {
                    // tag::take-head-cas[]
                    CrashPoints.at(RingCrashPoint.TAKE_HEAD_CAS);
                    // CAS: fails harmlessly when another consumer helped the head on already.
                    words.casHead(head, head + 1);
                    // end::take-head-cas[]
                    if (inSlot)
                    {
                        leaseInSlot(slot, record, head);
                    }
                    else
                    {
                        copy(slot, record, head);
                    }
                    lastTaken = head;
                    return true;
                }
                head = words.headVolatile();
                continue;
            }
            if (word == slotWord(head, SLOT_FREE, 0))
            {
                onUnpublished(head);
                return false;
            }
            // TAKEN or ABANDONED at the head, or a slot already released for a later lap: move the head on.
            if (!recovery.helpHead(head, word))
            {
                return false; // the slot still holds an older lap: nothing published at the head
            }
            head = words.headVolatile();
        }
    }

    private void copy(final int slot, final int record, final long sequence)
    {
        final int length = takenLength(slot, sequence);
        CrashPoints.at(RingCrashPoint.TAKE_COPY);
        recovery.copyIntoLease(slot, record, sequence, length);
        CrashPoints.at(RingCrashPoint.TAKE_LEASE_STORE);
        // Release: the copy is visible before the lease says LEASED. Only we write our RESERVED record.
        words.leaseWordRelease(record, leaseWord(token, 1, LEASE_LEASED));
        CrashPoints.at(RingCrashPoint.TAKE_SLOT_RELEASE);
        // Release: our reads of the slot happen before a producer reuses it. Only we move our TAKEN slot on.
        words.slotWordRelease(slot, slotWord(sequence + capacity, SLOT_FREE, 0));
        heldLease = ownLease;
    }

    /**
     * Holds a job this handle just TAKE-CASed without copying it: the record names the slot (in slot 1), and the
     * slot stays TAKEN until {@link #taskDone()} (or a recoverer copies it out if we die).
     */
    private void leaseInSlot(final int slot, final int record, final long sequence)
    {
        final int length = takenLength(slot, sequence);
        CrashPoints.at(RingCrashPoint.TAKE_IN_SLOT);
        words.leaseInSlotPlain(record, sequence, length);
        CrashPoints.at(RingCrashPoint.TAKE_IN_SLOT_LEASE_STORE);
        // Release: the record's fields are visible before it says LEASED. Only we write our RESERVED record.
        words.leaseWordRelease(record, leaseWord(token, 1, LEASE_LEASED));
        heldLease = ownLease;
        heldSlot = slot;
        heldSlotLength = length;
        heldJobId = sequence; // what the record now says: no need to read it back to deliver
        heldAttempt = 1;
    }

    /**
     * @return the length of a job this handle just took; a corrupt one is released, counted and thrown.
     */
    private int takenLength(final int slot, final long sequence)
    {
        final int length = words.slotLengthPlain(slot);
        if (ring.corruptLength(length))
        {
            CrashPoints.at(RingCrashPoint.TAKE_CORRUPT_RELEASE);
            // Release: give the slot back; the corrupt job is skipped and counted, never read.
            words.slotWordRelease(slot, slotWord(sequence + capacity, SLOT_FREE, 0));
            CrashPoints.at(RingCrashPoint.TAKE_CORRUPT_COUNT);
            words.incrementCounterAtomic(ring.counterOffset(ABANDONED_OFFSET)); // atomic: counted everywhere
            ring.checkedLength(length, "slot[" + (sequence & (capacity - 1)) + "]", sequence);
        }
        return length;
    }

    /**
     * The head slot is FREE for the head's sequence: the ring is empty, or the head is claimed but unpublished.
     * Notes it for the stall timer ({@link #onStallClock}), which abandons it after a stall if its claimant is dead.
     *
     * <p>This runs on every empty poll, so it reads no shared word and no clock: the tail, which every claim CASes,
     * is read only once the head has stayed unpublished for a stall period. Reading it at each empty poll, as this
     * did once, pulled the tail's cache line away from the producer at each of its claims.
     */
    private void onUnpublished(final long head)
    {
        headUnpublished = true;
        if (stalledSequence != head)
        {
            stalledSequence = head; // not timed yet: most heads are published within a few polls
            stalledSince = NOT_TIMED;
        }
    }

    /**
     * The stall timer, on a clocked empty poll that found {@link #stalledSequence} unpublished: times the stall
     * from the first such poll, and once it has lasted the stall budget, reads the tail and abandons the sequence
     * if its claimant is dead.
     *
     * @param now this poll's clock read.
     */
    private void onStallClock(final long now)
    {
        final long head = stalledSequence;
        if (stalledSince == NOT_TIMED)
        {
            stalledSince = now; // the stall is timed from here: at most a few polls late
            return;
        }
        if (now - stalledSince <= RingRecovery.STALL_NANOS)
        {
            return;
        }
        stalledSince = now;
        final long tail = words.tailVolatile(); // volatile: read after the head
        if (tail == head)
        {
            return; // empty, not stalled
        }
        if (tail < head)
        {
            // The tail only grows and was at least the head when the head was read: no crash leaves this.
            throw ring.corrupt("head", head, "ahead of tail=" + tail);
        }
        recovery.abandonIfOrphaned(head);
    }

    /**
     * Slow path: looks for PENDING leases and leases of dead holders, and takes the first it can.
     */
    private boolean scanLeases()
    {
        participant.heartbeat(); // slow path: tells inspect this consumer is alive and polling
        for (int i = 0; i < ring.leaseCount(); i++)
        {
            if (i != ownLease && recovery.scanLease(i) == i)
            {
                heldLease = i;
                scanInterval = MIN_SCAN_NANOS;
                nextScan = System.nanoTime();
                return true;
            }
        }
        scanInterval = Math.min(MAX_SCAN_NANOS, scanInterval * 2);
        nextScan = System.nanoTime() + scanInterval;
        return false;
    }

    private void deliver(final JobHandler handler)
    {
        if (heldSlot != NOT_IN_SLOT)
        {
            // Leased in place just now by this handle (id, attempt and length known, the length checked in the
            // slot): the handler reads the job there.
            view.wrap(buffer, heldSlot + SLOT_PAYLOAD_OFFSET, heldSlotLength);
            handler.onJob(heldJobId, heldAttempt, view, 0, heldSlotLength);
            return;
        }
        final int record = ring.leaseOffset(heldLease);
        final long word = words.leaseWordVolatile(record); // volatile: pairs with its release; the fields follow
        heldJobId = words.leaseJobIdPlain(record);
        heldAttempt = leaseAttempt(word);
        final int length = words.leaseLengthPlain(record);
        if (ring.corruptLength(length))
        {
            final long jobId = heldJobId;
            final int lease = heldLease;
            clearHeld(); // a corrupt lease cannot be delivered: drop it (not completed) rather than follow it
            CrashPoints.at(RingCrashPoint.TAKE_CORRUPT_COUNT);
            words.incrementCounterAtomic(ring.counterOffset(ABANDONED_OFFSET)); // atomic: counted everywhere
            ring.checkedLength(length, "lease[" + lease + "]", jobId);
        }
        view.wrap(buffer, record + LEASE_PAYLOAD_OFFSET, length);
        handler.onJob(heldJobId, heldAttempt, view, 0, length);
    }

    private void checkHeld()
    {
        if (heldLease == NO_LEASE || adopted)
        {
            throw new IllegalStateException("consumer of ring '" + ring.name() + "' holds no job");
        }
    }

    private void checkUsable()
    {
        if (closed)
        {
            throw new IllegalStateException("consumer closed: ring=" + ring.name());
        }
        if (Thread.currentThread() != owner)
        {
            throw new IllegalStateException("consumer of ring '" + ring.name() + "' used from thread " +
                Thread.currentThread().getName() + " but owned by " + owner.getName());
        }
        ring.region().checkOpen();
    }
}
