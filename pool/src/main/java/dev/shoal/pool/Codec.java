package dev.shoal.pool;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Turns a value into bytes and back, so that one process can hand it to another: a pool job's argument and
 * result, a chunk's partial result stored in the region (or a file next to it). No Java serialization: each
 * codec writes its own few fields. {@link Codecs} has the common ones.
 *
 * @param <T> the value type.
 */
public interface Codec<T>
{
    /**
     * @param value  the value.
     * @param buffer where to write; an expandable buffer (it grows when written past its capacity).
     * @param offset first byte to write.
     * @return bytes written.
     */
    int encode(T value, MutableDirectBuffer buffer, int offset);

    /**
     * @param buffer holds the bytes written by {@link #encode}.
     * @param offset first byte.
     * @param length byte count.
     * @return the value.
     */
    T decode(DirectBuffer buffer, int offset, int length);

    /**
     * @param value the value.
     * @return its bytes in a new array.
     */
    default byte[] encode(final T value)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = encode(value, buffer, 0);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /**
     * @param bytes bytes made by {@link #encode(Object)}.
     * @return the value.
     */
    default T decode(final byte[] bytes)
    {
        return decode(new UnsafeBuffer(bytes), 0, bytes.length);
    }
}
