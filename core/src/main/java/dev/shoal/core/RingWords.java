package dev.shoal.core;

import org.agrona.concurrent.AtomicBuffer;

import static dev.shoal.core.JobRingDescriptor.*;

/**
 * The shared words of a {@link JobRing}, one accessor per field and memory ordering, named by that ordering (like
 * {@link HeapPool} for the heap), so that each access in the protocol says what it pairs with.
 *
 * <ul>
 *   <li><b>head, tail</b>: read volatile (each decision is taken on the latest value), moved only by CAS, which
 *   is a full fence: a consumer that reads a tail past a sequence also sees the producer's claim intent, released
 *   before the tail CAS.</li>
 *   <li><b>slot word</b> (sequence, state, lease): read volatile; moved by CAS where several actors race for the
 *   same step (abandon, take, help, a {@code tryClaim} commit), by a release store where only its owner moves it
 *   (an offer's publish, the taker giving the slot back), so the payload and length written plain before it are
 *   visible to whoever reads it.</li>
 *   <li><b>slot length and payload</b>: plain, written by the claimant before the publish and read by a taker
 *   after the volatile read of the published word.</li>
 *   <li><b>lease word</b>: read volatile, moved by CAS when another process may race (takeover, adoption,
 *   reservation), by a release store by its holder, after the plain fields of the record.</li>
 *   <li><b>lease fields</b> (sequence, job id, length, in slot, payload, done): plain, published by the lease
 *   word; a recoverer that moves a job out of its slot clears the in-slot flag with a volatile store, read
 *   volatile by the next owner (a recoverer killed after it publishes nothing else).</li>
 *   <li><b>counters</b>: atomic adds, counted once by every process; read volatile.</li>
 * </ul>
 */
final class RingWords
{
    private final AtomicBuffer buffer;
    private final int headOffset;
    private final int tailOffset;

    RingWords(final AtomicBuffer buffer, final int headOffset, final int tailOffset)
    {
        this.buffer = buffer;
        this.headOffset = headOffset;
        this.tailOffset = tailOffset;
    }

    long headVolatile()
    {
        return buffer.getLongVolatile(headOffset);
    }

    boolean casHead(final long expected, final long update)
    {
        return buffer.compareAndSetLong(headOffset, expected, update);
    }

    long tailVolatile()
    {
        return buffer.getLongVolatile(tailOffset);
    }

    boolean casTail(final long expected, final long update)
    {
        return buffer.compareAndSetLong(tailOffset, expected, update);
    }

    long slotWordVolatile(final int slot)
    {
        return buffer.getLongVolatile(slot);
    }

    boolean casSlotWord(final int slot, final long expected, final long update)
    {
        return buffer.compareAndSetLong(slot, expected, update);
    }

    void slotWordRelease(final int slot, final long word)
    {
        buffer.putLongRelease(slot, word);
    }

    int slotLengthPlain(final int slot)
    {
        return buffer.getInt(slot + SLOT_LENGTH_OFFSET);
    }

    void putSlotLengthPlain(final int slot, final int length)
    {
        buffer.putInt(slot + SLOT_LENGTH_OFFSET, length);
    }

    long leaseWordVolatile(final int record)
    {
        return buffer.getLongVolatile(record + LEASE_WORD_OFFSET);
    }

    boolean casLeaseWord(final int record, final long expected, final long update)
    {
        return buffer.compareAndSetLong(record + LEASE_WORD_OFFSET, expected, update);
    }

    void leaseWordRelease(final int record, final long word)
    {
        buffer.putLongRelease(record + LEASE_WORD_OFFSET, word);
    }

    long leaseSequencePlain(final int record)
    {
        return buffer.getLong(record + LEASE_SEQUENCE_OFFSET);
    }

    void putLeaseSequencePlain(final int record, final long sequence)
    {
        buffer.putLong(record + LEASE_SEQUENCE_OFFSET, sequence);
    }

    long leaseJobIdPlain(final int record)
    {
        return buffer.getLong(record + LEASE_JOB_ID_OFFSET);
    }

    int leaseLengthPlain(final int record)
    {
        return buffer.getInt(record + LEASE_LENGTH_OFFSET);
    }

    void putSlotPayloadPlain(final int slot, final org.agrona.DirectBuffer source, final int offset, final int length)
    {
        buffer.putBytes(slot + SLOT_PAYLOAD_OFFSET, source, offset, length);
    }

    void putSlotPayloadPlain(final int slot, final byte[] source, final int offset, final int length)
    {
        buffer.putBytes(slot + SLOT_PAYLOAD_OFFSET, source, offset, length);
    }

    long leaseBasePlain(final int record)
    {
        return buffer.getLong(record + LEASE_BASE_OFFSET);
    }

    /**
     * Release: the holder's completion is visible to a recoverer that reads the lease word after it.
     */
    void leaseDoneRelease(final int record, final long done)
    {
        buffer.putLongRelease(record + LEASE_DONE_OFFSET, done);
    }

    /**
     * Copies a taken slot into a lease record the caller owns: plain stores (base from the record's done count,
     * job id, length, in slot 0, payload), published by the caller's release store of the lease word.
     */
    void copySlotIntoLeasePlain(final int slot, final int record, final long sequence, final int length)
    {
        buffer.putLong(record + LEASE_BASE_OFFSET, buffer.getLong(record + LEASE_DONE_OFFSET));
        buffer.putLong(record + LEASE_JOB_ID_OFFSET, sequence);
        buffer.putInt(record + LEASE_LENGTH_OFFSET, length);
        buffer.putInt(record + LEASE_IN_SLOT_OFFSET, 0);
        buffer.putBytes(record + LEASE_PAYLOAD_OFFSET, buffer, slot + SLOT_PAYLOAD_OFFSET, length);
    }

    /**
     * Leases a taken slot's job in place, in a record the caller owns: plain stores (base from the record's done
     * count, job id, length, in slot 1), no payload copy; published by the caller's release store of the lease word.
     */
    void leaseInSlotPlain(final int record, final long sequence, final int length)
    {
        buffer.putLong(record + LEASE_BASE_OFFSET, buffer.getLong(record + LEASE_DONE_OFFSET));
        buffer.putLong(record + LEASE_JOB_ID_OFFSET, sequence);
        buffer.putInt(record + LEASE_LENGTH_OFFSET, length);
        buffer.putInt(record + LEASE_IN_SLOT_OFFSET, 1);
    }

    /**
     * Copies the payload of a job leased in place into the record the caller owns (plain: the volatile store that
     * clears the in-slot flag after it publishes it). Base and job id were written when it was leased.
     */
    void copyInSlotPayloadPlain(final int slot, final int record, final int length)
    {
        buffer.putBytes(record + LEASE_PAYLOAD_OFFSET, buffer, slot + SLOT_PAYLOAD_OFFSET, length);
    }

    /**
     * @return whether the record's leased job is still in its slot (volatile: a recoverer killed after clearing
     *     it published nothing else that the next owner's CAS would pair with).
     */
    boolean leaseInSlotVolatile(final int record)
    {
        return buffer.getIntVolatile(record + LEASE_IN_SLOT_OFFSET) != 0;
    }

    /**
     * Volatile: the payload copied before it is visible to whoever reads the flag as 0.
     */
    void clearLeaseInSlotVolatile(final int record)
    {
        buffer.putIntVolatile(record + LEASE_IN_SLOT_OFFSET, 0);
    }

    /**
     * @param counter a counter's offset.
     * @return its value (volatile: sees every process's add before it).
     */
    long counterVolatile(final int counter)
    {
        return buffer.getLongVolatile(counter);
    }

    long leaseDoneVolatile(final int record)
    {
        return buffer.getLongVolatile(record + LEASE_DONE_OFFSET);
    }

    /**
     * @param counter a counter's offset ({@link JobRing#counterOffset}).
     */
    void incrementCounterAtomic(final int counter)
    {
        buffer.getAndAddLong(counter, 1);
    }
}
