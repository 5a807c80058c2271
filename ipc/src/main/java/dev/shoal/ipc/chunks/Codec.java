package dev.shoal.ipc.chunks;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Turns a value into bytes and back, so that a range's result can be stored in the region (or a file next to
 * it) by one process and read by another. No Java serialization: each job writes its own few fields.
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
}
