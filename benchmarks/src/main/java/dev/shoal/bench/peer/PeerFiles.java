package dev.shoal.bench.peer;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds files of {@code benchmarks/peers/} (Python scripts, the Redis script): from the system property
 * {@code shoal.bench.peers}, else next to the benchmarks jar ({@code benchmarks/target/../peers}), else under the
 * working directory.
 */
public final class PeerFiles
{
    private PeerFiles()
    {
    }

    /**
     * @param relative path under {@code benchmarks/peers}, e.g. {@code python/run_all.py}.
     * @return the file, or null when it cannot be found.
     */
    public static Path find(final String relative)
    {
        final String property = System.getProperty("shoal.bench.peers");
        if (property != null)
        {
            return existing(Path.of(property).resolve(relative));
        }
        try
        {
            final Path jar = Path.of(PeerFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = jar.getParent(); dir != null; dir = dir.getParent())
            {
                final Path candidate = existing(dir.resolve("peers").resolve(relative));
                final Path nested = existing(dir.resolve("benchmarks").resolve("peers").resolve(relative));
                if (candidate != null || nested != null)
                {
                    return candidate != null ? candidate : nested;
                }
            }
        }
        catch (final URISyntaxException | RuntimeException ex)
        {
            // fall through to the working directory
        }
        return existing(Path.of("benchmarks", "peers").resolve(relative).toAbsolutePath());
    }

    private static Path existing(final Path path)
    {
        return Files.isRegularFile(path) ? path : null;
    }
}
