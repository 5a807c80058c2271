package dev.shoal.chunks;

import dev.shoal.pool.Codec;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The demo's per-line figure: lines and the sum, modulo 2<sup>64</sup>, of the CRC32C of each line's bytes
 * without its {@code '\n'}. A sum does not depend on the order of the lines, so ranges merge by adding.
 * Mutable; one per range while it is filled.
 */
public final class LineChecksum
{
    /** Its codec: two longs. */
    public static final Codec<LineChecksum> CODEC = new Codec<>()
    {
        @Override
        public int encode(final LineChecksum value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putLong(offset, value.lines);
            buffer.putLong(offset + Long.BYTES, value.checksum);
            return 2 * Long.BYTES;
        }

        @Override
        public LineChecksum decode(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length != 2 * Long.BYTES)
            {
                throw new IllegalArgumentException("LineChecksum needs 16 bytes: length=" + length);
            }
            final LineChecksum value = new LineChecksum();
            value.lines = buffer.getLong(offset);
            value.checksum = buffer.getLong(offset + Long.BYTES);
            return value;
        }
    };

    private final LineCrc crc = new LineCrc();
    private long lines;
    private long checksum;

    /**
     * Adds one line.
     *
     * @param buffer bytes.
     * @param offset first byte of the line.
     * @param length its length without the {@code '\n'}.
     */
    public void add(final DirectBuffer buffer, final int offset, final int length)
    {
        checksum += crc.of(buffer, offset, length); // the JDK's CRC32C, called with few distinct lengths: LineCrc
        lines++;
    }

    /**
     * @param other the figures of the part of the file after this one.
     * @return this, with the other's added.
     */
    public LineChecksum add(final LineChecksum other)
    {
        lines += other.lines;
        checksum += other.checksum;
        return this;
    }

    /**
     * @return lines added.
     */
    public long lines()
    {
        return lines;
    }

    /**
     * @return the checksum, to be read as unsigned ({@link Long#toUnsignedString}).
     */
    public long checksum()
    {
        return checksum;
    }

    @Override
    public String toString()
    {
        return "LineChecksum{lines=" + lines + ", checksum=" + Long.toUnsignedString(checksum) + "}";
    }
}
