package dev.shoal.pool;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.shoal.core.CrashPoints;

/**
 * Runs in the worker JVMs of {@code ResultBufferCrashTest} (started with {@code -Dshoal.test.crashpoints=true}).
 * The first worker 0 halts, as a SIGKILL would stop it, at its {@code shoal.test.resultHaltNth}-th arrival at the
 * point named by {@code shoal.test.resultHaltPoint}; the first worker 1 pauses at its
 * {@code shoal.test.resultPauseNth}-th {@code RESULT_COMMIT} (claimed and copied, not committed): it creates
 * {@code paused} in {@code shoal.test.resultCrashDir} and holds still until the test creates {@code resume} there.
 * Workers started in their place run free (each role is taken once, by creating a marker file).
 */
public final class ResultCrashInitializer implements WorkerInitializer
{
    @Override
    public void initialize(final int workerId) throws IOException
    {
        final Path dir = Path.of(System.getProperty("shoal.test.resultCrashDir"));
        if (workerId == 0 && takeRole(dir.resolve("halter")))
        {
            final ResultCrashPoint point = ResultCrashPoint.valueOf(System.getProperty("shoal.test.resultHaltPoint"));
            CrashPoints.haltAt(Long.getLong("shoal.test.resultHaltNth"), 137, point);
        }
        else if (workerId == 1 && takeRole(dir.resolve("pauser")))
        {
            final long nth = Long.getLong("shoal.test.resultPauseNth");
            final AtomicLong arrivals = new AtomicLong();
            CrashPoints.install(p ->
            {
                if (p == ResultCrashPoint.RESULT_COMMIT && arrivals.incrementAndGet() == nth)
                {
                    pauseUntilResumed(dir);
                }
            });
        }
    }

    /**
     * @param marker the role's marker file.
     * @return true for the one JVM that creates it first (each role is taken once).
     */
    static boolean takeRole(final Path marker) throws IOException
    {
        try
        {
            Files.createFile(marker);
            return true;
        }
        catch (final FileAlreadyExistsException ex)
        {
            return false;
        }
    }

    private static void pauseUntilResumed(final Path dir)
    {
        try
        {
            Files.createFile(dir.resolve("paused"));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(dir.resolve("resume")) && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
