package dev.shoal.core;

/**
 * Layout of the region header: the first page of every region file.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  0
 *  |                 magic "SHOALRGN" (long, LE)                   |
 *  +---------------------------------------------------------------+  8
 *  |        layout version (int)   |  ready (int, written LAST)    |
 *  +---------------------------------------------------------------+ 16
 *  |                    region length (long)                       |
 *  +---------------------------------------------------------------+ 24
 *  |                    creator pid (long)                         |
 *  +---------------------------------------------------------------+ 32
 *  |             creator process start, epoch ms (long)            |
 *  +---------------------------------------------------------------+ 40
 *  |                  created at, epoch ms (long)                  |
 *  +---------------------------------------------------------------+ 48
 *  |   directory offset (int)      |   directory count (int)       |
 *  +---------------------------------------------------------------+ 56
 *  | participants offset (int)     | participant capacity (int)    |
 *  +---------------------------------------------------------------+ 64
 *  |                first structure offset (long)                  |
 *  +---------------------------------------------------------------+ 72
 *  |     flags (int)               |          reserved             |
 *  +---------------------------------------------------------------+ 80
 *  |                 ... zero up to one page (4096) ...            |
 *  +---------------------------------------------------------------+ 4096
 * </pre>
 *
 * <p>The creator writes every field, then the ready word with release semantics. An opener checks the file
 * length, the magic, the version and then the ready word (acquire) before it reads anything else.
 */
public final class HeaderDescriptor
{
    /** "SHOALRGN" read as a little-endian long. */
    public static final long MAGIC = 0x4E4752_4C414F4853L;
    /**
     * The layout this code writes and reads; any other version is refused. 2: process identities hold start
     * ticks since boot (1 held wall-clock centiseconds) and participant entries carry the boot id. 3: a job ring's
     * lease record says whether its job is still in its slot (a drain leases jobs in place), which a version-2
     * recoverer would not know to copy out. 4: a job ring's slots are padded to whole cache lines (a version-3 file
     * packs them, so its slots sit elsewhere).
     */
    public static final int LAYOUT_VERSION = 4;
    /** Value of the ready word once the creator has written everything else. */
    public static final int READY = 1;
    /** Page size used for alignment of the header and the structures. */
    public static final int PAGE_SIZE = 4096;

    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the layout version. */
    public static final int VERSION_OFFSET = MAGIC_OFFSET + Long.BYTES;
    /** Offset of the ready word. */
    public static final int READY_OFFSET = VERSION_OFFSET + Integer.BYTES;
    /** Offset of the region length. */
    public static final int REGION_LENGTH_OFFSET = READY_OFFSET + Integer.BYTES;
    /** Offset of the creator's pid. */
    public static final int CREATOR_PID_OFFSET = REGION_LENGTH_OFFSET + Long.BYTES;
    /** Offset of the creator's process start time. */
    public static final int CREATOR_START_OFFSET = CREATOR_PID_OFFSET + Long.BYTES;
    /** Offset of the creation time. */
    public static final int CREATED_AT_OFFSET = CREATOR_START_OFFSET + Long.BYTES;
    /** Offset of the directory offset. */
    public static final int DIRECTORY_OFFSET_OFFSET = CREATED_AT_OFFSET + Long.BYTES;
    /** Offset of the directory entry count. */
    public static final int DIRECTORY_COUNT_OFFSET = DIRECTORY_OFFSET_OFFSET + Integer.BYTES;
    /** Offset of the participant table offset. */
    public static final int PARTICIPANTS_OFFSET_OFFSET = DIRECTORY_COUNT_OFFSET + Integer.BYTES;
    /** Offset of the participant capacity. */
    public static final int PARTICIPANT_CAPACITY_OFFSET = PARTICIPANTS_OFFSET_OFFSET + Integer.BYTES;
    /** Offset of the first structure's offset. */
    public static final int FIRST_STRUCTURE_OFFSET_OFFSET = PARTICIPANT_CAPACITY_OFFSET + Integer.BYTES;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = FIRST_STRUCTURE_OFFSET_OFFSET + Long.BYTES;
    /** Length of the header: one page. */
    public static final int HEADER_LENGTH = PAGE_SIZE;

    /** Flag: the file was created readable and writable by its group. */
    public static final int FLAG_GROUP_ACCESS = 1;

    private HeaderDescriptor()
    {
    }

    /**
     * @param value a length or offset.
     * @return value rounded up to the next page boundary.
     */
    public static long alignToPage(final long value)
    {
        return (value + PAGE_SIZE - 1) & ~((long)PAGE_SIZE - 1);
    }
}
