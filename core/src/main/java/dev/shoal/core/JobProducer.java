package dev.shoal.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.core.JobRingDescriptor.*;

/**
 * Offers jobs to a {@link JobRing}. One handle per thread: it is a participant whose intent word names the
 * sequences it has claimed, which is how a consumer tells a dead claimant from a slow one. Using it from
 * another thread or after {@link #close()} throws {@link IllegalStateException}; {@link #close()} itself may be
 * called from any thread. No allocation per job.
 *
 * <p>Every job's id is its sequence in the ring (0 for the first job of a new ring).
 */
public final class JobProducer implements AutoCloseable
{
    /** Full: returned by {@link #tryClaim} when no slot is free. */
    public static final long FULL = -1;

    private static final VarHandle IN_FLIGHT;

    static
    {
        try
        {
            IN_FLIGHT = MethodHandles.lookup().findVarHandle(JobProducer.class, "inFlight", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }


    private final JobRing ring;
    /** The region, for zero-copy views of payloads only: the protocol's words go through {@link #words}. */
    private final AtomicBuffer buffer;
    private final RingWords words;
    private final Participant participant;
    private final RingRecovery recovery;
    private final Thread owner = Thread.currentThread();
    private final UnsafeBuffer claimView = new UnsafeBuffer(new byte[0]);
    private final int capacity;
    private final int slotBytes;
    private long claimed = FULL;
    private long stalledSequence = -1;
    private long stalledSince;
    /** Retries of a full ring since this handle was made (wraps): see {@link RingRecovery#POLLS_PER_CLOCK}. */
    private int fullRetries;
    /** Volatile: a close from another thread is seen by the owner's next offer (see awaitClaimInFlight). */
    private volatile boolean closed;
    /** A claim is between its tail CAS and its publish or abort; through {@link #IN_FLIGHT} only. */
    @SuppressWarnings("unused")
    private boolean inFlight;

    JobProducer(final JobRing ring, final Participant participant)
    {
        this.ring = ring;
        this.buffer = ring.buffer();
        this.words = ring.words();
        this.participant = participant;
        this.recovery = new RingRecovery(ring, participant.token());
        this.capacity = ring.capacity();
        this.slotBytes = ring.slotBytes();
        // Volatile: the tag is visible before any claim intent of this handle.
        participant.putIntentVolatile(JobRing.TAG_INTENT, ring.tag());
    }

    /**
     * Copies a job into the ring.
     *
     * @param source where the job is.
     * @param offset its offset.
     * @param length its length, at most the ring's slot bytes.
     * @return true when offered, false when the ring is full.
     * @throws IllegalArgumentException when the job is larger than a slot.
     */
    public boolean offer(final DirectBuffer source, final int offset, final int length)
    {
        checkUsable();
        checkLength(length);
        checkSource(offset, length, Objects.requireNonNull(source, "source").capacity());
        final long sequence = beginClaim(1);
        if (sequence == FULL)
        {
            return false;
        }
        try
        {
            write(sequence, source, offset, length);
        }
        catch (final RuntimeException | Error ex)
        {
            abandonClaim(sequence, 1); // never leave a live claim unpublished: every consumer would wait on it
            endClaim();
            throw ex;
        }
        publish(sequence, 1);
        return true;
    }

    /**
     * @param source the job.
     * @param offset its offset.
     * @param length its length.
     * @return true when offered, false when the ring is full.
     */
    public boolean offer(final byte[] source, final int offset, final int length)
    {
        checkUsable();
        checkLength(length);
        checkSource(offset, length, Objects.requireNonNull(source, "source").length);
        final long sequence = beginClaim(1);
        if (sequence == FULL)
        {
            return false;
        }
        try
        {
            final int slot = ring.slotOffsetOf(sequence);
            CrashPoints.at(RingCrashPoint.OFFER_WRITE);
            words.putSlotLengthPlain(slot, length);
            words.putSlotPayloadPlain(slot, source, offset, length);
        }
        catch (final RuntimeException | Error ex)
        {
            abandonClaim(sequence, 1); // never leave a live claim unpublished: every consumer would wait on it
            endClaim();
            throw ex;
        }
        publish(sequence, 1);
        return true;
    }

    /**
     * Offers {@code count} jobs at once, all or none, with one claim: jobs {@code i} are
     * {@code source[offsets[i] .. offsets[i] + lengths[i])}.
     *
     * @param source  where the jobs are.
     * @param offsets their offsets.
     * @param lengths their lengths.
     * @param count   how many, 1 to {@link JobRing#MAX_BATCH}.
     * @return the id of the first job (the others follow), or {@link #FULL} when there is no room for all.
     */
    public long offerBatch(final DirectBuffer source, final int[] offsets, final int[] lengths, final int count)
    {
        checkUsable();
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(offsets, "offsets");
        Objects.requireNonNull(lengths, "lengths");
        if (count < 1 || count > JobRing.MAX_BATCH || count > capacity)
        {
            throw new IllegalArgumentException("batch count must be 1.." + Math.min(JobRing.MAX_BATCH, capacity) +
                ": count=" + count);
        }
        if (offsets.length < count || lengths.length < count)
        {
            throw new IllegalArgumentException("batch count=" + count + " but offsets.length=" + offsets.length +
                " lengths.length=" + lengths.length);
        }
        for (int i = 0; i < count; i++)
        {
            checkLength(lengths[i]);
            checkSource(offsets[i], lengths[i], source.capacity());
        }
        final long first = beginClaim(count);
        if (first == FULL)
        {
            return FULL;
        }
        try
        {
            for (int i = 0; i < count; i++)
            {
                write(first + i, source, offsets[i], lengths[i]);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            abandonClaim(first, count); // never leave a live claim unpublished: every consumer would wait on it
            endClaim();
            throw ex;
        }
        publish(first, count);
        return first;
    }

    /**
     * Offers a job, waiting while the ring is full.
     *
     * @param source  where the job is.
     * @param offset  its offset.
     * @param length  its length.
     * @param timeout longest wait.
     * @param idle    how to wait.
     * @return true when offered; false on timeout, or at once when the calling thread is interrupted (its flag
     *     stays set: an idle strategy's park returns at once under it, a spin on a whole core).
     */
    public boolean put(
        final DirectBuffer source, final int offset, final int length, final Duration timeout, final IdleStrategy idle)
    {
        final long deadline = System.nanoTime() + Timeouts.nanos(Objects.requireNonNull(timeout, "timeout"));
        Objects.requireNonNull(idle, "idle").reset();
        while (!offer(source, offset, length))
        {
            if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted())
            {
                return false;
            }
            participant.heartbeat(); // waiting on a full ring: still alive
            idle.idle();
        }
        return true;
    }

    /**
     * Claims a slot for a job written in place: write it into {@link #claimed()}, then {@link #commit()} or
     * {@link #abort()}. One claim at a time.
     *
     * @param length the job's length, at most the ring's slot bytes.
     * @return the job's id, or {@link #FULL}.
     */
    public long tryClaim(final int length)
    {
        checkUsable();
        checkLength(length);
        final long sequence = beginClaim(1); // in flight until commit or abort: a foreign close waits for it
        if (sequence != FULL)
        {
            final int slot = ring.slotOffsetOf(sequence);
            CrashPoints.at(RingCrashPoint.OFFER_WRITE);
            words.putSlotLengthPlain(slot, length);
            claimView.wrap(buffer, slot + SLOT_PAYLOAD_OFFSET, length);
            claimed = sequence;
        }
        return sequence;
    }

    /**
     * @return a view of exactly the claimed job's bytes (bounds-checked), valid until commit or abort.
     */
    public MutableDirectBuffer claimed()
    {
        checkClaim();
        return claimView;
    }

    /**
     * Publishes the claimed job.
     */
    public void commit()
    {
        checkClaim();
        final long sequence = claimed;
        claimed = FULL;
        publish(sequence, 1);
    }

    /**
     * Gives the claimed slot up: consumers skip it, and it counts as aborted.
     */
    public void abort()
    {
        checkClaim();
        final long sequence = claimed;
        claimed = FULL;
        final boolean ours = abandonClaim(sequence, 1);
        endClaim();
        if (!ours)
        {
            throw lostClaim(sequence);
        }
    }

    /**
     * @return whether {@link #close()} has begun (from any thread).
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * @return the participant token of this handle.
     */
    public long token()
    {
        return participant.token();
    }

    /**
     * Aborts an open claim (from the owner thread) and detaches. Idempotent. From another thread, waits while the
     * owner thread is alive and has a claim in flight (an offer, or a {@link #tryClaim} not yet committed or
     * aborted): the owner publishes or gives it back first.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        if (claimed != FULL && Thread.currentThread() == owner && ring.region().isIntact())
        {
            abort();
        }
        closed = true; // volatile write: ordered before the reads below (see beginClaim)
        if (Thread.currentThread() != owner)
        {
            awaitClaimInFlight();
        }
        participant.close();
    }

    /**
     * A close from another thread (a pool closing the handle of a thread that ended, or a misuse) waits for the
     * owner's claim in flight, if any (an offer, or a {@link #tryClaim} until its commit or abort), before it
     * detaches: a claim is published with a plain release store, which is safe only while the handle's intent
     * still names it, so that no recoverer takes it for a dead one's.
     * Either this thread sees the claim in flight and waits for it, or the owner sees {@code closed} after its
     * claim and gives the claim up itself ({@link #beginClaim}): the volatile write of {@code closed} and the
     * volatile read of the tail below, against the owner's flag store, tail CAS and read of {@code closed}, are
     * the two halves of a Dekker handshake. An owner thread that has ended has nothing in flight.
     */
    private void awaitClaimInFlight()
    {
        words.tailVolatile(); // volatile read: orders our read of the flag after the tail CAS of any claim we race
        while ((boolean)IN_FLIGHT.getVolatile(this) && owner.isAlive())
        {
            Thread.onSpinWait(); // an offer is a bounded copy; a tryClaim is held as long as its owner holds it
        }
    }

    /**
     * Claims {@code count} consecutive sequences: returns the first, or FULL.
     */
    private long claim(final int count)
    {
        final int tailOffset = ring.tailOffset();
        long tail = words.tailVolatile(); // volatile: the latest claimed sequence
        if (tail < 0)
        {
            throw ring.corrupt("tail", tail, "a sequence is never negative");
        }
        while (true)
        {
            if (stalledSequence == tail && headShort(tail))
            {
                return FULL;
            }
            final long verdict = checkFree(tail, count);
            if (verdict == FULL)
            {
                return FULL;
            }
            if (verdict != tail)
            {
                tail = words.tailVolatile(); // stale tail: reload
                continue;
            }
            // Release, before the CAS: the CAS is a volatile write of the tail, so a consumer whose volatile read
            // sees the tail past our sequences also sees this intent (program order + synchronizes-with). A full
            // fence here would cost a second serialising instruction per offer for no extra guarantee.
            CrashPoints.at(RingCrashPoint.OFFER_INTENT);
            participant.putIntentReleaseUnchecked(JobRing.CLAIM_INTENT, claimWord(tail, count));
            CrashPoints.at(RingCrashPoint.OFFER_TAIL_CAS);
            // CAS: decides between racing producers which of them owns [tail, tail + count).
            if (words.casTail(tail, tail + count))
            {
                stalledSequence = -1;
                return tail;
            }
            // Lost the race: the intent names sequences another producer owns. Clear it (release: ordered before
            // our next claim) so that a recoverer never waits on us for them: if their owner dies and we go idle
            // (the ring full), a stale intent of ours would make them look claimed by a live producer forever.
            CrashPoints.at(RingCrashPoint.OFFER_INTENT_CLEAR);
            participant.putIntentReleaseUnchecked(JobRing.CLAIM_INTENT, 0);
            tail = words.tailVolatile();
        }
    }

    /**
     * @return {@code tail} when slots tail .. tail+count-1 are free for those sequences, FULL when the ring is
     *     full, another value when the tail is stale.
     */
    private long checkFree(final long tail, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long sequence = tail + i;
            final int slot = ring.slotOffsetOf(sequence);
            final long word = words.slotWordVolatile(slot); // volatile: the slot's state, pairs with its release
            if (word == slotWord(sequence, SLOT_FREE, 0))
            {
                continue;
            }
            final long previous = sequence - capacity;
            if (word == slotWord(previous, SLOT_ABANDONED, 0))
            {
                recovery.helpPast(previous); // an abandoner died before releasing: finish for it
                return tail + 1;
            }
            if (slotSequence(word) == (previous & SEQUENCE_MASK))
            {
                onFull(sequence, word);
                return FULL;
            }
            // The slot is for a later lap: the tail we read is stale, and the tail in memory has moved past this
            // sequence (a slot only moves past a sequence after the tail did). A tail that has not moved is one no
            // interleaving or crash produces: fail by name rather than retry forever.
            if (words.tailVolatile() == tail) // volatile: the latest tail
            {
                throw ring.corrupt("slot[" + (sequence & (capacity - 1)) + "]", word, "the tail=" + tail +
                    " never moved past it; expected FREE(" + sequence + ") or a word of sequence " + previous);
            }
            return tail + 1;
        }
        return tail;
    }

    /**
     * A full ring, waited on without touching the slot that blocks us: while the head has not passed the
     * sequence a lap before {@code tail}, that sequence is not taken yet, so its slot cannot be free for us. A
     * consumer writes that slot at least twice before it is ours (the take and the release): reading it at each
     * retry would pull its line away from the consumer each time, where the head moves once per drained run.
     * The head is only a hint that may lag (a consumer killed mid-run): past the stall budget the slot is read
     * again, and {@link #onFull} repairs it.
     *
     * @return true when the head is short of the blocking sequence and the stall is younger than the budget.
     */
    private boolean headShort(final long tail)
    {
        // Volatile: the latest head; a stale one only makes us wait for the next retry.
        // The clock on every POLLS_PER_CLOCK-th retry only: it costs more than the retry.
        return words.headVolatile() <= tail - capacity && ((++fullRetries & (RingRecovery.POLLS_PER_CLOCK - 1)) != 0 ||
            System.nanoTime() - stalledSince <= RingRecovery.STALL_NANOS);
    }

    /**
     * Slow path of a full ring: after a stall, a slot left TAKEN by a dead consumer is repaired.
     */
    private void onFull(final long sequence, final long word)
    {
        final long now = System.nanoTime();
        if (stalledSequence != sequence)
        {
            stalledSequence = sequence;
            stalledSince = now;
        }
        else if (now - stalledSince > RingRecovery.STALL_NANOS && slotState(word) == SLOT_TAKEN)
        {
            recovery.recoverLease(slotLease(word), false);
            stalledSince = now;
        }
    }

    private void write(final long sequence, final DirectBuffer source, final int offset, final int length)
    {
        final int slot = ring.slotOffsetOf(sequence);
        CrashPoints.at(RingCrashPoint.OFFER_WRITE);
        words.putSlotLengthPlain(slot, length);
        words.putSlotPayloadPlain(slot, source, offset, length);
    }

    /**
     * Claims with the in-flight flag raised first (lowered by {@link #publish} or an abort), and gives the claim
     * back when a foreign thread closed the handle meanwhile (see {@link #awaitClaimInFlight}).
     */
    private long beginClaim(final int count)
    {
        checkNoOpenClaim(); // every claim comes here: tryClaim's, each offer's, a batch's
        IN_FLIGHT.setRelease(this, true); // before the tail CAS (a full fence): seen by a closer that misses closed
        final long first;
        try
        {
            first = claim(count);
        }
        catch (final RuntimeException | Error ex)
        {
            endClaim(); // a corrupt ring, named by claim: nothing claimed, nothing for a closer to wait for
            throw ex;
        }
        if (first == FULL)
        {
            endClaim();
            return FULL;
        }
        if (closed) // volatile read after the tail CAS: a close that began before it
        {
            abandonClaim(first, count); // CAS from FREE: the closer may already be detaching us
            endClaim();
            throw new IllegalStateException("producer closed by another thread during a claim: ring=" + ring.name());
        }
        return first;
    }

    private void endClaim()
    {
        IN_FLIGHT.setRelease(this, false);
    }

    /**
     * Publishes sequences claimed by {@link #beginClaim} with a release store each, then lowers the in-flight
     * flag. A store, not a CAS: nobody else writes a slot claimed by a live, attached producer (a recoverer
     * abandons a claim only when no live participant's intent covers it, and our intent covers it until our next
     * claim; a closer from another thread waits for the claim in flight), and a locked instruction here waits for
     * every store of the payload to drain: measured, the CAS cost 256-byte jobs 40 % of their rate.
     */
    private void publish(final long first, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long sequence = first + i;
            CrashPoints.at(RingCrashPoint.OFFER_PUBLISH);
            // Release: the length and payload written before it are visible to a taker that reads PUBLISHED(s)
            // with a volatile load.
            words.slotWordRelease(ring.slotOffsetOf(sequence), slotWord(sequence, SLOT_PUBLISHED, 0));
        }
        endClaim();
        // No submitted counter to add to: submitted is derived from the tail (see JobRing.submitted()).
    }

    /**
     * Gives claimed, unpublished sequences up (abort, or an exception between claim and publish): each is
     * CASed {@code FREE(s) -> ABANDONED(s)}, the same decision a recoverer makes for a dead claimant.
     *
     * @return whether every sequence was still ours to abandon.
     */
    private boolean abandonClaim(final long first, final int count)
    {
        boolean all = true;
        for (int i = 0; i < count; i++)
        {
            final long sequence = first + i;
            CrashPoints.at(RingCrashPoint.ABORT_CAS);
            // CAS from FREE(sequence), as a recoverer's abandon: it fails if we were taken for dead and abandoned.
            if (words.casSlotWord(ring.slotOffsetOf(sequence), slotWord(sequence, SLOT_FREE, 0),
                slotWord(sequence, SLOT_ABANDONED, 0)))
            {
                CrashPoints.at(RingCrashPoint.ABORT_COUNT);
                words.incrementCounterAtomic(ring.counterOffset(ABORTED_OFFSET)); // atomic: counted by every process
            }
            else
            {
                all = false;
            }
        }
        return all;
    }

    private static void checkSource(final int offset, final int length, final int capacity)
    {
        if (offset < 0 || offset > capacity - length)
        {
            throw new IndexOutOfBoundsException("job source range offset=" + offset + " length=" + length +
                " outside source capacity=" + capacity);
        }
    }

    private IllegalStateException lostClaim(final long sequence)
    {
        return new IllegalStateException("ring '" + ring.name() + "' claim of sequence " + sequence +
            " was abandoned by a recoverer: this handle's participant was detached or taken over");
    }

    private void checkLength(final int length)
    {
        if (ring.corruptLength(length)) // the same bounds a taker checks
        {
            throw new IllegalArgumentException((length < 0 ? "job length is negative" : "job larger than a slot") +
                " of ring '" + ring.name() + "': length=" + length + " slotBytes=" + slotBytes);
        }
    }

    /**
     * One claim at a time, whatever the call (its arguments are checked first): an offer while a {@link #tryClaim}
     * is open would move this handle's claim intent off the open claim, and a consumer waiting on its slot would
     * then abandon it as a dead producer's (the job lost, and the ring full for good once {@link #commit}
     * published the passed slot).
     */
    private void checkNoOpenClaim()
    {
        if (claimed != FULL)
        {
            throw new IllegalStateException("claim of job " + claimed + " still open: commit or abort it first");
        }
    }

    /**
     * For commit and abort: a close begun by another thread meanwhile does not stop them, since that close waits
     * for the open claim to be published or given back.
     */
    private void checkClaim()
    {
        checkOwner();
        if (claimed == FULL)
        {
            throw new IllegalStateException(closed ? "producer closed: ring=" + ring.name() : "no open claim");
        }
    }

    private void checkUsable()
    {
        if (closed)
        {
            throw new IllegalStateException("producer closed: ring=" + ring.name());
        }
        checkOwner();
    }

    private void checkOwner()
    {
        if (Thread.currentThread() != owner)
        {
            throw new IllegalStateException("producer of ring '" + ring.name() + "' used from thread " +
                Thread.currentThread().getName() + " but owned by " + owner.getName());
        }
        ring.region().checkOpen();
    }
}
