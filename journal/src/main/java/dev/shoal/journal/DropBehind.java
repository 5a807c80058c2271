package dev.shoal.journal;

import java.io.File;

/**
 * Asks the kernel to drop a journal file's pages well behind the write position from the page cache
 * ({@code posix_fadvise(POSIX_FADV_DONTNEED)}), so the pages the journal writes next are ones the kernel freed a
 * moment ago instead of memory it has not touched lately. A journal is written once and read rarely (resume, a
 * tailer), so its old pages are the last the cache needs; on this project's VM a page the guest has not used lately
 * costs 6-14 us to provide (the balloon driver reports free memory back to the host), a recycled one well under 1 us
 * (docs/journal.md).
 *
 * <p>No data is at risk: the kernel drops only clean pages (written back to the file), not the ones a process maps,
 * and starts the writeback of dirty ones, which a later call then drops. A reader that asks for a dropped page gets
 * it from the disk. Every call covers the {@value #WINDOW_BYTES} bytes up to {@value #LAG_BYTES} bytes behind the
 * write position, so pages skipped once (under writeback, or still mapped by one of Chronicle's chunks) go at a later
 * call, and a call's cost does not grow with the file.
 *
 * <p>Linux only, through JNA (Chronicle's own dependency); elsewhere, or when the library cannot load, it does
 * nothing. {@code -Dshoal.journal.dropBehind=false} turns it off. One thread uses an instance (the pretoucher's).
 */
final class DropBehind implements AutoCloseable
{
    /** How far behind the write position pages stay cached (a tailer that far behind still reads from memory). */
    static final long LAG_BYTES = 16L << 20;
    /** How far back a call reaches: pages kept past it (still mapped all that time) stay cached. */
    static final long WINDOW_BYTES = 256L << 20;
    /** The least progress between two calls. */
    static final long STEP_BYTES = 4L << 20;
    /** Linux's value of {@code POSIX_FADV_DONTNEED}. */
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final Libc.Calls LIBC = Libc.calls("shoal.journal.dropBehind");

    private final Libc.OpenFile file = LIBC == null ? null : new Libc.OpenFile(LIBC, Libc.O_RDONLY);
    private long advisedUpTo;
    /** Written by the one thread that calls, read by tests. */
    private volatile long calls;

    /**
     * @return whether calls reach the kernel here (Linux, JNA loaded, not turned off).
     */
    static boolean available()
    {
        return LIBC != null;
    }

    /**
     * Drops the cached pages of {@code file} in the {@link #WINDOW_BYTES} up to {@link #LAG_BYTES} before
     * {@code writePosition}, when the position moved on by {@link #STEP_BYTES} since the last call for that file.
     *
     * @param file          the journal file being appended to.
     * @param writePosition the offset after the last append.
     */
    void advise(final File appendedTo, final long writePosition)
    {
        if (LIBC == null)
        {
            return;
        }
        if (!file.isOn(appendedTo))
        {
            if (!file.open(appendedTo))
            {
                return; // rolled away or removed: try again at the next call
            }
            advisedUpTo = 0;
        }
        final long upTo = writePosition - LAG_BYTES;
        if (upTo - advisedUpTo >= STEP_BYTES)
        {
            final long from = Math.max(0, upTo - WINDOW_BYTES);
            // Advice only: an error changes nothing.
            LIBC.posix_fadvise(file.fd(), from, upTo - from, POSIX_FADV_DONTNEED);
            advisedUpTo = upTo;
            calls = calls + 1; // one writer
        }
    }

    /**
     * @return calls that reached the kernel (for tests).
     */
    long calls()
    {
        return calls;
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
