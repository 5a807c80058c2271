package dev.shoal.bench.peer;

import net.openhft.chronicle.bytes.Bytes;

/**
 * {@link Payload}'s self-checking layout on Chronicle {@link Bytes}.
 */
final class ChronicleBytes
{
    private ChronicleBytes()
    {
    }

    /**
     * @param size payload size.
     * @return a direct buffer holding {@code size} zero bytes, ready to be written as one entry.
     */
    static Bytes<?> payload(final int size)
    {
        final Bytes<?> bytes = Bytes.allocateElasticDirect(Math.max(size, 64));
        for (int i = 0; i < size; i++)
        {
            bytes.writeByte((byte)0);
        }
        return bytes;
    }

    /**
     * Writes the id and its tail into a buffer from {@link #payload(int)}, without moving its positions.
     */
    static void fill(final Bytes<?> bytes, final int size, final long id)
    {
        bytes.writeLong(0, id);
        if (size >= 16)
        {
            bytes.writeLong(size - 8, Payload.tail(id));
        }
    }

    static long check(final Bytes<?> bytes, final int size)
    {
        final long length = bytes.readRemaining();
        if (length != size)
        {
            throw new IllegalStateException("payload length=" + length + " expected=" + size);
        }
        final long start = bytes.readPosition();
        final long id = bytes.readLong(start);
        if (size >= 16 && bytes.readLong(start + size - 8) != Payload.tail(id))
        {
            throw new IllegalStateException("payload of id=" + id + " torn");
        }
        return id;
    }
}
