package dev.shoal.pool;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import dev.shoal.core.CrashPoints;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import static dev.shoal.pool.ResultFrameDescriptor.*;

/**
 * A worker thread's side of its worker's result buffer: frames results, log lines and the ready signal
 * ({@link ResultFrameDescriptor}) and writes them into the worker's own {@code ManyToOneRingBuffer}. Results wait for
 * space (the pool's collector always drains); log lines never wait and are dropped when there is no space.
 * One per thread.
 */
final class ResultWriter
{
    private final RingBuffer results;
    private final int workerId;
    private final IdleStrategy idle;
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(1024);
    private final int maxMessage;
    private long firstJobId;
    private int attempt;
    private int count;
    private int length;
    private long droppedLogs;

    ResultWriter(final RingBuffer results, final int workerId, final IdleStrategy idle)
    {
        this.results = results;
        this.workerId = workerId;
        this.idle = idle;
        this.maxMessage = results.maxMsgLength();
    }

    int maxResultBytes()
    {
        return maxMessage - ITEMS_OFFSET - 2 * Integer.BYTES;
    }

    void begin(final long jobId, final int jobAttempt)
    {
        firstJobId = jobId;
        attempt = jobAttempt;
        count = 0;
        length = ITEMS_OFFSET;
    }

    void ok(final byte[] result)
    {
        if (result.length > maxResultBytes())
        {
            failed("result of " + result.length + " bytes exceeds the pool's largest result of " + maxResultBytes() +
                " bytes (raise resultBufferBytes)");
            return;
        }
        item(STATUS_OK, result);
    }

    /**
     * Reports what a handler threw. The throwable is the user's: its {@code getMessage()} or its stack trace may
     * throw, or be larger than a result message holds, and neither may cost the worker's thread.
     */
    void threw(final Throwable t)
    {
        String message;
        try
        {
            final String given = t.getMessage(); // once: a second call may answer otherwise
            message = given == null ? "" : given;
        }
        catch (final Throwable broken)
        {
            message = "(its getMessage() threw " + broken.getClass().getName() + ")";
        }
        String stack;
        try
        {
            final StringWriter text = new StringWriter();
            t.printStackTrace(new PrintWriter(text));
            stack = text.toString();
        }
        catch (final Throwable broken)
        {
            stack = "(its stack trace could not be printed: printStackTrace threw " + broken.getClass().getName() + ")";
        }
        threw(t.getClass().getName(), message, stack);
    }

    /**
     * @param exceptionClass what the handler threw.
     * @param message        its message.
     * @param stack          its stack trace, cut to what fits in one result.
     */
    void threw(final String exceptionClass, final String message, final String stack)
    {
        // A class name or message larger than a result message could hold failed the claim and killed the worker's
        // thread: each is cut to its share, the class name to a quarter, the message to what is left of a half.
        final byte[] cls = cut(utf8(exceptionClass), maxResultBytes() / 4, "class name");
        final byte[] msg = cut(utf8(message), maxResultBytes() / 2 - cls.length - 3 * Integer.BYTES, "message");
        byte[] trace = utf8(stack);
        final int room = maxResultBytes() - cls.length - msg.length - 3 * Integer.BYTES;
        if (trace.length > room)
        {
            trace = java.util.Arrays.copyOf(trace, Math.max(0, room));
        }
        final byte[] body = new byte[3 * Integer.BYTES + cls.length + msg.length + trace.length];
        final org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(body);
        int at = 0;
        for (final byte[] part : new byte[][]{ cls, msg, trace })
        {
            b.putInt(at, part.length);
            b.putBytes(at + Integer.BYTES, part);
            at += Integer.BYTES + part.length;
        }
        item(STATUS_THREW, body);
    }

    void failed(final String reason)
    {
        final byte[] text = utf8(reason);
        final byte[] body = new byte[Integer.BYTES + text.length];
        final org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(body);
        b.putInt(0, text.length);
        b.putBytes(Integer.BYTES, text);
        item(STATUS_FAILED, body);
    }

    private void item(final int status, final byte[] body)
    {
        final int itemLength = 2 * Integer.BYTES + body.length;
        if (count > 0 && length + itemLength > maxMessage)
        {
            final long next = firstJobId + count;
            flush();
            begin(next, attempt);
        }
        frame.putInt(length, status);
        frame.putInt(length + Integer.BYTES, body.length);
        frame.putBytes(length + 2 * Integer.BYTES, body);
        length += itemLength;
        count++;
    }

    /**
     * Writes the frame built since {@link #begin}, waiting for space.
     */
    void flush()
    {
        if (count == 0)
        {
            return;
        }
        frame.putLong(JOB_ID_OFFSET, firstJobId);
        frame.putInt(WORKER_OFFSET, workerId);
        frame.putInt(ATTEMPT_OFFSET, attempt);
        frame.putInt(COUNT_OFFSET, count);
        idle.reset();
        CrashPoints.at(ResultCrashPoint.RESULT_CLAIM);
        int index;
        while ((index = results.tryClaim(TYPE_RESULTS, length)) < 0) // the tail CAS, then the header, negated
        {
            idle.idle();
        }
        try
        {
            CrashPoints.at(ResultCrashPoint.RESULT_COPY);
            results.buffer().putBytes(index, frame, 0, length);
        }
        catch (final RuntimeException | Error ex)
        {
            results.abort(index); // never leave a live writer's record open: the collector would stop at it
            throw ex;
        }
        CrashPoints.at(ResultCrashPoint.RESULT_COMMIT);
        results.commit(index); // release store of the positive length: the collector may read the frame
        count = 0;
        length = ITEMS_OFFSET;
    }

    void log(final long jobId, final String line)
    {
        final byte[] text = utf8(line);
        final int n = Math.min(text.length, maxMessage - LOG_TEXT_OFFSET);
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer(LOG_TEXT_OFFSET + n);
        b.putLong(LOG_JOB_ID_OFFSET, jobId);
        b.putInt(LOG_WORKER_OFFSET, workerId);
        b.putBytes(LOG_TEXT_OFFSET, text, 0, n);
        if (!results.write(TYPE_LOG, b, 0, LOG_TEXT_OFFSET + n))
        {
            droppedLogs++;
        }
    }

    void ready(final long pid)
    {
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer(READY_LENGTH);
        b.putInt(READY_WORKER_OFFSET, workerId);
        b.putLong(READY_PID_OFFSET, pid);
        idle.reset();
        while (!results.write(TYPE_READY, b, 0, READY_LENGTH))
        {
            idle.idle();
        }
    }

    long droppedLogs()
    {
        return droppedLogs;
    }

    /**
     * @return {@code text} when it has at most {@code room} bytes, else its start, cut at a character boundary,
     *     followed by a note of how long it was.
     */
    private static byte[] cut(final byte[] text, final int room, final String what)
    {
        if (text.length <= room)
        {
            return text;
        }
        final byte[] note = utf8(" ... (" + what + " of " + text.length + " bytes cut)");
        int keep = Math.max(0, room - note.length);
        while (keep > 0 && (text[keep] & 0xC0) == 0x80)
        {
            keep--; // not inside a character's UTF-8 bytes
        }
        final byte[] out = java.util.Arrays.copyOf(text, keep + note.length);
        System.arraycopy(note, 0, out, keep, note.length);
        return out;
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
