package dev.shoal.journal;

import java.nio.charset.StandardCharsets;

import org.agrona.ExpandableArrayBuffer;

import static dev.shoal.journal.JournalRecordDescriptor.ATTEMPT_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.COMPLETED_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.FLAGS_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.FLAG_SAME_HANDLER;
import static dev.shoal.journal.JournalRecordDescriptor.JOB_ID_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.KEY_LENGTH_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.MAX_RUN_RESULTS;
import static dev.shoal.journal.JournalRecordDescriptor.MAX_VARINT_BYTES;
import static dev.shoal.journal.JournalRecordDescriptor.RESERVED_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.RUN_COUNT_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.RUN_FIELDS_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.STATUS_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.SUBMITTED_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.TYPE_LOG;
import static dev.shoal.journal.JournalRecordDescriptor.TYPE_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.TYPE_RESULT;
import static dev.shoal.journal.JournalRecordDescriptor.VERSION;
import static dev.shoal.journal.JournalRecordDescriptor.VERSION_RUN;
import static dev.shoal.journal.JournalRecordDescriptor.VERSION_OFFSET;
import static dev.shoal.journal.JournalRecordDescriptor.WORKER_OFFSET;

/**
 * Records encoded in the {@link JournalRecordDescriptor} layout one after another in one reused buffer, so a batch
 * reaches the journal as one copy into one excerpt ({@link ResultJournal#append(RecordBatch)}): no record object
 * per result, no text encoded twice, no write through Chronicle per field. The one writer of the layout (every
 * append of {@link ResultJournal} goes through a batch); {@link JournalCodec} reads it. Results are written in
 * version 3: runs of results sharing status, worker, attempt, handler and completed time, their common fields once,
 * varints relative to the previous result; log lines in version 1. A handler name's bytes are kept from one result
 * to the next; an ASCII key is written without a copy.
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
    /** Where the open run's record starts, or -1 when the next result opens one. */
    private int runAt = -1;
    private int runCount;
    private int runStatus;
    private int runWorker;
    private int runAttempt;
    /** The open (or last) run's handler and completed time; null handler: no run yet in this batch. */
    private String runHandler;
    private long runCompleted;
    private long previousJobId;
    private long previousSubmitted;

    /**
     * Encodes one result after the others: into the open run when it shares the run's status, worker, attempt,
     * handler and completed time, else into a new run.
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
        final int code = status.code();
        final boolean sameHandler = handlerName.equals(runHandler);
        final boolean joins = sameHandler && runAt >= 0 && runCount < MAX_RUN_RESULTS &&
            completedEpochNanos == runCompleted && code == runStatus && workerId == runWorker && attempt == runAttempt;
        final byte[] handlerField = sameHandler ? EMPTY : handlerBytes(handlerName);
        // Room for the longest a run header and the result can be (8 varints; UTF-8 takes at most 3 bytes a char),
        // checked before any state changes, then plain array stores.
        buffer.checkLimit(length + RUN_FIELDS_OFFSET + 8 * MAX_VARINT_BYTES + handlerField.length + 3 * key.length() +
            body.length);
        final byte[] to = buffer.byteArray();
        int next = joins ? length : openRun(to, length, code, workerId, attempt, handlerName, sameHandler,
            handlerField, completedEpochNanos);
        next = putVarint(to, next, zigzag(jobId - previousJobId));
        next = putVarint(to, next, zigzag(previousSubmitted - submittedEpochNanos));
        next = putText(to, next, key);
        next = putBytes(to, next, body);
        previousJobId = jobId;
        previousSubmitted = submittedEpochNanos;
        runCount++;
        to[runAt + RUN_COUNT_OFFSET] = (byte)runCount; // little-endian, as the layout says
        to[runAt + RUN_COUNT_OFFSET + 1] = (byte)(runCount >>> 8);
        length = next; // only a whole result counts
        count++;
    }

    /**
     * Writes a run's header and common fields at {@code at} (the batch's end, with room checked) and makes it the
     * open run.
     *
     * @param sameHandler  whether the previous run had the same handler (then it is not written again).
     * @param handlerField the handler's bytes, or empty when the previous run had the same handler.
     * @return the index of its first result.
     */
    private int openRun(final byte[] to, final int at, final int code, final int workerId, final int attempt,
        final String handlerName, final boolean sameHandler, final byte[] handlerField, final long completedEpochNanos)
    {
        to[at + TYPE_OFFSET] = TYPE_RESULT;
        to[at + VERSION_OFFSET] = VERSION_RUN;
        to[at + STATUS_OFFSET] = (byte)code;
        to[at + FLAGS_OFFSET] = sameHandler ? FLAG_SAME_HANDLER : 0;
        int next = putVarint(to, at + RUN_FIELDS_OFFSET, zigzag(workerId));
        next = putVarint(to, next, zigzag(attempt));
        next = putVarint(to, next, zigzag(completedEpochNanos - runCompleted)); // 0 before the batch's first run
        if (!sameHandler)
        {
            next = putBytes(to, next, handlerField);
        }
        runAt = at;
        runCount = 0;
        runStatus = code;
        runWorker = workerId;
        runAttempt = attempt;
        runHandler = handlerName;
        runCompleted = completedEpochNanos;
        previousSubmitted = completedEpochNanos;
        return next;
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
        runAt = -1; // a result after it opens a new run (its fields stay relative to the last one)
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
    /**
     * @return at least the bytes a result of this key, handler and body adds to a batch (UTF-8 at most three bytes
     *     a char; the record's numbers and lengths as varints of at most ten bytes each).
     */
    static long boundOf(final String key, final String handler, final byte[] body)
    {
        return 3L * key.length() + 3L * handler.length() + body.length + 16 * 10;
    }

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
        runAt = -1;
        runHandler = null;
        runCompleted = 0;
        previousJobId = 0;
        previousSubmitted = 0;
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
