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
 *  |     argument count (int)      |  handler name length (int)    |
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

    private JobFrameDescriptor()
    {
    }

    static int frameLength(final int nameLength, final long argumentBytes, final int count)
    {
        final long total = FIXED_LENGTH + nameLength + (long)count * ARG_HEADER_LENGTH + argumentBytes;
        return total > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int)total;
    }
}
