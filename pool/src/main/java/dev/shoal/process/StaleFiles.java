package dev.shoal.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import org.agrona.IoUtil;

/**
 * A JVM killed with SIGKILL runs no shutdown hook, so what it made for the length of its run stays: a pool's region
 * ({@code /dev/shm/shoal/pool-PID-N}) and worker log folder ({@code tmp/shoal-pool-PID-*}), the scheduler demo's
 * region and log folder; its child JVMs end by themselves ({@link ParentWatch}). Such names start with a prefix and
 * the owner's pid, and the next run of the same kind removes those whose owner is gone. A live owner's files are
 * never touched; a reused pid only keeps a stale file a while longer.
 */
public final class StaleFiles
{
    private StaleFiles()
    {
    }

    /**
     * Removes regions of the default directory named {@code PREFIX + PID...} whose pid is not running.
     *
     * @param prefix the names' prefix, e.g. {@code "pool-"}.
     */
    public static void sweepRegions(final String prefix)
    {
        sweep(RegionLocation.defaultDirectory(), prefix, true);
    }

    /**
     * Removes folders of {@code java.io.tmpdir} named {@code PREFIX + PID...} whose pid is not running.
     *
     * @param prefix the names' prefix, e.g. {@code "shoal-pool-"}.
     */
    public static void sweepTempFolders(final String prefix)
    {
        sweep(Path.of(System.getProperty("java.io.tmpdir")), prefix, false);
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
