package dev.shoal.core;

/**
 * Layout of a {@link ScheduleHeap}: a header, a slot pool that holds the records (the truth), and two
 * indexes over the pool (the heap array and the free stack) that are rebuilt from the pool after a takeover.
 *
 * <pre>
 *  +-------------------------------------------+  0
 *  | header, five 128-byte lines (see below)   |
 *  +-------------------------------------------+  HEADER_LENGTH
 *  | slot pool: capacity x slotLength          |  per-slot state word is the truth
 *  +-------------------------------------------+  poolOffset + capacity * slotLength
 *  | heap index: capacity x int slot index     |  ordered by (key, insertion seq), min at [0]
 *  +-------------------------------------------+
 *  | free stack: capacity x int slot index     |  FREE slots, top at [freeCount - 1]
 *  +-------------------------------------------+  byteLength, 8-byte aligned
 * </pre>
 *
 * Header, one hot word group per 128-byte line:
 * <pre>
 *  line 0    0: lock word (owner token, 0 = free)       8: takeovers
 *           16: dirty word (token of a holder that began writing and did not finish, 0 = clean)
 *  line 1  128: head version (+1 per head change)     136: head key (Long.MAX_VALUE when empty)
 *  line 2  256: size (queued)   264: free count   272: next id counter   280: next insertion seq
 *  line 3  384: pushes  392: pops  400: reschedules  408: completes  416: cancels  424: redelivered
 *          432: replaces  440: repairs
 *  line 4  512: capacity   520: payload bytes   528: slot length     (written once at creation)
 * </pre>
 *
 * One slot, {@code slotLength} bytes (64-byte aligned):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  0
 *  |  state (long): FREE 0, QUEUED 1, LEASED 2, DROPPED 3          |
 *  +---------------------------------------------------------------+  8
 *  |  lease holder: participant token (long), valid when leased    |
 *  +---------------------------------------------------------------+ 16
 *  |  key (long)                                                   |
 *  +---------------------------------------------------------------+ 24
 *  |  id (long): id counter &lt;&lt; SLOT_BITS | slot index (positive)    |
 *  +---------------------------------------------------------------+ 32
 *  |  insertion seq (long): breaks ties between equal keys (FIFO)  |
 *  +---------------------------------------------------------------+ 40
 *  |  heap position (int)          |  payload length (int)         |
 *  +---------------------------------------------------------------+ 48
 *  |  deliveries (int)             |  reserved                     |
 *  +---------------------------------------------------------------+ 56
 *  |  reserved                                                     |
 *  +---------------------------------------------------------------+ 64
 *  |  payload (payloadBytes, padded to 64)                         |
 *  +---------------------------------------------------------------+ slotLength
 * </pre>
 *
 * Directory parameters: {@code params[0]} = capacity, {@code params[1]} = payload bytes.
 */
public final class ScheduleHeapDescriptor
{
    /** Bits of an id that hold the slot index; so that cancel finds a record in O(1). */
    public static final int SLOT_BITS = 24;
    /** Mask of the slot index in an id. */
    public static final long SLOT_MASK = (1L << SLOT_BITS) - 1;
    /**
     * Largest value of the id counter, 2^39 - 1: the largest whose id ({@code counter << SLOT_BITS | slot}) is still
     * positive. The counter runs 1, 2, ..., MAX_ID_COUNTER, then 1 again (0 is skipped: it would make id 0 of slot
     * 0). So ids are always positive, a record's id is shared with no other record present at the same time (the
     * slot index is part of it), and two records get the same id only when a whole cycle of 2^39 - 1 ids lies
     * between their pushes (about 21 days at 300 000 pushes a second).
     */
    public static final long MAX_ID_COUNTER = Long.MAX_VALUE >>> SLOT_BITS;
    /** Most records a heap may hold. */
    public static final int MAX_CAPACITY = 1 << SLOT_BITS;
    /** Largest payload of one record. */
    public static final int MAX_PAYLOAD_BYTES = 1 << 16;
    /** Alignment of a slot. */
    public static final int SLOT_ALIGNMENT = 64;
    /** Size of a line that holds a group of hot words. */
    public static final int LINE_LENGTH = 128;

    /** Directory parameter index of the capacity. */
    public static final int PARAM_CAPACITY = 0;
    /** Directory parameter index of the payload bytes. */
    public static final int PARAM_PAYLOAD_BYTES = 1;

    /** Slot state: holds no record. */
    public static final long FREE = 0;
    /** Slot state: a record in the heap, waiting for its key. */
    public static final long QUEUED = 1;
    /** Slot state: a record polled by the lease holder, not yet completed or rescheduled. */
    public static final long LEASED = 2;
    /** Slot state: a leased record cancelled or replaced meanwhile; freed when its holder is done with it. */
    public static final long DROPPED = 3;

    /** Offset of the lock word. */
    public static final int LOCK_OFFSET = 0;
    /** Offset of the takeover counter (written only on a takeover, so it may share the lock's line). */
    public static final int TAKEOVERS_OFFSET = LOCK_OFFSET + Long.BYTES;
    /**
     * Offset of the dirty word: 0 when the index, free stack and counts agree with the slot pool; else the token
     * of the holder that began writing under the lock and has not finished cleanly (it threw, or it died). The
     * next holder that finds it non-zero rebuilds from the pool before anything else. Written only by the lock
     * holder, right after the lock word, so it shares the lock's line (already owned by the holder's CAS).
     */
    public static final int DIRTY_OFFSET = TAKEOVERS_OFFSET + Long.BYTES;
    /** Offset of the head version: bumped whenever the head changes; watched by waiters in take. */
    public static final int HEAD_VERSION_OFFSET = LOCK_OFFSET + LINE_LENGTH;
    /** Offset of the head key. */
    public static final int HEAD_KEY_OFFSET = HEAD_VERSION_OFFSET + Long.BYTES;
    /** Offset of the size (queued records). */
    public static final int SIZE_OFFSET = HEAD_VERSION_OFFSET + LINE_LENGTH;
    /** Offset of the free count. */
    public static final int FREE_COUNT_OFFSET = SIZE_OFFSET + Long.BYTES;
    /** Offset of the next id counter. */
    public static final int NEXT_ID_OFFSET = FREE_COUNT_OFFSET + Long.BYTES;
    /** Offset of the next insertion sequence. */
    public static final int NEXT_SEQ_OFFSET = NEXT_ID_OFFSET + Long.BYTES;
    /** Offset of the push counter. */
    public static final int PUSHES_OFFSET = SIZE_OFFSET + LINE_LENGTH;
    /** Offset of the pop counter. */
    public static final int POPS_OFFSET = PUSHES_OFFSET + Long.BYTES;
    /** Offset of the reschedule counter. */
    public static final int RESCHEDULES_OFFSET = POPS_OFFSET + Long.BYTES;
    /** Offset of the complete counter. */
    public static final int COMPLETES_OFFSET = RESCHEDULES_OFFSET + Long.BYTES;
    /** Offset of the cancel counter. */
    public static final int CANCELS_OFFSET = COMPLETES_OFFSET + Long.BYTES;
    /** Offset of the redelivered counter. */
    public static final int REDELIVERED_OFFSET = CANCELS_OFFSET + Long.BYTES;
    /** Offset of the replace counter. */
    public static final int REPLACES_OFFSET = REDELIVERED_OFFSET + Long.BYTES;
    /** Offset of the repair counter: rebuilds of the index from the pool (after a takeover or a dirty word). */
    public static final int REPAIRS_OFFSET = REPLACES_OFFSET + Long.BYTES;
    /** Offset of the capacity (long, written once). */
    public static final int CAPACITY_OFFSET = PUSHES_OFFSET + LINE_LENGTH;
    /** Offset of the payload bytes (long, written once). */
    public static final int PAYLOAD_BYTES_OFFSET = CAPACITY_OFFSET + Long.BYTES;
    /** Offset of the slot length (long, written once). */
    public static final int SLOT_LENGTH_OFFSET = PAYLOAD_BYTES_OFFSET + Long.BYTES;
    /** Length of the header. */
    public static final int HEADER_LENGTH = CAPACITY_OFFSET + LINE_LENGTH;

    /** Offset in a slot of the state word. */
    public static final int SLOT_STATE_OFFSET = 0;
    /** Offset in a slot of the lease holder token. */
    public static final int SLOT_HOLDER_OFFSET = SLOT_STATE_OFFSET + Long.BYTES;
    /** Offset in a slot of the key. */
    public static final int SLOT_KEY_OFFSET = SLOT_HOLDER_OFFSET + Long.BYTES;
    /** Offset in a slot of the id. */
    public static final int SLOT_ID_OFFSET = SLOT_KEY_OFFSET + Long.BYTES;
    /** Offset in a slot of the insertion sequence. */
    public static final int SLOT_SEQ_OFFSET = SLOT_ID_OFFSET + Long.BYTES;
    /** Offset in a slot of the heap position. */
    public static final int SLOT_HEAP_POS_OFFSET = SLOT_SEQ_OFFSET + Long.BYTES;
    /** Offset in a slot of the payload length. */
    public static final int SLOT_PAYLOAD_LENGTH_OFFSET = SLOT_HEAP_POS_OFFSET + Integer.BYTES;
    /** Offset in a slot of the delivery count. */
    public static final int SLOT_DELIVERIES_OFFSET = SLOT_PAYLOAD_LENGTH_OFFSET + Integer.BYTES;
    /** Offset in a slot of the payload. */
    public static final int SLOT_PAYLOAD_OFFSET = 64;

    private ScheduleHeapDescriptor()
    {
    }

    /**
     * @param payloadBytes largest payload.
     * @return bytes per slot.
     */
    public static int slotLength(final int payloadBytes)
    {
        return align(SLOT_PAYLOAD_OFFSET + payloadBytes, SLOT_ALIGNMENT);
    }

    /**
     * @return offset of the slot pool within the structure.
     */
    public static int poolOffset()
    {
        return HEADER_LENGTH;
    }

    /**
     * @param capacity     records.
     * @param payloadBytes largest payload.
     * @return offset of the heap index within the structure.
     */
    public static long heapIndexOffset(final int capacity, final int payloadBytes)
    {
        return HEADER_LENGTH + (long)capacity * slotLength(payloadBytes);
    }

    /**
     * @param capacity     records.
     * @param payloadBytes largest payload.
     * @return offset of the free stack within the structure.
     */
    public static long freeStackOffset(final int capacity, final int payloadBytes)
    {
        return heapIndexOffset(capacity, payloadBytes) + (long)capacity * Integer.BYTES;
    }

    /**
     * @param capacity     records.
     * @param payloadBytes largest payload.
     * @return bytes the structure occupies.
     */
    public static long byteLength(final int capacity, final int payloadBytes)
    {
        return align(freeStackOffset(capacity, payloadBytes) + (long)capacity * Integer.BYTES, Long.BYTES);
    }

    /**
     * @param slotLength bytes per slot.
     * @param slot       slot index.
     * @return offset of the slot within the pool.
     */
    public static long slotOffset(final int slotLength, final int slot)
    {
        return (long)slot * slotLength;
    }

    /**
     * The id counter a push uses when the counter word reads {@code word}: the word itself when in 1 to
     * {@link #MAX_ID_COUNTER}, else 1. A word outside that range was left by a build that counted past the positive
     * ids (or written by something else); the cycle restarts rather than hand out a negative id.
     *
     * @param word the counter word as read.
     * @return the counter to use, in 1 to {@link #MAX_ID_COUNTER}.
     */
    public static long idCounterInRange(final long word)
    {
        return word >= 1 && word <= MAX_ID_COUNTER ? word : 1;
    }

    /**
     * @param counter an id counter in 1 to {@link #MAX_ID_COUNTER}.
     * @return the one after it: {@code counter + 1}, or 1 after {@link #MAX_ID_COUNTER}.
     */
    public static long nextIdCounter(final long counter)
    {
        return counter >= MAX_ID_COUNTER ? 1 : counter + 1;
    }

    /**
     * @param state a state word.
     * @return whether it is one of the four known states.
     */
    public static boolean isValidState(final long state)
    {
        return state >= FREE && state <= DROPPED;
    }

    /**
     * @param state a state word.
     * @return its name, or {@code UNKNOWN(n)}.
     */
    public static String stateName(final long state)
    {
        if (state == FREE)
        {
            return "FREE";
        }
        if (state == QUEUED)
        {
            return "QUEUED";
        }
        if (state == LEASED)
        {
            return "LEASED";
        }
        return state == DROPPED ? "DROPPED" : "UNKNOWN(" + state + ")";
    }

    /**
     * @param capacity records.
     * @throws IllegalArgumentException when out of range.
     */
    public static void checkCapacity(final int capacity)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("heap capacity must be 1.." + MAX_CAPACITY + ": capacity=" + capacity);
        }
    }

    /**
     * @param payloadBytes largest payload.
     * @throws IllegalArgumentException when out of range.
     */
    public static void checkPayloadBytes(final int payloadBytes)
    {
        if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD_BYTES)
        {
            throw new IllegalArgumentException("heap payload bytes must be 0.." + MAX_PAYLOAD_BYTES +
                ": payloadBytes=" + payloadBytes);
        }
    }

    /**
     * Checks a directory entry that claims to be a heap: parameters in range and the length enough for them.
     *
     * @param info the directory entry.
     * @throws RegionFormatException naming the field and value.
     */
    public static void checkStructure(final StructureInfo info)
    {
        final String field = "directory[" + info.index() + "]";
        final long capacity = info.param(PARAM_CAPACITY);
        final long payloadBytes = info.param(PARAM_PAYLOAD_BYTES);
        if (capacity < 1 || capacity > MAX_CAPACITY)
        {
            throw new RegionFormatException(field + ".params[0] (heap capacity)=" + capacity + " out of range 1.." +
                MAX_CAPACITY);
        }
        if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD_BYTES)
        {
            throw new RegionFormatException(field + ".params[1] (heap payload bytes)=" + payloadBytes +
                " out of range 0.." + MAX_PAYLOAD_BYTES);
        }
        final long needed = byteLength((int)capacity, (int)payloadBytes);
        if (info.length() < needed)
        {
            throw new RegionFormatException(field + ".length=" + info.length() + " too small for heap capacity=" +
                capacity + " payloadBytes=" + payloadBytes + " (needs " + needed + ")");
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
