package dev.shoal.chunks;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

/**
 * The CRC32C of one line, computed so that the JDK's intrinsic sees the same call, line after line.
 *
 * <p><b>Why.</b> {@link CRC32C}'s intrinsic branches on each call's length, and CSV lines of 37 to 48 bytes send
 * those branches a different way from one line to the next: on the generated sample CSV, 15-17 ns per line through
 * {@code update}, against 8 ns when every call has the same length. That was half of {@code LineChecksumJob}'s time
 * per line.
 *
 * <p><b>How.</b> Without its starting value of all ones and its final inversion, a CRC is linear in the bytes and
 * leading zero bytes leave it at zero; so that bare CRC of a line of {@code n} bytes equals the bare CRC of a
 * window of {@code w} bytes that ends with the line and whose first {@code w - n} bytes are zero. The window's
 * size {@code w} is {@code n} rounded up to a multiple of 16 (at least 16), so lines of similar length share one
 * size and the intrinsic's branches go the same way each time. The standard CRC adds a term that depends only on
 * the length, the register after that many zero bytes from all ones ({@link #ZERO_RUN}); hence
 * {@code crc32c(line) = crc32c(window) ^ ZERO_RUN[w] ^ ZERO_RUN[n]}, with the table made once by the JDK's own
 * CRC32C over zero bytes.
 *
 * <p>The window is filled from the bytes just before the line in the caller's buffer (the first words masked, at
 * most 16 bytes), so a line needs {@code w} bytes of buffer ending with it: a line closer to the buffer's start, or
 * longer than {@value #MAX_WINDOW} bytes, goes to the JDK as it is (so does every line on a big-endian machine).
 * The window's words are read and written without a bounds check each, after one check that
 * {@code [end - w, end)} lies inside the buffer: Agrona's check on each of the window's reads cost the whole gain
 * in a worker process (one worker: 1.33-1.47 GB/s with them, 1.42-1.54 without, 1.29-1.41 before this class).
 * Not thread-safe: one per accumulator.
 */
final class LineCrc
{
    /** Longest line computed through a window; longer ones go to the JDK directly. */
    static final int MAX_WINDOW = 64;
    private static final int STEP = 16;
    private static final long LOW_32 = 0xFFFF_FFFFL;
    /** {@code ZERO_RUN[k]}: the CRC32C register after {@code k} zero bytes from all ones (not inverted). */
    private static final long[] ZERO_RUN = zeroRuns();

    private final CRC32C crc = new CRC32C();
    private final byte[] window = new byte[MAX_WINDOW];
    /** For a buffer with neither an array nor a {@link ByteBuffer} behind it: grows to the longest such line. */
    private byte[] copy = new byte[0];

    /**
     * @param buffer bytes.
     * @param offset first byte of the line.
     * @param length its length.
     * @return the CRC32C of {@code buffer[offset, offset + length)}, as {@link CRC32C#getValue()} gives it.
     */
    long of(final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        final int size = Math.max(STEP, (length + STEP - 1) & -STEP);
        if (length > MAX_WINDOW || length < 0 || offset < 0 || end < size || end > buffer.capacity() ||
            !ByteScan.LITTLE_ENDIAN)
        {
            return direct(buffer, offset, length);
        }
        // [from, end) lies inside the buffer (checked above), and the window holds MAX_WINDOW >= size bytes.
        final byte[] array = buffer.byteArray();
        final long from = buffer.addressOffset() + end - size;
        final byte[] to = window;
        final long base = BufferUtil.ARRAY_BASE_OFFSET;
        final int zeros = size - length; // 0 to 16: only the first two words hold bytes before the line
        final int inFirst = Math.min(Long.BYTES, zeros);
        UnsafeApi.putLong(to, base, UnsafeApi.getLong(array, from) & withoutLowBytes(inFirst));
        UnsafeApi.putLong(to, base + Long.BYTES,
            UnsafeApi.getLong(array, from + Long.BYTES) & withoutLowBytes(zeros - inFirst));
        for (int i = STEP; i < size; i += Long.BYTES)
        {
            UnsafeApi.putLong(to, base + i, UnsafeApi.getLong(array, from + i));
        }
        crc.reset();
        crc.update(window, 0, size);
        return crc.getValue() ^ ZERO_RUN[size] ^ ZERO_RUN[length];
    }

    /**
     * @param bytes 0 to 8.
     * @return a mask clearing the low {@code bytes} bytes of a little-endian word (all of it for 8).
     */
    private static long withoutLowBytes(final int bytes)
    {
        return (-1L << (bytes * 4)) << (bytes * 4); // two shifts: a shift by 64 would be a shift by 0
    }

    private long direct(final DirectBuffer buffer, final int offset, final int length)
    {
        crc.reset();
        final ByteBuffer bytes = buffer.byteBuffer();
        final byte[] array = buffer.byteArray();
        if (bytes != null && bytes.isDirect())
        {
            final int from = buffer.wrapAdjustment() + offset;
            bytes.clear().position(from).limit(from + length);
            crc.update(bytes); // the intrinsic over the buffer's memory, no copy
        }
        else if (array != null)
        {
            crc.update(array, buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            if (copy.length < length)
            {
                copy = new byte[length];
            }
            buffer.getBytes(offset, copy, 0, length);
            crc.update(copy, 0, length);
        }
        return crc.getValue();
    }

    private static long[] zeroRuns()
    {
        final long[] runs = new long[MAX_WINDOW + 1];
        final CRC32C zeros = new CRC32C();
        for (int k = 0; k <= MAX_WINDOW; k++)
        {
            zeros.reset();
            zeros.update(new byte[k], 0, k);
            runs[k] = ~zeros.getValue() & LOW_32;
        }
        return runs;
    }
}
