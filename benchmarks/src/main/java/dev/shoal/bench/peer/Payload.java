package dev.shoal.bench.peer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Self-checking payloads built from the job id: the id in the first 8 bytes, a mix of the id in the last 8 bytes
 * (for payloads of 16 bytes or more). The producer writes both for every job and the ring copies the whole
 * payload; the consumer checks the length and both ends, so a peer that drops, duplicates, tears or reorders
 * jobs fails the run instead of reporting a number.
 */
public final class Payload
{
    /** Smallest payload: the id alone. */
    public static final int MIN_SIZE = 8;

    private Payload()
    {
    }

    /**
     * @param id job id.
     * @return the value stored at the end of the payload.
     */
    public static long tail(final long id)
    {
        return (id * 0x9E3779B97F4A7C15L) ^ 0x5DEECE66DL;
    }

    /**
     * @param buffer where to write.
     * @param offset start of the payload.
     * @param length payload length, at least {@link #MIN_SIZE}.
     * @param id     job id.
     */
    public static void fill(final MutableDirectBuffer buffer, final int offset, final int length, final long id)
    {
        buffer.putLong(offset, id);
        if (length >= 16)
        {
            buffer.putLong(offset + length - 8, tail(id));
        }
    }

    /**
     * @param buffer   where the payload is.
     * @param offset   its start.
     * @param length   its length.
     * @param expected expected length.
     * @return the job id.
     * @throws IllegalStateException when the length or the tail do not match.
     */
    public static long check(final DirectBuffer buffer, final int offset, final int length, final int expected)
    {
        if (length != expected)
        {
            throw new IllegalStateException("payload length=" + length + " expected=" + expected);
        }
        final long id = buffer.getLong(offset);
        if (length >= 16 && buffer.getLong(offset + length - 8) != tail(id))
        {
            throw new IllegalStateException("payload of id=" + id + " torn: tail=" +
                buffer.getLong(offset + length - 8) + " expected=" + tail(id));
        }
        return id;
    }

    /**
     * @param array  payload bytes.
     * @param id     job id.
     */
    public static void fill(final byte[] array, final long id)
    {
        putLong(array, 0, id);
        if (array.length >= 16)
        {
            putLong(array, array.length - 8, tail(id));
        }
    }

    /**
     * @param array    payload bytes.
     * @param expected expected length.
     * @return the job id.
     */
    public static long check(final byte[] array, final int expected)
    {
        if (array.length != expected)
        {
            throw new IllegalStateException("payload length=" + array.length + " expected=" + expected);
        }
        final long id = getLong(array, 0);
        if (array.length >= 16 && getLong(array, array.length - 8) != tail(id))
        {
            throw new IllegalStateException("payload of id=" + id + " torn");
        }
        return id;
    }

    private static void putLong(final byte[] array, final int at, final long value)
    {
        for (int i = 0; i < 8; i++)
        {
            array[at + i] = (byte)(value >>> (8 * i));
        }
    }

    private static long getLong(final byte[] array, final int at)
    {
        long value = 0;
        for (int i = 0; i < 8; i++)
        {
            value |= (array[at + i] & 0xFFL) << (8 * i);
        }
        return value;
    }
}
