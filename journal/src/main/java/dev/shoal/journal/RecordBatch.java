package dev.shoal.journal;

import java.nio.charset.StandardCharsets;

import org.agrona.ExpandableArrayBuffer;

import static dev.shoal.journal.JournalRecordDescriptor.ATTEMPT_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.COMPACT_FIELDS_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.COMPLETED_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.FLAGS_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.FLAG_SAME_HANDLER;
import static dev.shoal.journal.JournalRecordDescriptor.JOB_ID_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.KEY_LENGTH_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.MAX_VARINT_BYTES;
import static dev.shoal.journal.JournalRecordDescriptor.RESERVED_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.STATUS_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.SUBMITTED_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.TYPE_LOG;
import static dev.shoal.journal.JournalRecordDescriptor.TYPE_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.TYPE_RESULT;
import static dev.shoal.journal.JournalRecordDescriptor.VERSION;
import static dev.shoal.journal.JournalRecordDescriptor.VERSION_COMPACT;
import static dev.shoal.journal.JournalRecordDescriptor.VERSION_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.WORKER_OFFSET;

/**
 * Records encoded in the {@link JournalRecordDescriptor} layout one after another in one reused buffer, so a batch
 * reaches the journal as one copy into one excerpt ({@link ResultJournal#append(RecordBatch)}): no record object
 * per result, no text encoded twice, no write through Chronicle per field. The one writer of the layout (every
 * append of {@link ResultJournal} goes through a batch); {@link JournalCodec} reads it. Results are written in the
 * compact version 2 (varints, job id and completed time relative to the batch's previous result, the handler
 * written only when it changes), log lines in version 1. A handler name's bytes are kept from one result to the
 * next; an ASCII key is written without a copy.
 *
 * <p>The buffer's byte order is the platform's, as Chronicle writes its own fields, so both kinds of writing give
 * the same bytes. Not thread-safe: one thread fills and appends a batch.
 */
final class RecordBatch
{
    private static final int INITIAL_BYTES = 64 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(INITIAL_BYTES);
    private int length;
    private int count;
    private String handler = "";
    private byte[] handlerBytes = EMPTY;
    /** The batch's previous result (version 2 writes the next one relative to it); null handler: none yet. */
    private String previousHandler;
    private long previousJobId;
    private long previousCompleted;

    /**
     * Encodes one result after the others.
     *
     * @param key                 the job key, "" for none.
     * @param jobId               the job id.
     * @param handlerName         the handler name.
     * @param status              how the job ended.
     * @param attempt             the attempt, 1-based.
     * @param workerId            the worker, or -1.
     * @param body                result bytes or error text.
     * @param submittedEpochNanos when the job was submitted.
     * @param completedEpochNanos when its result was read.
     */
    void add(final String key, final long jobId, final String handlerName, final JournalStatus status,
        final int attempt, final int workerId, final byte[] body, final long submittedEpochNanos,
        final long completedEpochNanos)
    {
        final int at = length;
        final boolean sameHandler = handlerName.equals(previousHandler);
        final byte[] handlerField = sameHandler ? EMPTY : handlerBytes(handlerName);
        // Room for the longest the record can be (UTF-8 takes at most 3 bytes a char), then plain array stores.
        buffer.checkLimit(at + COMPACT_FIELDS_OFFSET + 8 * MAX_VARINT_BYTES + 3 * key.length() +
            handlerField.length + body.length);
        final byte[] to = buffer.byteArray();
        to[at + TYPE_OFFSET] = TYPE_RESULT;
        to[at + VERSION_OFFSET] = VERSION_COMPACT;
        to[at + STATUS_OFFSET] = (byte)status.code();
        to[at + FLAGS_OFFSET] = sameHandler ? FLAG_SAME_HANDLER : 0;
        int next = putVarint(to, at + COMPACT_FIELDS_OFFSET, zigzag(workerId));
        next = putVarint(to, next, zigzag(jobId - previousJobId));
        next = putVarint(to, next, zigzag(attempt));
        next = putVarint(to, next, zigzag(completedEpochNanos - previousCompleted));
        next = putVarint(to, next, zigzag(completedEpochNanos - submittedEpochNanos));
        next = putText(to, next, key);
        if (!sameHandler)
        {
            next = putBytes(to, next, handlerField);
        }
        next = putBytes(to, next, body);
        previousHandler = handlerName;
        previousJobId = jobId;
        previousCompleted = completedEpochNanos;
        length = next; // only a whole record counts
        count++;
    }

    /**
     * @param record a result, encoded after the others.
     */
    void add(final ResultRecord record)
    {
        add(record.key(), record.jobId(), record.handler(), record.status(), record.attempt(), record.workerId(),
            record.body(), record.submittedEpochNanos(), record.completedEpochNanos());
    }

    /**
     * @param record a log line, encoded after the others (empty key and handler, as the layout says).
     */
    void add(final LogRecord record)
    {
        int next = header(TYPE_LOG, 0, record.workerId(), record.jobId(), 0L, record.epochNanos(), 0);
        next = putFixedBytes(next, EMPTY);
        next = putFixedBytes(next, EMPTY);
        next = putFixedBytes(next, record.text().getBytes(StandardCharsets.UTF_8));
        length = next;
        count++;
    }

    /**
     * Writes the fixed part of a record at the end of the batch.
     *
     * @return the index of its first variable-length field.
     */
    private int header(final byte type, final int status, final int workerId, final long jobId,
        final long submittedEpochNanos, final long completedEpochNanos, final int attempt)
    {
        final int at = length;
        buffer.putByte(at + TYPE_OFFSET, type);
        buffer.putByte(at + VERSION_OFFSET, VERSION);
        buffer.putByte(at + STATUS_OFFSET, (byte)status);
        buffer.putByte(at + RESERVED_OFFSET, (byte)0);
        buffer.putInt(at + WORKER_OFFSET, workerId);
        buffer.putLong(at + JOB_ID_OFFSET, jobId);
        buffer.putLong(at + SUBMITTED_OFFSET, submittedEpochNanos);
        buffer.putLong(at + COMPLETED_OFFSET, completedEpochNanos);
        buffer.putInt(at + ATTEMPT_OFFSET, attempt);
        return at + KEY_LENGTH_OFFSET;
    }

    /**
     * @return the records' bytes, from index 0; valid until the next {@link #add} or {@link #clear}.
     */
    byte[] array()
    {
        return buffer.byteArray();
    }

    /**
     * @return bytes of the records added since the last {@link #clear}.
     */
    int length()
    {
        return length;
    }

    /**
     * @return records added since the last {@link #clear}.
     */
    int count()
    {
        return count;
    }

    /**
     * Empties the batch; the buffer keeps its size.
     */
    void clear()
    {
        length = 0;
        count = 0;
        previousHandler = null;
        previousJobId = 0;
        previousCompleted = 0;
    }

    private byte[] handlerBytes(final String name)
    {
        if (!name.equals(handler))
        {
            handlerBytes = name.getBytes(StandardCharsets.UTF_8);
            handler = name;
        }
        return handlerBytes;
    }

    /**
     * Writes a key as a varint length and its UTF-8 bytes: an ASCII key char by char, without a copy.
     *
     * @return the index after it.
     */
    private static int putText(final byte[] to, final int at, final String text)
    {
        final int chars = text.length();
        for (int i = 0; i < chars; i++)
        {
            if (text.charAt(i) >= 0x80)
            {
                return putBytes(to, at, text.getBytes(StandardCharsets.UTF_8));
            }
        }
        int next = putVarint(to, at, chars);
        for (int i = 0; i < chars; i++)
        {
            to[next++] = (byte)text.charAt(i); // ASCII: one byte per char, as UTF-8
        }
        return next;
    }

    private static int putBytes(final byte[] to, final int at, final byte[] bytes)
    {
        final int next = putVarint(to, at, bytes.length);
        System.arraycopy(bytes, 0, to, next, bytes.length);
        return next + bytes.length;
    }

    /**
     * Writes {@code value} as an unsigned LEB128 varint: 7 bits a byte, the low groups first, the high bit set on
     * every byte but the last (at most {@value JournalRecordDescriptor#MAX_VARINT_BYTES} bytes).
     *
     * @return the index after it.
     */
    private static int putVarint(final byte[] to, final int at, final long value)
    {
        int next = at;
        long rest = value;
        while ((rest & ~0x7FL) != 0)
        {
            to[next++] = (byte)((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        to[next++] = (byte)rest;
        return next;
    }

    /**
     * @return {@code value} with its sign in the lowest bit, so small magnitudes of either sign are short varints.
     */
    private static long zigzag(final long value)
    {
        return (value << 1) ^ (value >> 63);
    }

    private int putFixedBytes(final int at, final byte[] bytes)
    {
        buffer.putInt(at, bytes.length);
        buffer.putBytes(at + Integer.BYTES, bytes);
        return at + Integer.BYTES + bytes.length;
    }
}
