package dev.shoal.core;

import org.agrona.concurrent.AtomicBuffer;

import static dev.shoal.core.JobRingDescriptor.*;

/**
 * The slow paths of a {@link JobRing} that repair what dead participants left behind. Each repair is decided
 * by one CAS from a value that names a dead holder (or a lap-tagged slot word), so racing recoverers, and a
 * slow but live holder, can never both act. Liveness is read only here, never on a fast path.
 *
 * <ul>
 *   <li>{@link #abandonIfOrphaned}: a claimed, unpublished head slot whose claimant is dead:
 *       {@code FREE(h) -> ABANDONED(h)}, the same expected value as the producer's publish CAS.</li>
 *   <li>{@link #recoverLease}: a lease record whose holder is dead: {@code LEASED(dead)} is handed to the
 *       caller or made {@code PENDING}; {@code RESERVED(dead)} is taken over, and a slot its holder had
 *       {@code TAKEN} but not yet copied is copied into it; either way the slot is released.</li>
 * </ul>
 */
final class RingRecovery
{
    /** Nothing was recovered. */
    static final int NONE = -1;
    /** Something was recovered and the caller holds nothing. */
    static final int RECOVERED = -2;
    /** How long a handle waits on one stalled sequence before it checks liveness. */
    static final long STALL_NANOS = 1_000_000L;
    /** How often {@link JobRing#join} runs recovery while it waits. */
    static final long JOIN_RECOVERY_NANOS = 20_000_000L;

    private final JobRing ring;
    private final AtomicBuffer buffer;
    private final ParticipantTable table;
    private final long token;
    private final int capacity;

    RingRecovery(final JobRing ring, final long token)
    {
        this.ring = ring;
        this.buffer = ring.buffer();
        this.table = ring.region().participants();
        this.token = token;
        this.capacity = ring.capacity();
    }

    /**
     * Abandons sequence {@code h} when its slot is claimed but unpublished and no live participant's claim
     * intent covers it. A live claimant wrote its intent (volatile) before its tail CAS, and we read the tail
     * past {@code h} before the intents, so a live claimant is always seen.
     *
     * @return true when this call abandoned the slot.
     */
    boolean abandonIfOrphaned(final long h)
    {
        final int slot = ring.slotOffsetOf(h);
        final long free = slotWord(h, SLOT_FREE, 0);
        // Volatile reads: the slot must still be unpublished and the tail past it before we look for a claimant.
        if (buffer.getLongVolatile(slot) != free || buffer.getLongVolatile(ring.tailOffset()) <= h)
        {
            return false;
        }
        for (int i = 0; i < table.capacity(); i++)
        {
            if (table.intentVolatile(i, JobRing.TAG_INTENT) == ring.tag() &&
                covers(table.intentVolatile(i, JobRing.CLAIM_INTENT), h))
            {
                final long holder = table.tokenAt(i);
                if (holder != 0 && table.isAlive(holder))
                {
                    return false; // a live producer is slow: wait for it, never race it
                }
            }
        }
        // CAS from FREE(h): the same expected value as the producer's publish, so exactly one of them wins.
        if (!buffer.compareAndSetLong(slot, free, slotWord(h, SLOT_ABANDONED, 0)))
        {
            return false;
        }
        buffer.getAndAddLong(ring.counterOffset(ABANDONED_OFFSET), 1); // atomic: counted by every process
        helpPast(h);
        return true;
    }

    /**
     * For supervisors: repairs the head slot if its claimant died, and helps the head past a taken slot.
     *
     * @return true when a claim was abandoned.
     */
    boolean recoverPendingAtHead()
    {
        final long h = buffer.getLongVolatile(ring.headOffset()); // volatile: the current head
        final long word = buffer.getLongVolatile(ring.slotOffsetOf(h)); // volatile: the slot's state for h
        if (word == slotWord(h, SLOT_FREE, 0))
        {
            return abandonIfOrphaned(h);
        }
        if (slotSequence(word) == (h & SEQUENCE_MASK) && slotState(word) != SLOT_PUBLISHED)
        {
            helpPast(h);
        }
        return false;
    }

    /**
     * Moves the head past {@code h} (whose slot is TAKEN or ABANDONED) and releases an abandoned slot. Head
     * first: a consumer that read the head before sees the slot still for {@code h} and helps too.
     */
    void helpPast(final long h)
    {
        // CAS: fails harmlessly when another process already moved the head.
        buffer.compareAndSetLong(ring.headOffset(), h, h + 1);
        // CAS from ABANDONED(h): releases the slot to the producer of h + capacity, once.
        buffer.compareAndSetLong(ring.slotOffsetOf(h), slotWord(h, SLOT_ABANDONED, 0),
            slotWord(h + capacity, SLOT_FREE, 0));
    }

    /**
     * Releases slot {@code sequence} when it is still TAKEN by {@code lease} (its taker died after copying).
     */
    void releaseTaken(final int lease, final long sequence)
    {
        if (sequence >= 0)
        {
            // CAS from the lap-tagged TAKEN word: a no-op when the taker released it already.
            buffer.compareAndSetLong(ring.slotOffsetOf(sequence), slotWord(sequence, SLOT_TAKEN, lease),
                slotWord(sequence + capacity, SLOT_FREE, 0));
        }
    }

    /**
     * Recovers lease record {@code index} when its holder is dead (or it is PENDING and the caller can take it).
     *
     * @param index    lease record.
     * @param canLease whether the caller (a consumer holding no job) takes the job itself.
     * @return {@code index} when the caller now holds the job in that record, {@link #RECOVERED} when something
     *     was repaired, {@link #NONE} otherwise.
     */
    int recoverLease(final int index, final boolean canLease)
    {
        final int record = ring.leaseOffset(index);
        final long word = buffer.getLongVolatile(record + LEASE_WORD_OFFSET); // acquire: the record's fields
        final int state = leaseState(word);
        if (state == LEASE_FREE)
        {
            return NONE;
        }
        final int attempt = leaseAttempt(word);
        if (state == LEASE_PENDING)
        {
            // The job is in the record: its slot, if a recoverer died before releasing it, can go.
            releaseTaken(index, buffer.getLong(record + LEASE_SEQUENCE_OFFSET));
            // CAS from PENDING: exactly one consumer takes a waiting job.
            return canLease && buffer.compareAndSetLong(record + LEASE_WORD_OFFSET, word,
                leaseWord(token, attempt, LEASE_LEASED)) ? index : NONE;
        }
        final long holder = leaseToken(word);
        if (holder == token || table.isAlive(holder))
        {
            return NONE;
        }
        if (state == LEASE_LEASED)
        {
            final long next = canLease ?
                leaseWord(token, attempt + 1, LEASE_LEASED) : leaseWord(0, attempt + 1, LEASE_PENDING);
            // CAS from LEASED(dead holder): exactly one recoverer redelivers the job.
            if (!buffer.compareAndSetLong(record + LEASE_WORD_OFFSET, word, next))
            {
                return NONE;
            }
            buffer.getAndAddLong(ring.counterOffset(REDELIVERED_OFFSET), 1); // atomic: counted by every process
            releaseTaken(index, buffer.getLong(record + LEASE_SEQUENCE_OFFSET));
            return canLease ? index : RECOVERED;
        }
        return recoverReserved(index, record, word, canLease);
    }

    /**
     * A RESERVED record of a dead handle: the handle may have died between winning a slot (TAKEN) and copying
     * it. Take the record over (CAS names us), then finish the copy from the still unreleased slot, or free it.
     */
    private int recoverReserved(final int index, final int record, final long word, final boolean canLease)
    {
        // CAS from RESERVED(dead): we become the record's only writer.
        if (!buffer.compareAndSetLong(record + LEASE_WORD_OFFSET, word, leaseWord(token, 0, LEASE_RESERVED)))
        {
            return NONE;
        }
        final long sequence = buffer.getLong(record + LEASE_SEQUENCE_OFFSET);
        final int slot = ring.slotOffsetOf(Math.max(0, sequence));
        // Volatile: a TAKEN word naming this record means the job is still in the slot, unreleased.
        if (sequence < 0 || buffer.getLongVolatile(slot) != slotWord(sequence, SLOT_TAKEN, index))
        {
            buffer.putLongRelease(record + LEASE_WORD_OFFSET, 0); // release: the record is free for anyone
            return RECOVERED;
        }
        final int length = buffer.getInt(slot + SLOT_LENGTH_OFFSET);
        if (length < 0 || length > ring.slotBytes())
        {
            buffer.getAndAddLong(ring.counterOffset(ABANDONED_OFFSET), 1); // a corrupt job is skipped, counted
            buffer.putLongRelease(record + LEASE_WORD_OFFSET, 0); // release: the record is free for anyone
            releaseTaken(index, sequence);
            return RECOVERED;
        }
        copyIntoLease(slot, record, sequence, length);
        final long next = canLease ? leaseWord(token, 1, LEASE_LEASED) : leaseWord(0, 1, LEASE_PENDING);
        buffer.putLongRelease(record + LEASE_WORD_OFFSET, next); // release: publishes the copy above
        releaseTaken(index, sequence);
        return canLease ? index : RECOVERED;
    }

    /**
     * Copies a taken slot into a lease record the caller owns: plain stores, published by the caller's release
     * store of the lease word.
     */
    void copyIntoLease(final int slot, final int record, final long sequence, final int length)
    {
        buffer.putLong(record + LEASE_BASE_OFFSET, buffer.getLong(record + LEASE_DONE_OFFSET));
        buffer.putLong(record + LEASE_JOB_ID_OFFSET, sequence);
        buffer.putInt(record + LEASE_LENGTH_OFFSET, length);
        buffer.putBytes(record + LEASE_PAYLOAD_OFFSET, buffer, slot + SLOT_PAYLOAD_OFFSET, length);
    }

    private static boolean covers(final long claim, final long h)
    {
        final long first = claim >>> 8;
        final long count = claim & 0xFF;
        return count > 0 && h >= first && h < first + count;
    }
}
