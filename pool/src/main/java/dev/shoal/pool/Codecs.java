package dev.shoal.pool;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Codecs for the common argument and result types.
 */
public final class Codecs
{
    /** Bytes as they are. */
    public static final Codec<byte[]> BYTES = new Codec<>()
    {
        @Override
        public int encode(final byte[] value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putBytes(offset, value);
            return value.length;
        }

        @Override
        public byte[] decode(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return bytes;
        }

        @Override
        public byte[] encode(final byte[] value)
        {
            return value;
        }

        @Override
        public byte[] decode(final byte[] bytes)
        {
            return bytes;
        }
    };

    /** UTF-8 text. */
    public static final Codec<String> STRING = new Codec<>()
    {
        @Override
        public int encode(final String value, final MutableDirectBuffer buffer, final int offset)
        {
            final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            buffer.putBytes(offset, bytes);
            return bytes.length;
        }

        @Override
        public String decode(final DirectBuffer buffer, final int offset, final int length)
        {
            return buffer.getStringWithoutLengthUtf8(offset, length);
        }

        @Override
        public byte[] encode(final String value)
        {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(final byte[] bytes)
        {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    /** A long as 8 little-endian bytes. */
    public static final Codec<Long> LONG = new Codec<>()
    {
        @Override
        public int encode(final Long value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putLong(offset, value);
            return Long.BYTES;
        }

        @Override
        public Long decode(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length != Long.BYTES)
            {
                throw new IllegalArgumentException("a long needs 8 bytes: length=" + length);
            }
            return buffer.getLong(offset);
        }
    };

    private Codecs()
    {
    }
}
