package dev.shoal.pool;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static dev.shoal.pool.JobFrameDescriptor.*;

/**
 * Writes and reads job frames ({@link JobFrameDescriptor}). Reading checks every length against the frame
 * before following it, so a corrupt slot gives a clear exception, never a read outside the frame.
 */
final class JobFrames
{
    private JobFrames()
    {
    }

    static int length(final byte[] name, final List<byte[]> arguments)
    {
        long bytes = 0;
        for (final byte[] a : arguments)
        {
            bytes += a.length;
        }
        return frameLength(name.length, bytes, arguments.size());
    }

    static void write(final MutableDirectBuffer buffer, final long firstJobId, final byte[] name,
        final List<byte[]> arguments)
    {
        buffer.putLong(JOB_ID_OFFSET, firstJobId);
        buffer.putInt(COUNT_OFFSET, arguments.size());
        buffer.putInt(NAME_LENGTH_OFFSET, name.length);
        buffer.putBytes(NAME_OFFSET, name);
        int at = NAME_OFFSET + name.length;
        for (final byte[] a : arguments)
        {
            buffer.putInt(at, a.length);
            buffer.putBytes(at + ARG_HEADER_LENGTH, a);
            at += ARG_HEADER_LENGTH + a.length;
        }
    }

    /**
     * A decoded frame.
     *
     * @param firstJobId id of the first argument.
     * @param handler    handler name.
     * @param arguments  the arguments.
     */
    record Frame(long firstJobId, String handler, byte[][] arguments)
    {
    }

    static Frame read(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < FIXED_LENGTH)
        {
            throw new IllegalArgumentException("job frame length=" + length + " shorter than its header=" +
                FIXED_LENGTH);
        }
        final long jobId = buffer.getLong(offset + JOB_ID_OFFSET);
        final int count = buffer.getInt(offset + COUNT_OFFSET);
        final int nameLength = buffer.getInt(offset + NAME_LENGTH_OFFSET);
        if (count < 1 || count > MAX_BATCH)
        {
            throw new IllegalArgumentException("job frame count=" + count + " out of range 1.." + MAX_BATCH);
        }
        if (nameLength < 1 || nameLength > Handlers.MAX_NAME_BYTES || FIXED_LENGTH + nameLength > length)
        {
            throw new IllegalArgumentException("job frame nameLength=" + nameLength + " does not fit length=" + length);
        }
        final byte[] name = new byte[nameLength];
        buffer.getBytes(offset + NAME_OFFSET, name);
        final byte[][] arguments = new byte[count][];
        int at = NAME_OFFSET + nameLength;
        for (int i = 0; i < count; i++)
        {
            if (at + ARG_HEADER_LENGTH > length)
            {
                throw new IllegalArgumentException("job frame argument[" + i + "] header beyond length=" + length);
            }
            final int argLength = buffer.getInt(offset + at);
            if (argLength < 0 || argLength > length - at - ARG_HEADER_LENGTH)
            {
                throw new IllegalArgumentException("job frame argument[" + i + "].length=" + argLength +
                    " beyond frame length=" + length);
            }
            arguments[i] = new byte[argLength];
            buffer.getBytes(offset + at + ARG_HEADER_LENGTH, arguments[i]);
            at += ARG_HEADER_LENGTH + argLength;
        }
        return new Frame(jobId, new String(name, StandardCharsets.UTF_8), arguments);
    }
}
