package dev.shoal.core;

/**
 * Layout of a {@link JobRing}: a header of 128-byte lines (one per contended word), the slot array, then one
 * lease record per participant-table entry. Every offset is relative to the start of the structure.
 *
 * <pre>
 *  +--------------------------------------------+     0
 *  | line 0: configuration, written at creation  |       magic, capacity, slot bytes, lease count, strides
 *  +--------------------------------------------+   128
 *  | line 1: tail: next sequence to claim        |       producers CAS
 *  +--------------------------------------------+   256
 *  | line 2: head: next sequence to take         |       consumers CAS (a hint, helped forward)
 *  +--------------------------------------------+   384
 *  | line 3: reserved (was submitted: now tail   |       submitted = tail - abandoned - aborted
 *  |         less abandoned and aborted)         |
 *  +--------------------------------------------+   512
 *  | line 4: redelivered                         |       recoverers getAndAdd
 *  +--------------------------------------------+   640
 *  | line 5: abandoned                           |       recoverers getAndAdd
 *  +--------------------------------------------+   768
 *  | line 6: aborted                             |       producers getAndAdd on abort
 *  +--------------------------------------------+   896
 *  | line 7: reserved                            |
 *  +--------------------------------------------+  1024 = SLOTS_OFFSET
 *  | slot[0] .. slot[capacity - 1]               |       SLOT_HEADER_LENGTH + slotBytes each, line-padded
 *  +--------------------------------------------+        leasesOffset(capacity, slotBytes), 128-aligned
 *  | lease[0] .. lease[leaseCount - 1]           |       leaseStride(slotBytes) each, 128-aligned
 *  +--------------------------------------------+
 * </pre>
 *
 * <h2>Configuration line</h2>
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  0
 *  |                     ring magic (long)                         |
 *  +---------------------------------------------------------------+  8
 *  |         capacity (int)        |        slot bytes (int)       |
 *  +---------------------------------------------------------------+ 16
 *  |       lease count (int)       |         reserved (int)        |
 *  +---------------------------------------------------------------+ 24
 * </pre>
 *
 * <h2>Slot</h2>
 * <pre>
 *  +---------------------------------------------------------------+  0
 *  |  slot word (long): sequence, state, taker's lease (see below)  |
 *  +---------------------------------------------------------------+  8
 *  |        length (int)           |         reserved (int)        |
 *  +---------------------------------------------------------------+ 16
 *  |                 payload: slot bytes                            |
 *  +---------------------------------------------------------------+
 * </pre>
 * The slot word packs the sequence it is for (low 47 bits of it), the taker's lease index and the state:
 * <pre>
 *   63 62                                     16 15                2 1   0
 *  +--+-----------------------------------------+-------------------+-----+
 *  | 0|     sequence &amp; (2^47 - 1)              |   lease index     |state|
 *  +--+-----------------------------------------+-------------------+-----+
 *  state: 0 FREE (claimable for that sequence), 1 PUBLISHED, 2 TAKEN (by the lease), 3 ABANDONED
 * </pre>
 * Because every word names its sequence, a stale reader's CAS fails instead of acting on a later lap (no ABA
 * unless a reader stalls for 2^47 sequences).
 *
 * <h2>Lease record</h2>
 * <pre>
 *  +---------------------------------------------------------------+  0
 *  |  lease word (long): holder token, attempt, state (see below)   |
 *  +---------------------------------------------------------------+  8
 *  |  done count (long): jobs completed through this record        |
 *  +---------------------------------------------------------------+ 16
 *  |  done base (long): done count when the current job was leased |
 *  +---------------------------------------------------------------+ 24
 *  |  sequence (long): the ring sequence being taken or held       |
 *  +---------------------------------------------------------------+ 32
 *  |  job id (long)                                                |
 *  +---------------------------------------------------------------+ 40
 *  |        length (int)           |         in slot (int)         |
 *  +---------------------------------------------------------------+ 48
 *  |  payload copy: slot bytes, then padding to 128 bytes           |
 *  +---------------------------------------------------------------+
 * </pre>
 * <pre>
 *   63 62                                          8 7           2 1   0
 *  +--+---------------------------------------------+-------------+-----+
 *  | 0|        holder's participant token            |   attempt   |state|
 *  +--+---------------------------------------------+-------------+-----+
 *  state: 0 FREE (word is 0), 1 RESERVED (a handle owns the record, no job),
 *         2 LEASED (the holder owns a job), 3 PENDING (a job waiting for any consumer; token 0)
 * </pre>
 * <p>In slot: 1 while a LEASED job is still in its slot ({@code TAKEN(sequence, this record)}) and the record holds
 * no copy of it (a drain hands the job over in place), 0 when the job, if any, is in the record's payload copy.
 * The value is meaningful only while the record is LEASED: every step that makes a record LEASED writes it first.
 */
public final class JobRingDescriptor
{
    /** Cache line pair that keeps contended words apart. */
    public static final int LINE = 128;
    /** Identifies ring memory ("SHOALRNG"). */
    public static final long RING_MAGIC = 0x53484F414C524E47L;
    /** Smallest capacity. */
    public static final int MIN_CAPACITY = 2;
    /** Largest capacity. */
    public static final int MAX_CAPACITY = 1 << 24;
    /** Largest slot payload. */
    public static final int MAX_SLOT_BYTES = 1 << 20;
    /** Directory parameter index of the capacity. */
    public static final int PARAM_CAPACITY = 0;
    /** Directory parameter index of the slot payload size. */
    public static final int PARAM_SLOT_BYTES = 1;

    /** Offset of the ring magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the capacity. */
    public static final int CAPACITY_OFFSET = MAGIC_OFFSET + Long.BYTES;
    /** Offset of the slot payload size. */
    public static final int SLOT_BYTES_OFFSET = CAPACITY_OFFSET + Integer.BYTES;
    /** Offset of the lease record count. */
    public static final int LEASE_COUNT_OFFSET = SLOT_BYTES_OFFSET + Integer.BYTES;
    /** Offset of the tail. */
    public static final int TAIL_OFFSET = LINE;
    /** Offset of the head. */
    public static final int HEAD_OFFSET = TAIL_OFFSET + LINE;
    /** Offset of a reserved line (a submitted counter once; submitted is now derived from the tail). */
    public static final int SUBMITTED_OFFSET = HEAD_OFFSET + LINE;
    /** Offset of the redelivered counter. */
    public static final int REDELIVERED_OFFSET = SUBMITTED_OFFSET + LINE;
    /** Offset of the abandoned counter. */
    public static final int ABANDONED_OFFSET = REDELIVERED_OFFSET + LINE;
    /** Offset of the aborted counter. */
    public static final int ABORTED_OFFSET = ABANDONED_OFFSET + LINE;
    /** Length of the header; the slots follow. */
    public static final int HEADER_LENGTH = ABORTED_OFFSET + 2 * LINE;
    /** Offset of slot 0. */
    public static final int SLOTS_OFFSET = HEADER_LENGTH;

    /** Offset of the slot word within a slot. */
    public static final int SLOT_WORD_OFFSET = 0;
    /** Offset of the job length within a slot. */
    public static final int SLOT_LENGTH_OFFSET = SLOT_WORD_OFFSET + Long.BYTES;
    /** Offset of the payload within a slot. */
    public static final int SLOT_PAYLOAD_OFFSET = SLOT_LENGTH_OFFSET + Long.BYTES;
    /** Length of a slot's header. */
    public static final int SLOT_HEADER_LENGTH = SLOT_PAYLOAD_OFFSET;

    /** Offset of the lease word within a lease record. */
    public static final int LEASE_WORD_OFFSET = 0;
    /** Offset of the done count within a lease record. */
    public static final int LEASE_DONE_OFFSET = LEASE_WORD_OFFSET + Long.BYTES;
    /** Offset of the done base within a lease record. */
    public static final int LEASE_BASE_OFFSET = LEASE_DONE_OFFSET + Long.BYTES;
    /** Offset of the sequence within a lease record. */
    public static final int LEASE_SEQUENCE_OFFSET = LEASE_BASE_OFFSET + Long.BYTES;
    /** Offset of the job id within a lease record. */
    public static final int LEASE_JOB_ID_OFFSET = LEASE_SEQUENCE_OFFSET + Long.BYTES;
    /** Offset of the job length within a lease record. */
    public static final int LEASE_LENGTH_OFFSET = LEASE_JOB_ID_OFFSET + Long.BYTES;
    /** Offset of the in-slot flag within a lease record: 1 while the leased job is still in its TAKEN slot. */
    public static final int LEASE_IN_SLOT_OFFSET = LEASE_LENGTH_OFFSET + Integer.BYTES;
    /** Offset of the payload copy within a lease record. */
    public static final int LEASE_PAYLOAD_OFFSET = LEASE_LENGTH_OFFSET + Long.BYTES;

    /** Slot state: claimable by the producer of the word's sequence. */
    public static final int SLOT_FREE = 0;
    /** Slot state: holds a job for the word's sequence. */
    public static final int SLOT_PUBLISHED = 1;
    /** Slot state: a consumer won the job and is copying it into the named lease record. */
    public static final int SLOT_TAKEN = 2;
    /** Slot state: the sequence carries no job (its producer died, or aborted the claim). */
    public static final int SLOT_ABANDONED = 3;

    /** Lease state: nobody owns the record. */
    public static final int LEASE_FREE = 0;
    /** Lease state: a handle owns the record and holds no job in it. */
    public static final int LEASE_RESERVED = 1;
    /** Lease state: the holder owns the job in the record. */
    public static final int LEASE_LEASED = 2;
    /** Lease state: the job in the record waits for any consumer. */
    public static final int LEASE_PENDING = 3;

    /** Most sequences one claim takes (one intent word holds the count in its low byte). */
    public static final int MAX_CLAIM = 255;

    /** Bits of the slot word's sequence. */
    public static final int SEQUENCE_BITS = 47;
    /** Mask of the slot word's sequence. */
    public static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;
    /** Largest lease index a slot word can name. */
    public static final int MAX_LEASES = 1 << 14;
    /** Largest attempt count a lease word keeps (it saturates). */
    public static final int MAX_ATTEMPT = 63;
    /** Largest token a lease word can hold. */
    public static final long MAX_TOKEN = (1L << 55) - 1;

    private JobRingDescriptor()
    {
    }

    /**
     * A slot is padded to a whole number of cache lines, so no two slots share a line: a consumer releasing slot
     * {@code s} and the producer writing slot {@code s + 1} never pull the same line from each other, and a small
     * job's word, length and payload travel as one line. Measured on the ping-pong (one job in flight each way,
     * 32-byte jobs): p50 round trip 682-731 ns with 64-byte slots against 962-1031 ns with 48-byte ones
     * (docs/benchmarks.md, session 10).
     *
     * @param slotBytes payload bytes per slot.
     * @return bytes of one slot, a multiple of {@link #LINE}.
     */
    public static int slotStride(final int slotBytes)
    {
        return align(SLOT_HEADER_LENGTH + slotBytes, LINE);
    }

    /**
     * @param slotBytes payload bytes per slot (and per lease copy).
     * @return bytes of one lease record, a multiple of {@link #LINE}.
     */
    public static int leaseStride(final int slotBytes)
    {
        return align(LEASE_PAYLOAD_OFFSET + slotBytes, LINE);
    }

    /**
     * @param capacity  slot count.
     * @param slotBytes payload bytes per slot.
     * @return offset of lease record 0.
     */
    public static long leasesOffset(final int capacity, final int slotBytes)
    {
        return align(SLOTS_OFFSET + (long)capacity * slotStride(slotBytes), LINE);
    }

    /**
     * @param capacity   slot count.
     * @param slotBytes  payload bytes per slot.
     * @param leaseCount lease records (the region's participant capacity).
     * @return the ring's byte length.
     */
    public static long byteLength(final int capacity, final int slotBytes, final int leaseCount)
    {
        return leasesOffset(capacity, slotBytes) + (long)leaseCount * leaseStride(slotBytes);
    }

    /**
     * @param base      ring offset in the region.
     * @param slotBytes payload bytes per slot.
     * @param index     slot index.
     * @return region offset of the slot.
     */
    public static int slotOffset(final int base, final int slotBytes, final int index)
    {
        return base + SLOTS_OFFSET + index * slotStride(slotBytes);
    }

    /**
     * @param leasesBase region offset of lease record 0.
     * @param slotBytes  payload bytes per slot.
     * @param index      lease index.
     * @return region offset of the lease record.
     */
    public static int leaseOffset(final int leasesBase, final int slotBytes, final int index)
    {
        return leasesBase + index * leaseStride(slotBytes);
    }

    /**
     * A producer's claim intent, stored in its participant entry before its tail CAS: the first sequence it
     * claims and how many (1 to 255), so that a recoverer can tell a claimed-but-unpublished slot of a live
     * producer from an orphan.
     *
     * @param first the first sequence claimed.
     * @param count how many sequences, 1 to {@value #MAX_CLAIM}.
     * @return the intent word (0 means none).
     */
    public static long claimWord(final long first, final int count)
    {
        return (first << 8) | count;
    }

    /**
     * @param claim an intent word.
     * @return its first sequence.
     */
    public static long claimFirst(final long claim)
    {
        return claim >>> 8;
    }

    /**
     * @param claim an intent word.
     * @return how many sequences it claims (0 for no intent).
     */
    public static int claimCount(final long claim)
    {
        return (int)(claim & MAX_CLAIM);
    }

    /**
     * @param sequence ring sequence.
     * @param state    one of the SLOT_ states.
     * @param lease    the taker's lease index, for {@link #SLOT_TAKEN}; 0 otherwise.
     * @return the slot word.
     */
    public static long slotWord(final long sequence, final int state, final int lease)
    {
        return ((sequence & SEQUENCE_MASK) << 16) | ((long)lease << 2) | state;
    }

    /**
     * @param word a slot word.
     * @return its state.
     */
    public static int slotState(final long word)
    {
        return (int)(word & 3);
    }

    /**
     * @param word a slot word.
     * @return the lease index it names.
     */
    public static int slotLease(final long word)
    {
        return (int)((word >>> 2) & (MAX_LEASES - 1));
    }

    /**
     * @param word a slot word.
     * @return the low {@link #SEQUENCE_BITS} bits of its sequence.
     */
    public static long slotSequence(final long word)
    {
        return word >>> 16;
    }

    /**
     * @param token   holder token, 0 for none.
     * @param attempt delivery attempt, saturating at {@link #MAX_ATTEMPT}.
     * @param state   one of the LEASE_ states.
     * @return the lease word.
     */
    public static long leaseWord(final long token, final int attempt, final int state)
    {
        return (token << 8) | ((long)Math.min(attempt, MAX_ATTEMPT) << 2) | state;
    }

    /**
     * @param word a lease word.
     * @return its state.
     */
    public static int leaseState(final long word)
    {
        return (int)(word & 3);
    }

    /**
     * @param word a lease word.
     * @return its attempt count.
     */
    public static int leaseAttempt(final long word)
    {
        return (int)((word >>> 2) & MAX_ATTEMPT);
    }

    /**
     * @param word a lease word.
     * @return the holder token.
     */
    public static long leaseToken(final long word)
    {
        return word >>> 8;
    }

    /**
     * @param capacity slot count.
     * @throws IllegalArgumentException unless a power of two in range.
     */
    public static void checkCapacity(final int capacity)
    {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("ring capacity must be a power of two in " + MIN_CAPACITY + ".." +
                MAX_CAPACITY + ": capacity=" + capacity);
        }
    }

    /**
     * @param slotBytes payload bytes per slot.
     * @throws IllegalArgumentException unless a multiple of 8 in range.
     */
    public static void checkSlotBytes(final int slotBytes)
    {
        if (slotBytes < Long.BYTES || slotBytes > MAX_SLOT_BYTES || (slotBytes & (Long.BYTES - 1)) != 0)
        {
            throw new IllegalArgumentException("ring slot bytes must be a multiple of 8 in " + Long.BYTES + ".." +
                MAX_SLOT_BYTES + ": slotBytes=" + slotBytes);
        }
    }

    /**
     * @param leaseCount lease records.
     * @throws IllegalArgumentException when a slot word could not name every record.
     */
    public static void checkLeaseCount(final int leaseCount)
    {
        if (leaseCount < 1 || leaseCount > MAX_LEASES)
        {
            throw new IllegalArgumentException("ring lease count must be 1.." + MAX_LEASES + ": leaseCount=" +
                leaseCount);
        }
    }

    private static int align(final int value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }

    private static long align(final long value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }
}
