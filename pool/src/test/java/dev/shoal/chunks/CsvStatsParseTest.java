package dev.shoal.chunks;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The word-at-a-time field splitting of {@link CsvStats#add} against a plain byte-by-byte reading of the same rule
 * (fields 2 and 4 count when they are 1 to 18 ASCII digits), on generated and hostile lines at every offset.
 */
class CsvStatsParseTest
{
    private static final String ALPHABET = "0123456789,,,,,ab\r -";

    @Test
    void shouldCountExactlyWhatAByteByByteReadingCounts()
    {
        final Random random = new Random(20261204);
        final CsvStats fast = new CsvStats();
        final long[] expectedBehaviors = new long[CsvStats.BEHAVIORS.size()];
        long expectedSkipped = 0;
        final java.util.Map<Long, Long> expectedCategories = new java.util.HashMap<>();
        for (int n = 0; n < 200_000; n++)
        {
            final String line = line(random);
            final byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
            final int pad = random.nextInt(9); // the line at every alignment, with bytes around it
            // 9 bytes after it, or enough for the one-pass path of lines up to 64 bytes (which needs 64 from the
            // line's start): both paths see every kind of line.
            final byte[] framed = new byte[pad + bytes.length + (random.nextBoolean() ? 9 : 64)];
            for (int i = 0; i < framed.length; i++)
            {
                framed[i] = (byte)(i % 2 == 0 ? '9' : ','); // digits and commas around it: neither may leak in
            }
            System.arraycopy(bytes, 0, framed, pad, bytes.length);
            fast.add(new UnsafeBuffer(framed), pad, bytes.length);

            final long[] fields = reference(line);
            if (fields[0] < 1 || fields[0] > expectedBehaviors.length || fields[1] < 0)
            {
                expectedSkipped++;
            }
            else
            {
                expectedBehaviors[(int)fields[0] - 1]++;
                expectedCategories.merge(fields[1], 1L, Long::sum);
            }
        }
        assertEquals(expectedSkipped, fast.skipped());
        for (int b = 0; b < expectedBehaviors.length; b++)
        {
            assertEquals(expectedBehaviors[b], fast.behaviorCounts().get(CsvStats.BEHAVIORS.get(b)), "behavior " + b);
        }
        final java.util.Map<Long, Long> categories = new java.util.HashMap<>();
        fast.topCategories(Integer.MAX_VALUE).forEach(c -> categories.put(c.category(), c.rows()));
        assertEquals(expectedCategories, categories);
    }

    @Test
    void shouldParseEveryFieldLengthAndRefuseEveryNonDigitAtEveryPlace()
    {
        final Random random = new Random(20261205);
        final String junk = ",:/ a\r-";
        for (int length = 1; length <= 19; length++)
        {
            for (int round = 0; round < 200; round++)
            {
                final StringBuilder field = new StringBuilder();
                for (int i = 0; i < length; i++)
                {
                    field.append((char)('0' + random.nextInt(10)));
                }
                // Digits right after the field too: the parse must stop at the field's end.
                final String after = random.nextBoolean() ? ",99999999" : "7";
                final byte[] bytes = (field + after).getBytes(StandardCharsets.US_ASCII);
                final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
                final long expected = length <= 18 ? Long.parseLong(field.toString()) : -1;
                assertEquals(expected, CsvStats.parseDigits(buffer, 0, length), "field " + field);
                final int at = random.nextInt(length);
                bytes[at] = (byte)junk.charAt(random.nextInt(junk.length()));
                assertEquals(-1, CsvStats.parseDigits(buffer, 0, length), "field " + new String(bytes, 0, length,
                    StandardCharsets.US_ASCII));
            }
        }
    }

    private static String line(final Random random)
    {
        if (random.nextInt(4) == 0)
        {
            final StringBuilder sb = new StringBuilder(); // hostile: anything from the alphabet
            for (int i = random.nextInt(90); i > 0; i--) // up to 89 bytes: both sides of the 64-byte fast path
            {
                sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            return sb.toString();
        }
        final String category = random.nextInt(50) == 0 ? "1234567890123456789" :
            random.nextInt(50) == 0 ? "" : Integer.toString(random.nextInt(100_000));
        final String behavior = random.nextInt(30) == 0 ? "x" : Integer.toString(random.nextInt(6));
        final String row = random.nextInt(100_000_000) + "," + random.nextInt(400_000_000) + "," + behavior + "," +
            (random.nextInt(8) == 0 ? "a-field-long-enough-to-take-the-line-past-64-bytes" :
                random.nextBoolean() ? "vrf3893" : "") + "," + category + ",2014-12-03 07";
        return random.nextInt(40) == 0 ? row.substring(0, random.nextInt(row.length() + 1)) : row;
    }

    /** The rule, one byte at a time: {behavior, category}, -1 for a field that is missing or not 1-18 digits. */
    private static long[] reference(final String line)
    {
        final String[] fields = (line + ",").split(",", -1);
        return new long[]{ fields.length > 3 ? digits(fields[2]) : -1, fields.length > 5 ? digits(fields[4]) : -1 };
    }

    private static long digits(final String field)
    {
        if (field.isEmpty() || field.length() > 18 || !field.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            return -1;
        }
        return Long.parseLong(field);
    }
}
