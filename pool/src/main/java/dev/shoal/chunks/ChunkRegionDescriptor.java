package dev.shoal.chunks;

import dev.shoal.core.LongArrayDescriptor;
import dev.shoal.core.RegionSpec;

/**
 * Layout of a chunked run's region: three structures, made through core's public builder.
 *
 * <pre>
 *  "chunks.control"  padded long array (each word on its own 128-byte line)
 *      [0] CURSOR       next range index of the first pass: a claim is getAndAdd(CURSOR, 1)
 *      [1] DONE_COUNT   ranges marked done (progress; may lag by one range per crashed worker)
 *      [2] REDONE       ranges taken over from a claimer that died
 *      [3] FILE_LENGTH  [4] FILE_MODIFIED (epoch ms)  [5] CHUNK_BYTES  [6] RANGE_COUNT
 *      [7] SLOT_BYTES   [8] JOB_HASH (the job's class name and code, see JobCode)
 *      [9] INITIALISED  written last, with release, by the coordinator that set the words above
 *      [10] FIRST_CLAIM_NANOS  System.nanoTime() of this run's first claim, 0 before it (statistics only)
 *      [11] LAST_DONE_NANOS    System.nanoTime() of this run's latest range marked done (statistics only)
 *           Both are reset by the coordinator before it starts workers. On Linux, System.nanoTime() reads
 *           CLOCK_MONOTONIC, one clock for every process of the machine, so the coordinator can subtract them.
 *      [12] RUN_OWNER  the participant token of the coordinator running the region's run, 0 when none: a second
 *           coordinator finds it alive and refuses, or dead (killed) and takes it over, each by CAS
 *      [13] RUN_ID     a random number the owning coordinator writes after its CAS on RUN_OWNER; read again
 *           through a fresh mapping of the path, it proves the mapped file is still the one the path names
 *
 *  "chunks.state"    long array, one word per range:
 *      0 = FREE, 1 = DONE, any other value = the participant token of the claimer
 *
 *  "chunks.results"  bytes, RANGE_COUNT slots of SLOT_BYTES:
 *      0               8               16            20           24
 *      +---------------+---------------+-------------+------------+--------------------------+
 *      | lines (long)  | covered bytes | result len  | spill name | result bytes ...         |
 *      +---------------+---------------+-------------+------------+--------------------------+
 *      result len = -1: the result did not fit and is in the file "range-INDEX-NAME" of the side folder, NAME the
 *      spill name in hex: a random non-zero int its writer chose, so that a file written for another region of the
 *      same path (an orphan worker of a run discarded since) is never read as this one's; 0 in regions of builds
 *      before session 34, whose spill files are "range-INDEX".
 * </pre>
 */
final class ChunkRegionDescriptor
{
    static final String CONTROL = "chunks.control";
    static final String STATE = "chunks.state";
    static final String RESULTS = "chunks.results";

    static final int CURSOR = 0;
    static final int DONE_COUNT = 1;
    static final int REDONE = 2;
    static final int FILE_LENGTH = 3;
    static final int FILE_MODIFIED = 4;
    static final int CHUNK_BYTES = 5;
    static final int RANGE_COUNT = 6;
    static final int SLOT_BYTES = 7;
    static final int JOB_HASH = 8;
    static final int INITIALISED = 9;
    static final int FIRST_CLAIM_NANOS = 10;
    static final int LAST_DONE_NANOS = 11;
    static final int RUN_OWNER = 12;
    static final int RUN_ID = 13;
    static final int CONTROL_LENGTH = 14;

    static final long FREE = 0;
    static final long DONE = 1;
    static final long INITIALISED_MAGIC = 0x5348_4F41_4C43_484BL; // "SHOALCHK"

    static final int LINES_OFFSET = 0;
    static final int COVERED_OFFSET = 8;
    static final int RESULT_LENGTH_OFFSET = 16;
    static final int SPILL_NAME_OFFSET = 20;
    static final int SLOT_HEADER = 24;
    static final int SPILLED = -1;

    /** Most ranges a run may have: one state word each. */
    static final int MAX_RANGES = LongArrayDescriptor.MAX_LENGTH;
    /** Bound on the results structure; slots shrink to fit it and larger results spill to files. */
    static final long MAX_RESULTS_BYTES = 256L << 20;

    private ChunkRegionDescriptor()
    {
    }

    /**
     * @param fileLength bytes in the file.
     * @param chunkBytes bytes per range.
     * @return the number of ranges.
     * @throws IllegalArgumentException when there would be more than {@link #MAX_RANGES}.
     */
    static int rangeCount(final long fileLength, final long chunkBytes)
    {
        final long ranges = fileLength == 0 ? 0 : (fileLength - 1) / chunkBytes + 1;
        if (ranges > MAX_RANGES)
        {
            throw new IllegalArgumentException("too many ranges: fileLength=" + fileLength + " chunkBytes=" +
                chunkBytes + " ranges=" + ranges + " max=" + MAX_RANGES + "; use larger chunks");
        }
        return (int)ranges;
    }

    /**
     * @param ranges    range count.
     * @param hintBytes the job's typical result size.
     * @return slot size: header plus hint, a multiple of 8, shrunk so all slots fit {@link #MAX_RESULTS_BYTES}.
     */
    static int slotBytes(final int ranges, final int hintBytes)
    {
        final long wanted = align8(SLOT_HEADER + Math.max(8L, hintBytes));
        final long cap = (MAX_RESULTS_BYTES / Math.max(1, ranges)) & ~7L;
        return (int)Math.max(SLOT_HEADER + 8, Math.min(wanted, cap));
    }

    /**
     * @param ranges    range count, at least 1.
     * @param slotBytes slot size.
     * @return the region's layout.
     */
    static RegionSpec spec(final int ranges, final int slotBytes)
    {
        return RegionSpec.builder()
            .paddedLongArray(CONTROL, CONTROL_LENGTH)
            .longArray(STATE, ranges)
            .bytes(RESULTS, Math.multiplyExact(ranges, slotBytes))
            .build();
    }

    /**
     * @param index     range index.
     * @param slotBytes slot size.
     * @return offset of the range's slot in the results structure.
     */
    static int slotOffset(final int index, final int slotBytes)
    {
        return index * slotBytes;
    }

    private static long align8(final long value)
    {
        return (value + 7) & ~7L;
    }
}
