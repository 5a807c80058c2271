package dev.shoal.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;

/**
 * A region made for one benchmark trial in a fresh file in {@code /dev/shm} (or {@code java.io.tmpdir} when
 * there is none), closed and deleted when its last user lets go.
 *
 * <p>Why counted: JMH tears a shared ({@code Scope.Group} or {@code Scope.Benchmark}) state down <em>before</em>
 * the {@code Scope.Thread} states of the same trial (see the generated {@code _jmhTest} classes), so a shared
 * state that unmapped the region in its tear-down would pull it from under the thread states' handles, which
 * must still be closed on their own threads. Instead the shared state holds one reference, every thread that
 * attaches a handle {@link #retain()}s one and {@link #release()}s it after closing the handle, and whoever
 * releases last unmaps and deletes the file.
 */
final class SharedRegion
{
    private static final Path SHM = Path.of("/dev/shm");

    private final Path file;
    private final Region region;
    private final AtomicInteger references = new AtomicInteger(1);

    private SharedRegion(final Path file, final Region region)
    {
        this.file = file;
        this.region = region;
    }

    /**
     * Creates the region, held by one reference (the caller's).
     *
     * @param prefix file name prefix naming the benchmark.
     * @param spec   the layout.
     * @return the holder.
     * @throws IOException when the directory cannot be written.
     */
    static SharedRegion create(final String prefix, final RegionSpec spec) throws IOException
    {
        final Path dir = Files.isDirectory(SHM) ? SHM : Path.of(System.getProperty("java.io.tmpdir"));
        final Path file = Files.createTempFile(dir, prefix, ".region");
        Files.delete(file);
        return new SharedRegion(file, Region.create(file.toString(), spec));
    }

    /**
     * @return the open region.
     */
    Region region()
    {
        return region;
    }

    /**
     * Takes a reference: the region stays mapped until it is released.
     *
     * @return the region.
     * @throws IllegalStateException when the region was closed already.
     */
    Region retain()
    {
        while (true)
        {
            final int count = references.get();
            if (count <= 0)
            {
                throw new IllegalStateException("region closed: file=" + file);
            }
            if (references.compareAndSet(count, count + 1))
            {
                return region;
            }
        }
    }

    /**
     * Lets a reference go; the last one unmaps the region and deletes its file.
     */
    void release()
    {
        final int count = references.decrementAndGet();
        if (count == 0)
        {
            region.close();
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot delete region file=" + file, ex);
            }
        }
        else if (count < 0)
        {
            throw new IllegalStateException("released too often: file=" + file + " count=" + count);
        }
    }
}
