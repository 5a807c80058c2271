package dev.shoal.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Identity and liveness of processes, for the slow paths that must decide whether the holder of a claim, a
 * lease or a lock is gone. Never called per operation.
 *
 * <p>A process identity packs the pid (22 bits: Linux's {@code PID_MAX_LIMIT} on 64-bit) and the process's
 * start time as the kernel keeps it (field 22 of {@code /proc/PID/stat}: clock ticks since boot, 41 bits) into
 * one positive long, so that one CAS can name an owner and a reused pid is not mistaken for the original:
 *
 * <pre>
 *   63  62                                         22 21                 0
 *  +---+---------------------------------------------+--------------------+
 *  | 0 |   start time, clock ticks since boot        |        pid         |
 *  +---+---------------------------------------------+--------------------+
 * </pre>
 *
 * <p>The start ticks are compared exactly. They come from the kernel, not from a wall clock: a clock step
 * (NTP, a resumed VM) between two processes' starts cannot make either judge the other dead. A region on
 * disk outlives a reboot, and ticks restart at boot: participant entries carry the boot id as well (see
 * {@link ParticipantTable}).
 *
 * <p><b>Dead means proven dead.</b> A process is dead when its pid does not exist, it is a zombie, or its
 * start ticks differ from the identity's (pid reuse). Anything unknown reads as alive: a stat file that
 * exists but cannot be read (another user under {@code hidepid}) or does not parse, or an identity with start
 * ticks 0 (no {@code /proc}: checked by pid alone). Judging a live process dead would hand its lock or job to
 * another while it still runs; judging a dead one alive only delays a recovery.
 */
public final class ProcessLiveness
{
    /** Bits of the identity holding the pid. */
    public static final int PID_BITS = 22;
    /** Largest pid an identity can hold. */
    public static final long MAX_PID = (1L << PID_BITS) - 1;
    /** Largest start tick count an identity can hold (2^41 ticks: 697 years at 100 Hz). */
    public static final long MAX_TICKS = (1L << (63 - PID_BITS)) - 1;

    /** How the stat file of a pid is read; a test seam. */
    interface StatReader
    {
        /**
         * @param pid a process id.
         * @return the text of {@code /proc/PID/stat}.
         * @throws NoSuchFileException when the process does not exist.
         * @throws IOException         when it exists but cannot be read.
         */
        String read(long pid) throws IOException;
    }

    private static final StatReader PROC = pid ->
        new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat")), StandardCharsets.US_ASCII);
    private static final boolean HAS_PROC = Files.isDirectory(Path.of("/proc/self"));
    private static final long CURRENT_PID = ProcessHandle.current().pid();
    /**
     * How long an answer read from {@code /proc} stands for {@link #isAliveRecently}. Every idle consumer of a ring
     * scans every lease record on a schedule and asks about each holder; with C consumer threads per process that
     * was C x C stat reads per scan, most of a core per worker idle at 32 threads per worker (1 to 64 ms between
     * scans). An answer kept 10 ms bounds that to 100 reads a second per other process. Kept "alive" only delays
     * such a scan's recovery by up to 10 ms; kept "dead" cannot be wrong: dead is proven (a pid gone, a zombie,
     * other start ticks) and an identity carrying start ticks never lives again. {@link #isAlive} never reads a
     * kept answer: a caller that has just seen a process end (a supervisor's wait, inspect after a kill) must not
     * be told it still runs.
     */
    private static final long ANSWER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int ANSWERS_KEPT = 4096;
    /** Identity to the answer's expiry (nanoTime, even) with the answer in its low bit (1: alive). */
    private static final ConcurrentHashMap<Long, Long> ANSWERS = new ConcurrentHashMap<>();
    private static final long CURRENT_TICKS = startTicks(PROC, CURRENT_PID);
    private static final long CURRENT_IDENTITY = identity(CURRENT_PID, CURRENT_TICKS);
    private static final long CURRENT_START_MS =
        ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    private static final long BOOT_ID = readBootId();

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
     * @return this process's start time in clock ticks since boot, 0 when the OS does not tell.
     */
    public static long currentStartTicks()
    {
        return CURRENT_TICKS;
    }

    /**
     * @return this process's start time in epoch milliseconds (for display only: never used to decide
     *     liveness), 0 when the OS does not tell.
     */
    public static long currentStartMillis()
    {
        return CURRENT_START_MS;
    }

    /**
     * @return a hash of this boot's id ({@code /proc/sys/kernel/random/boot_id}), 0 when this process cannot
     *     read it (no {@code /proc}, or masked in a container): unknown, so never a reason to judge dead.
     */
    public static long bootId()
    {
        return BOOT_ID;
    }

    /**
     * @param entryBoot the boot id recorded with an owner (see {@link #bootId()}).
     * @return false only when both this boot's id and the recorded one are known and differ: the owner ran
     *     before a reboot.
     */
    public static boolean sameBoot(final long entryBoot)
    {
        return entryBoot == 0 || BOOT_ID == 0 || entryBoot == BOOT_ID;
    }

    /**
     * @param pid        process id.
     * @param startTicks process start in clock ticks since boot, or 0 when unknown (pid-only checks).
     * @return the packed identity.
     */
    public static long identity(final long pid, final long startTicks)
    {
        if (pid <= 0 || pid > MAX_PID)
        {
            throw new IllegalArgumentException("pid out of range 1.." + MAX_PID + ": pid=" + pid);
        }
        if (startTicks < 0 || startTicks > MAX_TICKS)
        {
            throw new IllegalArgumentException("start ticks out of range 0.." + MAX_TICKS + ": " + startTicks);
        }
        return (startTicks << PID_BITS) | pid;
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
     * @return its start in clock ticks since boot, 0 when unknown.
     */
    public static long startTicksOf(final long identity)
    {
        return identity >>> PID_BITS;
    }

    /**
     * Asks the kernel now (never a kept answer).
     *
     * @param identity a packed identity, as stored in an owner word.
     * @return false only when that very process (same pid, same start ticks) is proven gone.
     */
    public static boolean isAlive(final long identity)
    {
        if (identity <= 0 || identity == CURRENT_IDENTITY)
        {
            return identity > 0;
        }
        return keep(identity, System.nanoTime(), isAlive(identity, PROC));
    }

    /**
     * Like {@link #isAlive(long)}, but an answer up to 10 ms old may stand: for periodic scans that ask about the
     * same holders over and over (an idle consumer's lease scan), where a death seen 10 ms late costs nothing.
     *
     * @param identity a packed identity, as stored in an owner word.
     * @return false only when that very process is proven gone; a process that ended in the last 10 ms may still
     *     read as alive.
     */
    public static boolean isAliveRecently(final long identity)
    {
        if (identity <= 0 || identity == CURRENT_IDENTITY)
        {
            return identity > 0;
        }
        final long now = System.nanoTime();
        final Long until = ANSWERS.get(identity);
        if (until != null && (until & ~1L) - now > 0)
        {
            return (until & 1L) != 0;
        }
        return keep(identity, now, isAlive(identity, PROC));
    }

    private static boolean keep(final long identity, final long now, final boolean alive)
    {
        if (ANSWERS.size() >= ANSWERS_KEPT)
        {
            ANSWERS.clear(); // a bound, not a policy: at most one /proc read more per identity
        }
        // The low bit carries the answer; the expiry loses 1 ns to it.
        ANSWERS.put(identity, ((now + ANSWER_NANOS) & ~1L) | (alive ? 1L : 0L));
        return alive;
    }

    static boolean isAlive(final long identity, final StatReader reader)
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
        if (!HAS_PROC && reader == PROC)
        {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); // no /proc: pid only
        }
        final String stat;
        try
        {
            stat = reader.read(pid);
        }
        catch (final NoSuchFileException ex)
        {
            return false; // the pid does not exist
        }
        catch (final IOException | SecurityException ex)
        {
            return true; // exists but unreadable: unknown, so alive
        }
        final int close = stat.lastIndexOf(')'); // the command name may hold spaces and parentheses
        if (close < 0 || close + 2 >= stat.length())
        {
            return true; // unparsable: unknown, so alive
        }
        final char state = stat.charAt(close + 2);
        if (state == 'Z' || state == 'X')
        {
            return false; // a zombie or a dying task: killed, not yet reaped
        }
        final long recorded = startTicksOf(identity);
        if (recorded == 0)
        {
            return true;
        }
        final long observed = parseStartTicks(stat, close);
        return observed < 0 || observed == recorded; // unparsable ticks: unknown, so alive
    }

    /**
     * @return field 22 (start time in clock ticks) of a stat line, -1 when it does not parse.
     */
    static long parseStartTicks(final String stat, final int close)
    {
        // Fields after the command: " S ppid pgrp ..." where S is field 3; field 22 is the 20th after ')'.
        int field = 2;
        int i = close + 1;
        final int length = stat.length();
        while (i < length)
        {
            while (i < length && stat.charAt(i) == ' ')
            {
                i++;
            }
            final int start = i;
            while (i < length && stat.charAt(i) != ' ' && stat.charAt(i) != '\n')
            {
                i++;
            }
            if (start == i)
            {
                break;
            }
            field++;
            if (field == 22)
            {
                try
                {
                    return Long.parseLong(stat, start, i, 10);
                }
                catch (final NumberFormatException ex)
                {
                    return -1;
                }
            }
        }
        return -1;
    }

    static long startTicks(final StatReader reader, final long pid)
    {
        try
        {
            final String stat = reader.read(pid);
            final int close = stat.lastIndexOf(')');
            final long ticks = close < 0 ? -1 : parseStartTicks(stat, close);
            return ticks < 0 || ticks > MAX_TICKS ? 0 : ticks;
        }
        catch (final IOException | SecurityException ex)
        {
            return 0; // no /proc: identities of this process are checked by pid alone
        }
    }

    private static long readBootId()
    {
        try
        {
            final String text = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
            long hash = 1125899906842597L;
            for (int i = 0; i < text.length(); i++)
            {
                hash = 31 * hash + text.charAt(i);
            }
            return hash == 0 ? 1 : hash; // 0 is kept for unknown
        }
        catch (final IOException | SecurityException ex)
        {
            return 0; // unknown: a process that can read it must not judge ours dead, nor we its
        }
    }
}
