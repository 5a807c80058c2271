package dev.shoal.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Brings the part of the journal file just past the write position into the page cache from its own thread, so
 * an append does not stop while the kernel creates and zeroes the pages it writes into. Chronicle maps its files
 * and grows them sparse: the first write to each new page faults, and the fault fills the page with zeros. At
 * 1 KiB results that zeroing was over half of the pool's collector thread (perf: {@code __pi_memset} under
 * {@code page_cache_ra_order}, from Chronicle's copy into the mapping). Chronicle Queue's own pretoucher is an
 * Enterprise feature.
 *
 * <p>It only reads, with {@code pread} through its own channel: it never changes a byte of the journal, whatever
 * the appender is doing at the time, and a read past the file's end returns nothing (no mapping, so no bus
 * error). It reads from the last position an append reported ({@link #wrote}) to {@value #AHEAD_BYTES} bytes
 * past it, within the file's current length, polling every millisecond. The fault the appender then takes finds
 * the page in the cache and only maps it. From the same thread {@link DropBehind} drops the pages well behind the
 * position, so the new ones come from memory the kernel freed a moment ago.
 */
final class JournalPretoucher implements AutoCloseable
{
    /** How far past the write position pages are brought in. */
    static final long AHEAD_BYTES = 8L << 20;
    private static final int READ_BYTES = 64 * 1024;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Thread thread;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(READ_BYTES);
    private final DropBehind dropBehind = new DropBehind();
    private volatile File file;
    private volatile long position;
    private volatile boolean running = true;
    private File current;
    private FileChannel channel;
    private long touchedUpTo;

    JournalPretoucher(final String name)
    {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Reports an append: pages after this position are the next to be written (any thread; plain volatile writes).
     *
     * @param written  the file appended to.
     * @param writePosition the file offset after the append.
     */
    void wrote(final File written, final long writePosition)
    {
        position = writePosition;
        file = written; // after the position: a new file is never read with an older file's position
    }

    private void run()
    {
        while (running)
        {
            final File target = file;
            if (target != null)
            {
                final long from = position;
                try
                {
                    touch(target, from);
                    dropBehind.advise(target, from);
                }
                catch (final IOException | RuntimeException ex)
                {
                    closeChannel(); // a file rolled away or removed: look again at the next report
                }
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        closeChannel();
        dropBehind.close();
    }

    /**
     * @return calls of the drop-behind that reached the kernel so far (for tests).
     */
    long dropBehindCalls()
    {
        return dropBehind.calls();
    }

    private void touch(final File target, final long from) throws IOException
    {
        if (!target.equals(current))
        {
            closeChannel();
            channel = FileChannel.open(target.toPath(), StandardOpenOption.READ);
            current = target;
            touchedUpTo = 0;
        }
        final long end = Math.min(from + AHEAD_BYTES, channel.size());
        long at = Math.max(from, touchedUpTo);
        while (running && at < end)
        {
            scratch.clear().limit((int)Math.min(READ_BYTES, end - at));
            final int read = channel.read(scratch, at);
            if (read <= 0)
            {
                break;
            }
            at += read;
        }
        touchedUpTo = Math.max(touchedUpTo, at);
    }

    private void closeChannel()
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // read-only: nothing to lose
            }
            channel = null;
            current = null;
        }
    }

    /**
     * Stops the thread and waits for it (it holds only a read-only channel).
     */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
