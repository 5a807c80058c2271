package dev.shoal.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Identity and liveness of processes, for the slow paths that must decide whether the holder of a claim, a
 * lease or a lock is gone. Never called per operation.
 *
 * <p>A process identity packs the pid (22 bits: Linux's {@code PID_MAX_LIMIT} on 64-bit) and the process
 * start time in centiseconds since the epoch (41 bits) into one positive long, so that one CAS can name an
 * owner and a reused pid is not mistaken for the original process:
 *
 * <pre>
 *   63  62                                         22 21                 0
 *  +---+---------------------------------------------+--------------------+
 *  | 0 |   start time, centiseconds since epoch      |        pid         |
 *  +---+---------------------------------------------+--------------------+
 * </pre>
 *
 * A process is alive when its pid exists, is not a zombie, and its start time matches the identity's
 * within {@link #START_TOLERANCE_CENTIS} (start times are derived from clock ticks and the boot time, which
 * may round differently between JDKs). An identity whose start time is 0 (unknown) is checked by pid alone.
 */
public final class ProcessLiveness
{
    /** Bits of the identity holding the pid. */
    public static final int PID_BITS = 22;
    /** Largest pid an identity can hold. */
    public static final long MAX_PID = (1L << PID_BITS) - 1;
    /** Allowed difference between recorded and observed start times. */
    public static final long START_TOLERANCE_CENTIS = 100;

    private static final long CURRENT_PID = ProcessHandle.current().pid();
    private static final long CURRENT_START_MS = startMillis(ProcessHandle.current());
    private static final long CURRENT_IDENTITY = identity(CURRENT_PID, CURRENT_START_MS);

    private ProcessLiveness()
    {
    }

    /**
     * @return this process's identity.
     */
    public static long currentIdentity()
    {
        return CURRENT_IDENTITY;
    }

    /**
     * @return this process's pid.
     */
    public static long currentPid()
    {
        return CURRENT_PID;
    }

    /**
     * @return this process's start time in epoch milliseconds, 0 when the OS does not tell.
     */
    public static long currentStartMillis()
    {
        return CURRENT_START_MS;
    }

    /**
     * @param pid         process id.
     * @param startMillis process start time in epoch ms, or 0 when unknown.
     * @return the packed identity.
     */
    public static long identity(final long pid, final long startMillis)
    {
        if (pid <= 0 || pid > MAX_PID)
        {
            throw new IllegalArgumentException("pid out of range 1.." + MAX_PID + ": pid=" + pid);
        }
        final long centis = Math.max(0, startMillis / 10);
        return (centis << PID_BITS) | pid;
    }

    /**
     * @param identity a packed identity.
     * @return its pid.
     */
    public static long pidOf(final long identity)
    {
        return identity & MAX_PID;
    }

    /**
     * @param identity a packed identity.
     * @return its start time in epoch ms (centisecond precision), 0 when unknown.
     */
    public static long startMillisOf(final long identity)
    {
        return (identity >>> PID_BITS) * 10;
    }

    /**
     * @param identity a packed identity, as stored in an owner word.
     * @return true when that very process (same pid, same start time) is still running.
     */
    public static boolean isAlive(final long identity)
    {
        if (identity <= 0)
        {
            return false;
        }
        if (identity == CURRENT_IDENTITY)
        {
            return true;
        }
        final long pid = pidOf(identity);
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive() || isZombie(pid))
        {
            return false;
        }
        final long recordedCentis = identity >>> PID_BITS;
        if (recordedCentis == 0)
        {
            return true;
        }
        final long observedMs = startMillis(handle.get());
        if (observedMs == 0)
        {
            return true; // the OS hides the start time: the pid is all we can check
        }
        return Math.abs(observedMs / 10 - recordedCentis) <= START_TOLERANCE_CENTIS;
    }

    private static long startMillis(final ProcessHandle handle)
    {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /**
     * A killed child whose parent has not reaped it yet still has a pid; it is dead all the same.
     */
    private static boolean isZombie(final long pid)
    {
        final Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try
        {
            final String text = new String(Files.readAllBytes(stat), StandardCharsets.US_ASCII);
            final int close = text.lastIndexOf(')');
            return close > 0 && close + 2 < text.length() && text.charAt(close + 2) == 'Z';
        }
        catch (final IOException | SecurityException ex)
        {
            return false; // not Linux, or the process just went away: the other checks decide
        }
    }
}
