package dev.shoal.remote;

import org.agrona.DirectBuffer;

import static dev.shoal.remote.WireDescriptor.*;

/**
 * Reads the entries of an ITEMS or ANSWERS message: both are a count, then per entry a seq (long), a number
 * (int: an item's delivery count, an answer's job count), a length (int) and that many bytes.
 */
final class WireEntries
{
    /**
     * Receives one entry.
     */
    @FunctionalInterface
    interface EntryHandler
    {
        /**
         * @param seq    the entry's seq.
         * @param number its delivery count (an item) or job count (an answer).
         * @param buffer holds its bytes.
         * @param offset where they start.
         * @param length how many.
         */
        void onEntry(long seq, int number, DirectBuffer buffer, int offset, int length);
    }

    private WireEntries()
    {
    }

    /**
     * @param buffer  holds the message.
     * @param offset  where it starts.
     * @param length  its length.
     * @param handler receives each entry, in order.
     * @return false when an entry runs past the message's end (the entries before it were handed over).
     */
    static boolean read(final DirectBuffer buffer, final int offset, final int length, final EntryHandler handler)
    {
        final int end = offset + length;
        final int count = buffer.getInt(offset + COUNT_OFFSET, ORDER);
        int at = offset + ITEMS_OFFSET;
        for (int i = 0; i < count && at + ITEM_HEADER_LENGTH <= end; i++)
        {
            final long seq = buffer.getLong(at, ORDER);
            final int number = buffer.getInt(at + Long.BYTES, ORDER);
            final int entryLength = buffer.getInt(at + Long.BYTES + Integer.BYTES, ORDER);
            at += ITEM_HEADER_LENGTH;
            if (entryLength < 0 || at + entryLength > end)
            {
                return false;
            }
            handler.onEntry(seq, number, buffer, at, entryLength);
            at += entryLength;
        }
        return true;
    }
}
