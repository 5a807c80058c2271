package dev.shoal.chunks;

import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteScanTest
{
    /** Every word of two byte values, each byte a match or not: the flags must be exact, not just the lowest. */
    @Test
    void shouldFlagExactlyTheMatchingBytesOfEveryWord()
    {
        final byte[] candidates = { '\n', 0x0B, 0x09, ',', 0x00, (byte)0x8A, (byte)0xFF, 'a' };
        final Random random = new Random(7);
        for (int n = 0; n < 200_000; n++)
        {
            long word = 0;
            long expected = 0;
            for (int b = 0; b < Long.BYTES; b++)
            {
                final byte value = candidates[random.nextInt(candidates.length)];
                word |= (value & 0xFFL) << (8 * b);
                expected |= value == '\n' ? 0x80L << (8 * b) : 0;
            }
            assertEquals(expected, ByteScan.matches(word, ByteScan.NEWLINES), Long.toHexString(word));
        }
    }

    @Test
    void shouldFindTheFirstMatchAtEveryPositionAndLength()
    {
        for (int length = 0; length <= 40; length++)
        {
            for (int at = -1; at < length; at++)
            {
                final byte[] bytes = new byte[length];
                java.util.Arrays.fill(bytes, (byte)'x');
                if (at >= 0)
                {
                    bytes[at] = ',';
                    if (at + 1 < length)
                    {
                        bytes[at + 1] = ','; // a second match right after must not hide the first
                    }
                }
                assertEquals(at, ByteScan.indexOf(new UnsafeBuffer(bytes), 0, length, (byte)','),
                    "length=" + length + " at=" + at);
            }
        }
    }
}
