package dev.shoal.pool;

/**
 * Layout of a job as it sits in a job ring slot: one job, or a batch of arguments for the same handler
 * ({@code map} with a chunk size).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  0
 *  |                 pool job id of the first argument (long)      |
 *  +---------------------------------------------------------------+  8
 *  | count word (int): arguments,  |  handler name length (int)    |
 *  | earlier deliveries            |                               |
 *  +---------------------------------------------------------------+ 16
 *  |               handler name, UTF-8 (name length bytes)         |
 *  +---------------------------------------------------------------+
 *  |  argument 0 length (int)      |  argument 0 bytes ...         |
 *  +---------------------------------------------------------------+
 *  |  argument 1 length (int)      |  argument 1 bytes ...  (batch)|
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * A batch's arguments have consecutive job ids starting at the first. Every length is checked against the
 * frame's length before it is followed.
 *
 * <p>The count word holds the argument count in its low {@link #COUNT_BITS} bits and, in the bits above, the
 * deliveries the frame had before it last entered a ring: 0 for a frame a submitter wrote, and for a frame a remote
 * host was lost with and that went back into the pool's ring, the attempts it had on hosts. A reader adds them to
 * the ring's own attempt count, so the pool's {@code maxAttempts} bounds a job's deliveries across both (a job that
 * kills every host it lands on cannot cycle host, ring, host for ever). The word is plain data inside a slot: the
 * ring's publication orders it.
 */
final class JobFrameDescriptor
{
    static final int JOB_ID_OFFSET = 0;
    static final int COUNT_OFFSET = JOB_ID_OFFSET + Long.BYTES;
    static final int NAME_LENGTH_OFFSET = COUNT_OFFSET + Integer.BYTES;
    static final int NAME_OFFSET = NAME_LENGTH_OFFSET + Integer.BYTES;
    /** Bytes before the first argument, not counting the name. */
    static final int FIXED_LENGTH = NAME_OFFSET;
    /** Bytes of each argument's length prefix. */
    static final int ARG_HEADER_LENGTH = Integer.BYTES;
    /** Most arguments in one batch. */
    static final int MAX_BATCH = 1 << 16;
    /** Low bits of the count word that hold the argument count. */
    static final int COUNT_BITS = 24;
    /** Most earlier deliveries the count word keeps (it saturates: far above any pool's maxAttempts). */
    static final int MAX_EARLIER_DELIVERIES = (1 << (Integer.SIZE - COUNT_BITS - 1)) - 1;

    private JobFrameDescriptor()
    {
    }

    /**
     * @param countWord the frame's count word.
     * @return its argument count.
     */
    static int count(final int countWord)
    {
        // A negative word is never written (earlier deliveries saturate below the sign bit): corrupt, and -1 fails
        // every reader's range check rather than pass as 128 or more deliveries.
        return countWord < 0 ? -1 : countWord & ((1 << COUNT_BITS) - 1);
    }

    /**
     * @param countWord the frame's count word.
     * @return the deliveries the frame had before it last entered a ring.
     */
    static int earlierDeliveries(final int countWord)
    {
        return countWord >>> COUNT_BITS;
    }

    /**
     * @param count             argument count, 1..{@link #MAX_BATCH}.
     * @param earlierDeliveries deliveries before this ring (saturates at {@link #MAX_EARLIER_DELIVERIES}).
     * @return the count word.
     */
    static int countWord(final int count, final int earlierDeliveries)
    {
        return count | Math.min(Math.max(earlierDeliveries, 0), MAX_EARLIER_DELIVERIES) << COUNT_BITS;
    }

    static int frameLength(final int nameLength, final long argumentBytes, final int count)
    {
        final long total = FIXED_LENGTH + nameLength + (long)count * ARG_HEADER_LENGTH + argumentBytes;
        return total > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int)total;
    }
}
