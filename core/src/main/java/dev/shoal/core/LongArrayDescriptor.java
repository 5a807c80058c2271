package dev.shoal.core;

/**
 * Layout of a {@link SharedLongArray}: {@code length} longs, each 8 bytes apart (plain) or each on its own
 * 128-byte line (padded, so per-worker counters written by different processes never false-share).
 *
 * <pre>
 *  plain:   | e0 | e1 | e2 | ... | e(n-1) |          8 bytes per element
 *  padded:  | e0 ...120 zero bytes | e1 ... | ...    128 bytes per element
 * </pre>
 *
 * Directory parameters: {@code params[0]} = element count, {@code params[1]} = stride in bytes (8 or 128).
 */
public final class LongArrayDescriptor
{
    /** Stride of a plain array. */
    public static final int PLAIN_STRIDE = Long.BYTES;
    /** Stride of a padded array: two cache lines, which also defeats adjacent-line prefetch. */
    public static final int PADDED_STRIDE = 128;
    /** Directory parameter index of the element count. */
    public static final int PARAM_LENGTH = 0;
    /** Directory parameter index of the stride. */
    public static final int PARAM_STRIDE = 1;
    /** Most elements an array may hold. */
    public static final int MAX_LENGTH = 1 << 24;

    private LongArrayDescriptor()
    {
    }

    /**
     * @param length element count.
     * @param padded one element per 128-byte line.
     * @return bytes the array occupies.
     */
    public static long byteLength(final int length, final boolean padded)
    {
        return (long)length * (padded ? PADDED_STRIDE : PLAIN_STRIDE);
    }

    /**
     * @param length element count.
     * @throws IllegalArgumentException when out of range.
     */
    public static void checkLength(final int length)
    {
        if (length < 1 || length > MAX_LENGTH)
        {
            throw new IllegalArgumentException("array length must be 1.." + MAX_LENGTH + ": length=" + length);
        }
    }
}
