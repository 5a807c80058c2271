package dev.shoal.chunks;

import org.agrona.DirectBuffer;

/**
 * Newlines eight bytes at a time ({@link ByteScan}'s SWAR flags), in plain Java: the split on every JDK.
 * Stateless.
 */
final class SwarNewlineGather implements NewlineGather
{
    static final SwarNewlineGather INSTANCE = new SwarNewlineGather();

    private SwarNewlineGather()
    {
    }

    @Override
    public int step()
    {
        return Long.BYTES;
    }

    @Override
    public int gather(final DirectBuffer buffer, final int from, final int to, final int[] found)
    {
        // The loads skip the buffer's bounds check: the caller passes a block inside the buffer (the check was an
        // eighth of the loop's samples under JFR).
        final byte[] array = buffer.byteArray();
        final long address = buffer.addressOffset();
        int count = 0;
        for (int word = from; word < to; word += Long.BYTES)
        {
            long flags = FileWindow.newlineFlags(ByteScan.wordAt(array, address + word));
            // The first match is written whether there is one or not (no flag: index word + 8, never read, as the
            // count does not move and the next word overwrites the slot), so a word with none or one newline,
            // nearly every word of text, takes no branch that depends on the data.
            found[count] = word + (Long.numberOfTrailingZeros(flags) >>> 3);
            final int matches = Long.bitCount(flags);
            for (int k = 1; k < matches; k++) // a word with two or more: the rare case
            {
                flags &= flags - 1;
                found[count + k] = word + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
            count += matches;
        }
        return count;
    }

    @Override
    public String name()
    {
        return "swar-8";
    }

    @Override
    public NewlineGather forReader()
    {
        return this;
    }
}
