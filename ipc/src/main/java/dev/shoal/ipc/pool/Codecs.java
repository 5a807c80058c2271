package dev.shoal.ipc.pool;

import java.nio.charset.StandardCharsets;

/**
 * Codecs for the common argument and result types.
 */
public final class Codecs
{
    /** Bytes as they are. */
    public static final Codec<byte[]> BYTES = new Codec<>()
    {
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
        public byte[] encode(final Long value)
        {
            final long v = value;
            final byte[] b = new byte[Long.BYTES];
            for (int i = 0; i < Long.BYTES; i++)
            {
                b[i] = (byte)(v >>> (8 * i));
            }
            return b;
        }

        @Override
        public Long decode(final byte[] bytes)
        {
            if (bytes.length != Long.BYTES)
            {
                throw new IllegalArgumentException("a long needs 8 bytes: length=" + bytes.length);
            }
            long v = 0;
            for (int i = Long.BYTES - 1; i >= 0; i--)
            {
                v = (v << 8) | (bytes[i] & 0xFF);
            }
            return v;
        }
    };

    private Codecs()
    {
    }
}
