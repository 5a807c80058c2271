package dev.shoal.journal;

import java.io.File;

/**
 * Reserves a journal file's blocks ahead of its appends ({@code fallocate} with {@code FALLOC_FL_KEEP_SIZE}), so a
 * file system that fills up refuses an append by name instead of faulting inside it. Chronicle maps its cycle
 * files and grows them sparse: a write to a page the file system cannot give raises SIGBUS, which the JVM turns
 * into an {@code InternalError} at some later instruction of the writing thread, outside any catch around the
 * append (the pool's result thread died of it). Reserving changes no byte and not the file's length: blocks already
 * there stay as they are, holes get zeroed blocks, so it is safe beside Chronicle's own writes and beside readers.
 *
 * <p>Reservations run {@value #AHEAD_BYTES} bytes ahead of what an append needs, so the call is made about once
 * per that many bytes; when the file system cannot give that much, the exact need is tried before refusing. Linux
 * only, through JNA (as {@link DropBehind}); where fallocate is not supported (the file system says so) or the
 * library cannot load, it does nothing and appends are as without it. One thread at a time (the journal's monitor).
 */
final class JournalSpace implements AutoCloseable
{
    /** How far past an append's end blocks are reserved. */
    static final long AHEAD_BYTES = 8L << 20;
    /** Linux's {@code FALLOC_FL_KEEP_SIZE}: reserve without changing the length Chronicle gave the file. */
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int ENOSPC = 28;
    private static final int EDQUOT = 122;
    private static final Libc.Calls LIBC = Libc.calls("shoal.journal.reserve");

    private final Libc.OpenFile file = LIBC == null ? null : new Libc.OpenFile(LIBC, Libc.O_RDWR);
    private long reservedUpTo;
    /** False once the file system said it does not support the call: no more tries. */
    private boolean supported = LIBC != null;

    /**
     * @return whether reservations reach the kernel here (Linux, JNA loaded, not turned off).
     */
    static boolean available()
    {
        return LIBC != null;
    }

    /**
     * Makes sure the blocks of {@code file} up to {@code upTo} exist before they are written.
     *
     * @param file the cycle file the next append writes into.
     * @param upTo the offset past the bytes it may write.
     * @return {@code null} when they do (or cannot be reserved here, in which case nothing changes), else what the
     *     file system answered when it had no room.
     */
    String reserve(final File cycleFile, final long upTo)
    {
        if (!supported)
        {
            return null;
        }
        if (!file.isOn(cycleFile))
        {
            if (!file.open(cycleFile))
            {
                return null; // rolled away, or not writable by path: the append goes on as without reservation
            }
            reservedUpTo = 0;
        }
        final int fd = file.fd();
        if (upTo <= reservedUpTo)
        {
            return null;
        }
        if (LIBC.fallocate(fd, FALLOC_FL_KEEP_SIZE, reservedUpTo, upTo + AHEAD_BYTES - reservedUpTo) == 0)
        {
            reservedUpTo = upTo + AHEAD_BYTES;
            return null;
        }
        final int errno = Libc.lastError();
        if (errno != ENOSPC && errno != EDQUOT)
        {
            supported = false; // EOPNOTSUPP and the like: this file system does not reserve
            file.close();
            return null;
        }
        if (LIBC.fallocate(fd, FALLOC_FL_KEEP_SIZE, reservedUpTo, upTo - reservedUpTo) == 0)
        {
            reservedUpTo = upTo; // room for this append, not for the reservation ahead of it
            return null;
        }
        final int again = Libc.lastError();
        return again == EDQUOT ? "disk quota exceeded" : again == ENOSPC ? "no space left on device" :
            "fallocate failed with errno " + again;
    }

    @Override
    public void close()
    {
        if (file != null)
        {
            file.close();
        }
    }
}
