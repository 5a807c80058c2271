package dev.shoal.core;

/**
 * Layout of one participant entry: a process or per-thread handle attached to the region. The table follows
 * the directory; the header gives its offset and capacity. Each entry is 128 bytes, so that entries written
 * by different processes never share a cache line pair.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  0
 *  |   owner word (long): 0 = free, -identity while the owner     |
 *  |   initialises the entry, +identity once it has (pid and      |
 *  |   start ticks, see ProcessLiveness); CAS                     |
 *  +---------------------------------------------------------------+  8
 *  |   generation (long): +1 on every attach; part of the token   |
 *  +---------------------------------------------------------------+ 16
 *  |                          pid (long)                           |
 *  +---------------------------------------------------------------+ 24
 *  |               process start, epoch ms (long)                  |
 *  +---------------------------------------------------------------+ 32
 *  |                 heartbeat, epoch ms (long)                    |
 *  +---------------------------------------------------------------+ 40
 *  |          role (int)           |          reserved             |
 *  +---------------------------------------------------------------+ 48
 *  |                 attached at, epoch ms (long)                  |
 *  +---------------------------------------------------------------+ 56
 *  |        intent words: 8 longs owned by the structures          |
 *  |        (e.g. a producer's claim intent on a job ring)         |
 *  +---------------------------------------------------------------+ 120
 *  |   boot id (long): hash of the owner's boot (0 = unknown),     |
 *  |   written before the owner word turns positive                |
 *  +---------------------------------------------------------------+ 128
 * </pre>
 */
public final class ParticipantDescriptor
{
    /** Number of intent words per entry. */
    public static final int INTENT_COUNT = 8;
    /** Most participants a region may hold. */
    public static final int MAX_CAPACITY = 4096;

    /** Offset of the owner word. */
    public static final int OWNER_OFFSET = 0;
    /** Offset of the generation. */
    public static final int GENERATION_OFFSET = OWNER_OFFSET + Long.BYTES;
    /** Offset of the pid. */
    public static final int PID_OFFSET = GENERATION_OFFSET + Long.BYTES;
    /** Offset of the process start time. */
    public static final int START_TIME_OFFSET = PID_OFFSET + Long.BYTES;
    /** Offset of the heartbeat. */
    public static final int HEARTBEAT_OFFSET = START_TIME_OFFSET + Long.BYTES;
    /** Offset of the role code. */
    public static final int ROLE_OFFSET = HEARTBEAT_OFFSET + Long.BYTES;
    /** Offset of the attach time. */
    public static final int ATTACHED_AT_OFFSET = ROLE_OFFSET + Long.BYTES;
    /** Offset of the first intent word. */
    public static final int INTENTS_OFFSET = ATTACHED_AT_OFFSET + Long.BYTES;
    /** Offset of the owner's boot id. */
    public static final int BOOT_ID_OFFSET = INTENTS_OFFSET + INTENT_COUNT * Long.BYTES;
    /** Length of one entry. */
    public static final int ENTRY_LENGTH = 128;

    private ParticipantDescriptor()
    {
    }

    /**
     * @param tableOffset where the table starts.
     * @param index       entry index.
     * @return offset of the entry.
     */
    public static int entryOffset(final int tableOffset, final int index)
    {
        return tableOffset + index * ENTRY_LENGTH;
    }

    /**
     * @param slot intent word index, 0 to {@link #INTENT_COUNT} - 1.
     * @return offset of the intent word within an entry.
     */
    public static int intentOffset(final int slot)
    {
        return INTENTS_OFFSET + slot * Long.BYTES;
    }
}
