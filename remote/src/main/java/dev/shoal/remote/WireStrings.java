package dev.shoal.remote;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * The wire's strings: an int length then UTF-8 bytes, every length checked against the end of what holds it.
 */
final class WireStrings
{
    private WireStrings()
    {
    }

    /**
     * @param buffer holds the string.
     * @param at     where its length is.
     * @param end    where what holds it ends.
     * @return the string.
     * @throws IllegalArgumentException when it runs past the end.
     */
    static String read(final DirectBuffer buffer, final int at, final int end)
    {
        if (at + Integer.BYTES > end)
        {
            throw new IllegalArgumentException("string header past the end");
        }
        final int n = buffer.getInt(at, WireDescriptor.ORDER);
        if (n < 0 || at + Integer.BYTES + n > end)
        {
            throw new IllegalArgumentException("string of " + n + " bytes past the end");
        }
        final byte[] bytes = new byte[n];
        buffer.getBytes(at + Integer.BYTES, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * @param s a string as read.
     * @return the bytes it took on the wire, its length included.
     */
    static int wireLength(final String s)
    {
        return Integer.BYTES + s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * @param parts strings ({@code null} is written as empty).
     * @return them, one after the other, each with its length.
     */
    static byte[] encode(final String... parts)
    {
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer(64);
        int at = 0;
        for (final String part : parts)
        {
            final byte[] bytes = (part == null ? "" : part).getBytes(StandardCharsets.UTF_8);
            b.putInt(at, bytes.length, WireDescriptor.ORDER);
            b.putBytes(at + Integer.BYTES, bytes);
            at += Integer.BYTES + bytes.length;
        }
        final byte[] out = new byte[at];
        b.getBytes(0, out);
        return out;
    }
}
