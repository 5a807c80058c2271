package dev.shoal.chunks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * Test files with every edge case of the alignment rule, and the single-threaded reference they are checked
 * against: read the whole file, split on '\n'.
 */
final class ChunkFixtures
{
    private ChunkFixtures()
    {
    }

    /**
     * The reference: lines of a file's bytes, each without its '\n' ('\r' kept); a last line without '\n'
     * counts, an empty file has none.
     *
     * @param bytes file content.
     * @return the lines.
     */
    static List<byte[]> referenceLines(final byte[] bytes)
    {
        final List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++)
        {
            if (bytes[i] == '\n')
            {
                lines.add(java.util.Arrays.copyOfRange(bytes, start, i));
                start = i + 1;
            }
        }
        if (start < bytes.length)
        {
            lines.add(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
        }
        return lines;
    }

    /**
     * @param bytes file content.
     * @return {lines, checksum}: the demo's figures computed the plain way.
     */
    static long[] referenceChecksum(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        long sum = 0;
        final List<byte[]> lines = referenceLines(bytes);
        for (final byte[] line : lines)
        {
            crc.reset();
            crc.update(line);
            sum += crc.getValue();
        }
        return new long[]{ lines.size(), sum };
    }

    /**
     * Random lines: empty ones, short ones, some longer than any small chunk, '\r\n' endings, and a final
     * newline or not.
     *
     * @param seed  random seed (print it on failure).
     * @param lines how many lines.
     * @return file content.
     */
    static byte[] randomContent(final long seed, final int lines)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++)
        {
            final int kind = random.nextInt(10);
            final int length = kind == 0 ? 0 : kind == 1 ? 40 + random.nextInt(300) : random.nextInt(12);
            for (int j = 0; j < length; j++)
            {
                sb.append((char)('a' + random.nextInt(26)));
            }
            if (random.nextInt(5) == 0)
            {
                sb.append('\r');
            }
            if (i < lines - 1 || random.nextBoolean())
            {
                sb.append('\n');
            }
        }
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * @return named contents covering each edge case on its own.
     */
    static List<Object[]> edgeCases()
    {
        final List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[]{ "empty file", "" });
        cases.add(new Object[]{ "one newline", "\n" });
        cases.add(new Object[]{ "only newlines", "\n\n\n\n\n" });
        cases.add(new Object[]{ "one char, no newline", "x" });
        cases.add(new Object[]{ "no final newline", "alpha\nbeta\ngamma" });
        cases.add(new Object[]{ "final newline", "alpha\nbeta\ngamma\n" });
        cases.add(new Object[]{ "empty lines between", "a\n\n\nb\n\nc\n" });
        cases.add(new Object[]{ "crlf", "one\r\ntwo\r\n\r\nthree\r\n" });
        cases.add(new Object[]{ "crlf, no final newline", "one\r\ntwo\r" });
        cases.add(new Object[]{ "line longer than ranges", "short\n" + "L".repeat(5000) + "\nend\n" });
        cases.add(new Object[]{ "long last line, no newline", "a\n" + "Z".repeat(3000) });
        cases.add(new Object[]{ "leading empty line", "\nfirst\nsecond" });
        return cases;
    }

    /**
     * @param dir     folder.
     * @param name    file name.
     * @param content bytes.
     * @return the written file.
     */
    static Path write(final Path dir, final String name, final byte[] content)
    {
        try
        {
            return Files.write(dir.resolve(name), content);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
