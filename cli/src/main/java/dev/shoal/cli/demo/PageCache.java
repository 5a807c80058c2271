package dev.shoal.cli.demo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Brings a file into the operating system's page cache by reading it once, so that the runs a demo compares all
 * read it from memory. Without it the first run of {@code bin/shoal demo} (one worker) read the sample from the
 * disk whenever the cache had let it go, and the line comparing one worker with two read 3.5x where the workers
 * scale 1.3x: a virtual machine gives cached pages back readily (on the 2-core VM the sample was wholly uncached
 * after twenty minutes of other work).
 */
public final class PageCache
{
    private static final int READ_BYTES = 1 << 20;

    private PageCache()
    {
    }

    /**
     * @param size a file's size.
     * @return whether reading it into the cache is worth it: at most a quarter of the machine's memory (a larger
     *     file would push out the pages it needs, and its own), or any size when the memory is not known.
     */
    public static boolean fits(final long size)
    {
        try
        {
            final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean)
            {
                return size <= ((com.sun.management.OperatingSystemMXBean)os).getTotalMemorySize() / 4;
            }
        }
        catch (final LinkageError ex)
        {
            // a runtime without the jdk.management module: the memory is not known
        }
        return true;
    }

    /**
     * Reads the whole file, discarding the bytes.
     *
     * @param file the file.
     * @return the bytes read.
     * @throws IOException when it cannot be read.
     */
    public static long readThrough(final Path file) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES);
        long total = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            int read;
            while ((read = channel.read(buffer.clear())) >= 0)
            {
                total += read;
            }
        }
        return total;
    }
}
