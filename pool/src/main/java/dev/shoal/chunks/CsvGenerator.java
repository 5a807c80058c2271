package dev.shoal.chunks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * Writes a sample user-behaviour CSV, {@code user_id,item_id,behavior_type,user_geohash,item_category,time},
 * shaped like the public Tianchi data set: mostly clicks, a third of the rows with a geohash, a few item
 * categories far more common than the rest. Seeded, so the same seed and size give the same bytes. Builds
 * lines straight into a 1 MiB buffer (no strings, no formatting) and writes it with a file channel.
 */
public final class CsvGenerator
{
    /** The header line. */
    public static final String HEADER = "user_id,item_id,behavior_type,user_geohash,item_category,time";
    /** Seed when none is given. */
    public static final long DEFAULT_SEED = 20141218L;

    private static final byte[] GEOHASH_CHARS = "0123456789bcdefghjkmnpqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
    private static final int CATEGORIES = 9000;
    private static final int DAYS = 31;
    private static final int BUFFER_BYTES = 1 << 20;
    private static final int MAX_LINE = 96;
    private static final byte[][] DATES = dates();

    private CsvGenerator()
    {
    }

    /**
     * Writes the sample beside the file under a private name and renames it into place when it is whole: a failure
     * part way (the disk full) leaves no partial sample, and a file being replaced stays as it was.
     *
     * @param file  the file to write (replaced if present).
     * @param bytes size to reach: whole lines are written until the file has at least this many bytes.
     * @param seed  random seed.
     * @return bytes written.
     * @throws IOException when the file cannot be written (its folder must exist: a mistyped path fails rather
     *                     than leave folders behind).
     */
    public static long generate(final Path file, final long bytes, final long seed) throws IOException
    {
        final Path absolute = file.toAbsolutePath();
        final Path temp = absolute.resolveSibling("." + absolute.getFileName() + ".generating." +
            ProcessHandle.current().pid());
        boolean moved = false;
        try
        {
            final long written = write(temp, bytes, seed);
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            return written;
        }
        finally
        {
            if (!moved)
            {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static long write(final Path file, final long bytes, final long seed) throws IOException
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        final byte[] line = new byte[MAX_LINE];
        long written = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final byte[] header = (HEADER + "\n").getBytes(StandardCharsets.US_ASCII);
            buffer.put(header);
            written += header.length;
            while (written < bytes)
            {
                final int length = nextLine(random, line);
                if (buffer.remaining() < length)
                {
                    drain(channel, buffer);
                }
                buffer.put(line, 0, length);
                written += length;
            }
            drain(channel, buffer);
        }
        return written;
    }

    private static int nextLine(final SplittableRandom random, final byte[] line)
    {
        int at = putDigits(line, 0, 10_000_000L + random.nextLong(140_000_000L));
        line[at++] = ',';
        at = putDigits(line, at, 100_000_000L + random.nextLong(300_000_000L));
        line[at++] = ',';
        line[at++] = (byte)('0' + behavior(random.nextInt(1000)));
        line[at++] = ',';
        if (random.nextInt(3) == 0)
        {
            for (int i = 0; i < 7; i++)
            {
                line[at++] = GEOHASH_CHARS[random.nextInt(GEOHASH_CHARS.length)];
            }
        }
        line[at++] = ',';
        final double skew = random.nextDouble();
        at = putDigits(line, at, 1 + (long)(skew * skew * skew * CATEGORIES));
        line[at++] = ',';
        final byte[] date = DATES[random.nextInt(DAYS)];
        System.arraycopy(date, 0, line, at, date.length);
        at += date.length;
        final int hour = random.nextInt(24);
        line[at++] = (byte)('0' + hour / 10);
        line[at++] = (byte)('0' + hour % 10);
        line[at++] = '\n';
        return at;
    }

    private static int behavior(final int permille)
    {
        if (permille < 900)
        {
            return 1;
        }
        if (permille < 930)
        {
            return 2;
        }
        return permille < 975 ? 3 : 4;
    }

    private static int putDigits(final byte[] line, final int at, final long value)
    {
        int digits = 1;
        for (long v = value / 10; v > 0; v /= 10)
        {
            digits++;
        }
        long v = value;
        for (int i = at + digits - 1; i >= at; i--)
        {
            line[i] = (byte)('0' + v % 10);
            v /= 10;
        }
        return at + digits;
    }

    private static void drain(final FileChannel channel, final ByteBuffer buffer) throws IOException
    {
        buffer.flip();
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private static byte[][] dates()
    {
        final byte[][] dates = new byte[DAYS][];
        java.time.LocalDate day = java.time.LocalDate.of(2014, 11, 18);
        for (int i = 0; i < DAYS; i++)
        {
            dates[i] = (day + " ").getBytes(StandardCharsets.US_ASCII);
            day = day.plusDays(1);
        }
        return dates;
    }
}
