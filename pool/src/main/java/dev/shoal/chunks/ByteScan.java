package dev.shoal.chunks;

import java.nio.ByteOrder;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

/**
 * Finding one byte value eight bytes at a time (SWAR): the one copy of the bit trick that line splitting and
 * CSV field finding share.
 *
 * <p>A byte XORed with the byte sought is zero where it matched. {@code (b & 0x7F) + 0x7F} sets a byte's high bit
 * for every non-zero low part and cannot carry into the next byte, so after {@code | b} only zero bytes keep
 * their high bit clear: the flags are exact for every byte of the word (unlike the shorter borrow trick
 * {@code (x - 0x01..) & ~x & 0x80..}, which may also flag a byte just above a true match), so a caller may walk
 * all of a word's matches, lowest first.
 */
final class ByteScan
{
    /** Eight newlines. */
    static final long NEWLINES = broadcast((byte)'\n');
    /** Whether words read from memory as they are already have their first byte in the low-order byte. */
    static final boolean LITTLE_ENDIAN = BufferUtil.NATIVE_BYTE_ORDER == ByteOrder.LITTLE_ENDIAN;

    private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGHS = 0x8080808080808080L;

    private ByteScan()
    {
    }

    /**
     * @param value a byte.
     * @return the pattern to pass to {@link #matches}: the byte in all eight places.
     */
    static long broadcast(final byte value)
    {
        return (value & 0xFFL) * 0x0101010101010101L;
    }

    /**
     * Reads eight bytes without a bounds check: the caller has checked that they lie inside its buffer.
     *
     * @param array   the buffer's array, or null for memory off the heap.
     * @param address the first byte's address (the buffer's address offset plus the index).
     * @return the eight bytes, the first in the low-order byte, whatever the machine's byte order.
     */
    static long wordAt(final byte[] array, final long address)
    {
        final long raw = UnsafeApi.getLong(array, address);
        return LITTLE_ENDIAN ? raw : Long.reverseBytes(raw);
    }

    /**
     * @param word    eight bytes, the first in the low-order byte.
     * @param pattern the byte sought, {@link #broadcast} to eight places.
     * @return the high bit of each byte that matches; {@code numberOfTrailingZeros / 8} is the first match's index.
     */
    static long matches(final long word, final long pattern)
    {
        final long x = word ^ pattern;
        return ~(((x & LOWS) + LOWS) | x) & HIGHS;
    }

    /**
     * @param buffer  bytes.
     * @param from    first index.
     * @param to      index to stop before.
     * @param value   the byte sought.
     * @return the index of the first {@code value} in {@code [from, to)}, or -1.
     */
    static int indexOf(final DirectBuffer buffer, final int from, final int to, final byte value)
    {
        final long pattern = broadcast(value);
        int i = from;
        for (final int wordEnd = to - (Long.BYTES - 1); i < wordEnd; i += Long.BYTES)
        {
            final long flags = matches(buffer.getLong(i, ByteOrder.LITTLE_ENDIAN), pattern);
            if (flags != 0)
            {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; i < to; i++)
        {
            if (buffer.getByte(i) == value)
            {
                return i;
            }
        }
        return -1;
    }
}
