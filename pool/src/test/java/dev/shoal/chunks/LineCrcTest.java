package dev.shoal.chunks;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32C;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LineCrcTest
{
    private static final int BYTES = 512;

    /**
     * Every length from empty to past the longest window, at every offset of a buffer: the windowed path (and the
     * direct one near the buffer's start or for long lines) must give exactly the JDK's CRC32C, with random bytes
     * before and after the line that the window must not let in.
     */
    @Test
    void shouldMatchTheJdkForEveryLengthAndOffset()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        final ByteBuffer direct = ByteBuffer.allocateDirect(BYTES + 16);
        direct.position(3); // a wrap adjustment, as a window over part of a larger buffer has
        final ByteBuffer slice = direct.slice();
        slice.put(0, bytes, 0, BYTES);
        final UnsafeBuffer heap = new UnsafeBuffer(bytes);
        final byte[] larger = new byte[BYTES + 5];
        random.nextBytes(larger);
        System.arraycopy(bytes, 0, larger, 5, BYTES);
        final UnsafeBuffer heapPart = new UnsafeBuffer(larger, 5, BYTES); // an array wrapped from an offset
        final UnsafeBuffer offHeap = new UnsafeBuffer(slice, 0, BYTES);
        final UnsafeBuffer rawAddress = new UnsafeBuffer(BufferUtil.address(slice), BYTES); // no array, no ByteBuffer
        final LineCrc crc = new LineCrc();
        for (int length = 0; length <= LineCrc.MAX_WINDOW + 20; length++)
        {
            for (int offset = 0; offset + length <= BYTES; offset += 1 + (offset > 100 ? 7 : 0))
            {
                final long expected = jdk(bytes, offset, length);
                final String where = "seed=" + seed + " offset=" + offset + " length=" + length;
                assertEquals(expected, crc.of(heap, offset, length), "heap " + where);
                assertEquals(expected, crc.of(heapPart, offset, length), "heap part " + where);
                assertEquals(expected, crc.of(offHeap, offset, length), "direct " + where);
                assertEquals(expected, crc.of(rawAddress, offset, length), "raw address " + where);
            }
        }
    }

    /** The sums LineChecksum keeps: the same whichever path each line took. */
    @Test
    void shouldSumTheSameChecksumAsTheJdkPerLine()
    {
        final byte[] csv = ("user_id,item_id,category_id,behavior,timestamp\n" +
            "1,2268318,2520377,pv,1511544070\n100,5002615,2520377,fav,1511751022\n" +
            "1000000007,1234567,9999999,cart,1512000000\n\n" + "x".repeat(70) + "\n").getBytes();
        final LineChecksum checksum = new LineChecksum();
        long expected = 0;
        long lines = 0;
        int start = 0;
        final DirectBuffer buffer = new UnsafeBuffer(csv);
        for (int i = 0; i < csv.length; i++)
        {
            if (csv[i] == '\n')
            {
                checksum.add(buffer, start, i - start);
                expected += jdk(csv, start, i - start);
                lines++;
                start = i + 1;
            }
        }
        assertEquals(lines, checksum.lines());
        assertEquals(expected, checksum.checksum());
    }

    private static long jdk(final byte[] bytes, final int offset, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
