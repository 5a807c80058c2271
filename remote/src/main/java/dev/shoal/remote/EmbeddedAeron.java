package dev.shoal.remote;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * One process's Aeron: an embedded media driver in its own directory on {@code /dev/shm} and a client of it.
 * The driver runs one shared thread (this machine class has few cores) that backs off to 1 ms sleeps when idle.
 * A directory left by a process that died (SIGKILL skips the driver's own clean-up) is removed by the next start
 * on the same machine.
 */
final class EmbeddedAeron implements AutoCloseable
{
    /** Term buffer of every publication: the largest message is an eighth of it (512 KiB). */
    static final int TERM_LENGTH = 4 << 20;
    static final int MAX_MESSAGE = TERM_LENGTH / 8;
    private static final String PREFIX = "shoal-aeron-";
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final MediaDriver driver;
    private final Aeron aeron;

    private EmbeddedAeron(final MediaDriver driver, final Aeron aeron)
    {
        this.driver = driver;
        this.aeron = aeron;
    }

    /**
     * @param imageTimeoutNanos how long a silent peer's image lives (the link's own liveness timeout).
     * @return a running driver and client.
     */
    static EmbeddedAeron start(final long imageTimeoutNanos)
    {
        sweepStale();
        final String dir = root().resolve(PREFIX + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet())
            .toString();
        final MediaDriver.Context ctx = new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(10, 10, 1_000, 1_000_000))
            .publicationTermBufferLength(TERM_LENGTH)
            .ipcTermBufferLength(64 * 1024)
            .imageLivenessTimeoutNs(Math.max(imageTimeoutNanos, TimeUnit.MILLISECONDS.toNanos(500)))
            .printConfigurationOnStart(false)
            .warnIfDirectoryExists(false);
        final MediaDriver driver = MediaDriver.launchEmbedded(ctx);
        try
        {
            final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            return new EmbeddedAeron(driver, aeron);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    Aeron aeron()
    {
        return aeron;
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(aeron, driver);
    }

    private static Path root()
    {
        final File shm = new File("/dev/shm");
        return shm.isDirectory() ? shm.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * Removes the directories of drivers whose process is gone.
     */
    static void sweepStale()
    {
        final File[] found = root().toFile().listFiles((d, name) -> name.startsWith(PREFIX));
        if (found == null)
        {
            return;
        }
        for (final File f : found)
        {
            final String rest = f.getName().substring(PREFIX.length());
            final int dash = rest.indexOf('-');
            try
            {
                final long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                {
                    continue;
                }
            }
            catch (final NumberFormatException ex)
            {
                continue; // not ours
            }
            IoUtil.delete(f, true);
        }
    }
}
