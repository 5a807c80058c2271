package dev.shoal.journal;

/**
 * Layout of one journal record: the bytes of one Chronicle Queue excerpt, in the platform's byte order
 * (little-endian on x86-64 and aarch64). Result and log records share one layout, so one reader parses both.
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
 */
final class JournalRecordDescriptor
{
    /** Type byte of a result record. */
    static final byte TYPE_RESULT = 'R';
    /** Type byte of a log record. */
    static final byte TYPE_LOG = 'L';
    /** The record version this code writes and reads. */
    static final byte VERSION = 1;

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
    /** Smallest valid record: the header and three empty fields. */
    static final int MIN_LENGTH = HEADER_LENGTH + 3 * Integer.BYTES;

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
        if (version != VERSION)
        {
            throw new JournalFormatException("journal record at index=" + index + " has version=" + version +
                "; this Shoal reads version=" + VERSION + " (written by an incompatible Shoal)");
        }
    }

    /**
     * @param name      the field.
     * @param length    the length read.
     * @param remaining bytes left in the record.
     * @param index     the record's journal index, for the message.
     * @throws JournalFormatException when the length does not fit.
     */
    static void checkLength(final String name, final int length, final long remaining, final long index)
    {
        if (length < 0 || length > remaining)
        {
            throw new JournalFormatException("journal record at index=" + index + ": " + name + " length=" + length +
                " but remaining=" + remaining);
        }
    }
}
