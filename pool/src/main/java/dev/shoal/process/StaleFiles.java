package dev.shoal.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import org.agrona.IoUtil;

/**
 * A pool whose own JVM was killed (SIGKILL runs no shutdown hook) leaves its region
 * ({@code /dev/shm/shoal/pool-PID-N}) and its worker log folder ({@code tmp/shoal-pool-PID-*}) behind; its
 * workers end by themselves ({@link dev.shoal.process.ParentWatch}). The next pool to start removes what belongs
 * to pools whose process is gone. Names carry the owner's pid, so nothing of a live pool is touched.
 */
final class StalePoolFiles
{
    static final String REGION_PREFIX = "pool-";
    static final String LOG_PREFIX = "shoal-pool-";

    private StalePoolFiles()
    {
    }

    static void sweep()
    {
        sweep(RegionLocation.defaultDirectory(), REGION_PREFIX, true);
        sweep(Path.of(System.getProperty("java.io.tmpdir")), LOG_PREFIX, false);
    }

    private static void sweep(final Path dir, final String prefix, final boolean regions)
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        try (Stream<Path> entries = Files.list(dir))
        {
            entries.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(p ->
            {
                final long pid = ownerPid(p.getFileName().toString().substring(prefix.length()));
                if (pid > 0 && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true))
                {
                    if (regions)
                    {
                        Region.delete(RegionLocation.of(p));
                    }
                    else
                    {
                        IoUtil.delete(p.toFile(), true);
                    }
                }
            });
        }
        catch (final IOException | RuntimeException ex)
        {
            // best effort: a stale file costs space, never correctness
        }
    }

    private static long ownerPid(final String rest)
    {
        final int dash = rest.indexOf('-');
        try
        {
            return Long.parseLong(dash > 0 ? rest.substring(0, dash) : rest);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
