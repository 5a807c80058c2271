package dev.shoal.journal;

/**
 * Layout of the journal's records. An excerpt holds one record or several back to back; every record starts with
 * the same four bytes (type, version, status, flags), so a reader can tell its layout.
 *
 * <p><b>Version 1</b> (log records; result records written before version 2), fixed-width fields in the
 * platform's byte order (little-endian on x86-64 and aarch64):
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+  0
 *  |  type 'R'/'L' |  version (1)  |    status     |   reserved    |
 *  +---------------+---------------+---------------+---------------+  4
 *  |                        worker id (int)                        |
 *  +---------------------------------------------------------------+  8
 *  |                         job id (long)                         |
 *  +---------------------------------------------------------------+ 16
 *  |              submitted, epoch nanos (long; log: 0)            |
 *  +---------------------------------------------------------------+ 24
 *  |     completed, epoch nanos (long; log: when it was received)  |
 *  +---------------------------------------------------------------+ 32
 *  |                   attempt (int; log: 0)                       |
 *  +---------------------------------------------------------------+ 36
 *  |  key length (int) | key, UTF-8 ...                            |
 *  |  handler length (int) | handler, UTF-8 ...                    |
 *  |  body length (int) | body ...                                 |
 *  +---------------------------------------------------------------+
 *  status: 0 ok, 1 handler threw, 2 failed (see JournalStatus)
 *  body:   ok: the result bytes; threw/failed: the error text, UTF-8; log: the line, UTF-8
 *  log records have an empty key and handler
 * </pre>
 *
 * <p><b>Version 2</b> (result records written by session 13's Shoal; still read), the same four bytes, then
 * unsigned LEB128 varints (7 bits a byte, low groups first, the high bit set on every byte but the last; at most 10
 * bytes), signed values zigzag-encoded ({@code (v << 1) ^ (v >> 63)}), and job id and completed time as the
 * difference from the previous version-2 record of the same excerpt (0 before the first):
 *
 * <pre>
 *   0  type 'R' | 1  version (2) | 2  status | 3  flags (bit 0: same handler as the previous record)
 *   4  varint zigzag(worker id)
 *      varint zigzag(job id - previous job id)
 *      varint zigzag(attempt)
 *      varint zigzag(completed - previous completed), epoch nanos
 *      varint zigzag(completed - submitted)
 *      varint key length, key UTF-8
 *      varint handler length, handler UTF-8         (absent when flags bit 0 is set)
 *      varint body length, body
 * </pre>
 *
 * <p><b>Version 3</b> (result records written now): a run of results that share status, worker, attempt, handler
 * and completed time (the pool's results of one read of a worker's result frame), their common fields written once:
 *
 * <pre>
 *   0  type 'R' | 1  version (3) | 2  status | 3  flags (bit 0: same handler as the previous run)
 *   4  results in the run (unsigned 16-bit, little-endian, at least 1)
 *   6  varint zigzag(worker id)
 *      varint zigzag(attempt)
 *      varint zigzag(completed - previous completed), epoch nanos
 *      varint handler length, handler UTF-8         (absent when flags bit 0 is set)
 *      then for each result:
 *      varint zigzag(job id - previous job id)
 *      varint zigzag(previous submitted - submitted)  (the first of a run: completed - submitted)
 *      varint key length, key UTF-8
 *      varint body length, body
 * </pre>
 *
 * "Previous" is the excerpt's previous run (completed, handler) or previous result (job id, 0 before the first).
 * A tiny result in a run of 32 takes 13 bytes, against 22 in version 2 and 60 in version 1: on this project's
 * 2-core VM the journal's cost follows the pages its bytes fill (docs/journal.md), so fewer bytes is less time.
 */
final class JournalRecordDescriptor
{
    /** Type byte of a result record. */
    static final byte TYPE_RESULT = 'R';
    /** Type byte of a log record. */
    static final byte TYPE_LOG = 'L';
    /** The fixed-width record version: log records are written in it, and results before version 2 were. */
    static final byte VERSION = 1;
    /** The compact result record version of session 13 (each result a record): read, no longer written. */
    static final byte VERSION_COMPACT = 2;

    static final int TYPE_OFFSET = 0;
    static final int VERSION_OFFSET = TYPE_OFFSET + 1;
    static final int STATUS_OFFSET = VERSION_OFFSET + 1;
    static final int RESERVED_OFFSET = STATUS_OFFSET + 1;
    static final int WORKER_OFFSET = RESERVED_OFFSET + 1;
    static final int JOB_ID_OFFSET = WORKER_OFFSET + Integer.BYTES;
    static final int SUBMITTED_OFFSET = JOB_ID_OFFSET + Long.BYTES;
    static final int COMPLETED_OFFSET = SUBMITTED_OFFSET + Long.BYTES;
    static final int ATTEMPT_OFFSET = COMPLETED_OFFSET + Long.BYTES;
    static final int KEY_LENGTH_OFFSET = ATTEMPT_OFFSET + Integer.BYTES;
    /** Bytes before the first variable-length field. */
    static final int HEADER_LENGTH = KEY_LENGTH_OFFSET;
    /** Smallest valid version-1 record: the header and three empty fields. */
    static final int MIN_LENGTH = HEADER_LENGTH + 3 * Integer.BYTES;

    /** Version 2: the byte after the status holds flags. */
    static final int FLAGS_OFFSET = RESERVED_OFFSET;
    /** Version 2 flag: the record has no handler field, its handler is the previous record's. */
    static final byte FLAG_SAME_HANDLER = 1;
    /** Version 2: where the varints start. */
    static final int COMPACT_FIELDS_OFFSET = WORKER_OFFSET;
    /** Smallest valid version-2 record: the four bytes, five one-byte varints and two empty fields. */
    static final int COMPACT_MIN_LENGTH = COMPACT_FIELDS_OFFSET + 7;
    /** The result-run record version this code writes. */
    static final byte VERSION_RUN = 3;
    /** Version 3: where the run's result count is, an unsigned 16-bit little-endian value. */
    static final int RUN_COUNT_OFFSET = FLAGS_OFFSET + 1;
    /** Version 3: where the varints start. */
    static final int RUN_FIELDS_OFFSET = RUN_COUNT_OFFSET + Short.BYTES;
    /** Version 3: most results in one run. */
    static final int MAX_RUN_RESULTS = 0xFFFF;
    /** Smallest valid version-3 record: six bytes, three one-byte varints (same handler) and one result's four. */
    static final int RUN_MIN_LENGTH = RUN_FIELDS_OFFSET + 3 + 4;
    /** Longest varint: a 64-bit value in 7-bit groups. */
    static final int MAX_VARINT_BYTES = 10;

    private JournalRecordDescriptor()
    {
    }

    /**
     * @param type    the type byte read.
     * @param version the version byte read.
     * @param index   the record's journal index, for the message.
     * @throws JournalFormatException when this code cannot read the record.
     */
    static void checkHeader(final byte type, final byte version, final long index)
    {
        if (type != TYPE_RESULT && type != TYPE_LOG)
        {
            throw new JournalFormatException("not a Shoal journal record at index=" + index + ": type=" + type);
        }
        if (version != VERSION && !((version == VERSION_COMPACT || version == VERSION_RUN) && type == TYPE_RESULT))
        {
            throw new JournalFormatException("journal record at index=" + index + " has version=" + version +
                " (type '" + (char)type + "'); this Shoal reads version=" + VERSION + " and, for results, versions " +
                VERSION_COMPACT + " and " + VERSION_RUN + " (written by an incompatible Shoal)");
        }
    }

    /**
     * @param name      the field.
     * @param length    the length read.
     * @param remaining bytes left in the record.
     * @param index     the record's journal index, for the message.
     * @throws JournalFormatException when the length does not fit.
     */
    static void checkLength(final String name, final long length, final long remaining, final long index)
    {
        if (length < 0 || length > remaining)
        {
            throw new JournalFormatException("journal record at index=" + index + ": " + name + " length=" + length +
                " but remaining=" + remaining);
        }
    }
}
