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

    static int length(final byte[] name, final byte[] argument)
    {
        return frameLength(name.length, argument.length, 1);
    }

    static void write(final MutableDirectBuffer buffer, final long firstJobId, final byte[] name,
        final List<byte[]> arguments)
    {
        int at = writeHeader(buffer, firstJobId, arguments.size(), name);
        for (final byte[] a : arguments)
        {
            at = writeArgument(buffer, at, a);
        }
    }

    static void write(final MutableDirectBuffer buffer, final long jobId, final byte[] name, final byte[] argument)
    {
        writeArgument(buffer, writeHeader(buffer, jobId, 1, name), argument);
    }

    /**
     * @return where the first argument goes.
     */
    private static int writeHeader(final MutableDirectBuffer buffer, final long firstJobId, final int count,
        final byte[] name)
    {
        buffer.putLong(JOB_ID_OFFSET, firstJobId);
        buffer.putInt(COUNT_OFFSET, countWord(count, 0));
        buffer.putInt(NAME_LENGTH_OFFSET, name.length);
        buffer.putBytes(NAME_OFFSET, name);
        return NAME_OFFSET + name.length;
    }

    /**
     * @return where the next argument goes.
     */
    private static int writeArgument(final MutableDirectBuffer buffer, final int at, final byte[] argument)
    {
        buffer.putInt(at, argument.length);
        buffer.putBytes(at + ARG_HEADER_LENGTH, argument);
        return at + ARG_HEADER_LENGTH + argument.length;
    }

    /**
     * A decoded frame.
     *
     * @param firstJobId id of the first argument.
     * @param handler    handler name.
     * @param arguments  the arguments.
     * @param earlierDeliveries deliveries the frame had before it last entered a ring (see the count word in
     *                          {@link JobFrameDescriptor}).
     */
    record Frame(long firstJobId, String handler, byte[][] arguments, int earlierDeliveries)
    {
    }

    static Frame read(final DirectBuffer buffer, final int offset, final int length)
    {
        return read(buffer, offset, length, new Names());
    }

    /**
     * Handler names decoded before, so that a frame naming the same handler as the one before it costs no bytes
     * and no string (a worker reads one frame per job when jobs are submitted one by one). One per reading thread.
     */
    static final class Names
    {
        private byte[] lastBytes = new byte[0];
        private String last = "";

        String decode(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length == lastBytes.length && same(buffer, offset))
            {
                return last;
            }
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            last = new String(bytes, StandardCharsets.UTF_8);
            lastBytes = bytes;
            return last;
        }

        private boolean same(final DirectBuffer buffer, final int offset)
        {
            for (int i = 0; i < lastBytes.length; i++)
            {
                if (buffer.getByte(offset + i) != lastBytes[i])
                {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * @param names the reading thread's decoded names.
     */
    static Frame read(final DirectBuffer buffer, final int offset, final int length, final Names names)
    {
        if (length < FIXED_LENGTH)
        {
            throw new IllegalArgumentException("job frame length=" + length + " shorter than its header=" +
                FIXED_LENGTH);
        }
        final long jobId = buffer.getLong(offset + JOB_ID_OFFSET);
        final int countWord = buffer.getInt(offset + COUNT_OFFSET);
        final int count = count(countWord);
        final int nameLength = buffer.getInt(offset + NAME_LENGTH_OFFSET);
        if (count < 1 || count > MAX_BATCH)
        {
            throw new IllegalArgumentException("job frame count=" + count + " out of range 1.." + MAX_BATCH);
        }
        if (nameLength < 1 || nameLength > Handlers.MAX_NAME_BYTES || FIXED_LENGTH + nameLength > length)
        {
            throw new IllegalArgumentException("job frame nameLength=" + nameLength + " does not fit length=" + length);
        }
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
        return new Frame(jobId, names.decode(buffer, offset + NAME_OFFSET, nameLength), arguments,
            earlierDeliveries(countWord));
    }
}
