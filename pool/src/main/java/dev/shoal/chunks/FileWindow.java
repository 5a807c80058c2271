package dev.shoal.chunks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A read-only window of a file, moved along the file as a reader needs it. The window is a buffer of
 * {@code windowBytes} plus a sixteenth (so the line that runs past a range's end usually arrives with the range)
 * that positional reads fill, reused for the whole run; a single line longer than that buffer is read into a
 * direct buffer of its own length, freed when the window moves on, so files above 2 GiB and lines of any length
 * up to {@link #MAX_LINE} both work where the JVM's direct memory allows it (worker processes get
 * {@code -XX:MaxDirectMemorySize=3g} by default; threads in a caller's JVM have its limit, by default its heap's
 * size). Nothing is ever mapped: a file cut short under a mapping raised SIGBUS inside
 * the JDK's CRC32C stub and killed the JVM, where a read finds the end and says so. Not thread-safe: one per
 * reading thread.
 *
 * <p>Why reads and not a mapping of the file, measured on a 2-vCPU VM (session 11, docs/benchmarks.md): summing a
 * 1 GiB file in the page cache a word at a time reads 5.5 GB/s through a reused 1 MiB buffer and 1.5 GB/s through
 * 64 MiB mappings, and two processes at once 5.3-5.4 GB/s each through the buffer against 0.9-1.1 GB/s each through
 * mappings. A mapping pays a minor fault per 64 KiB and a TLB miss per 4 KiB page (both dearer under a hypervisor's
 * nested page tables), where the kernel's copy into a buffer that stays in the L2 cache pays neither.
 *
 * <p>A read window's bytes start {@link #MARGIN} bytes into its buffer, so every line in it has at least that many
 * readable bytes before it: {@link LineCrc} reads a line's CRC window from the bytes just before the line, and
 * without the margin the first line of every range (at index 0) went the slow way, which also cost each fresh
 * worker JVM a recompilation of its per-line code when that way was first taken after C2 had compiled it without.
 */
final class FileWindow implements AutoCloseable
{
    /** Longest span handed over as one buffer (a line longer than this cannot be read): a direct buffer's most. */
    static final int MAX_LINE = Integer.MAX_VALUE - 1024;
    /** Bytes of a read window's buffer before its first file byte: one cache line, never read from the file. */
    static final int MARGIN = 64;

    private final FileChannel channel;
    private final long fileLength;
    private final int windowBytes;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    /** The reused buffer the reads fill, aligned to a cache line; made at the first read. */
    private ByteBuffer readBuffer;
    private final int readCapacity;
    /** A line's own buffer, when it is longer than {@link #readBuffer}; freed when the window moves. */
    private ByteBuffer lineBuffer;
    private long start;
    private long end;

    FileWindow(final FileChannel channel, final long fileLength, final int windowBytes)
    {
        if (windowBytes < 1)
        {
            throw new IllegalArgumentException("windowBytes must be positive: windowBytes=" + windowBytes);
        }
        this.channel = channel;
        this.fileLength = fileLength;
        this.windowBytes = windowBytes;
        this.readCapacity = (int)Math.min(MAX_LINE, windowBytes + (long)windowBytes / 16);
    }

    long fileLength()
    {
        return fileLength;
    }

    /**
     * @return the bytes a reader asks for at a time (the window holds a sixteenth more).
     */
    int windowBytes()
    {
        return windowBytes;
    }

    /**
     * @return the window's bytes (from {@link #indexOf}; its first {@link #MARGIN} bytes are not the file's); valid
     *     until the next call that moves the window.
     */
    DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @param position a file position inside the window.
     * @return its index in {@link #buffer()}.
     */
    int indexOf(final long position)
    {
        return (int)(position - start) + MARGIN;
    }

    /**
     * @param position a file position, below the file length.
     * @return the byte there.
     */
    byte byteAt(final long position)
    {
        cover(position, position + 1);
        return buffer.getByte(indexOf(position));
    }

    /**
     * @param from  first file position to look at.
     * @param limit file position to stop before.
     * @return the file position of the first {@code '\n'} in {@code [from, limit)}, or -1.
     */
    long indexOfNewline(final long from, final long limit)
    {
        long position = from;
        while (position < limit)
        {
            if (position < start || position >= end)
            {
                cover(position, position + 1);
            }
            final long searchEnd = Math.min(limit, end);
            final int found = indexOfNewline(buffer, indexOf(position), indexOf(searchEnd));
            if (found >= 0)
            {
                return start + (found - MARGIN);
            }
            position = searchEnd;
        }
        return -1;
    }

    /**
     * Makes {@code [from, to)} readable in one piece through {@link #buffer()}.
     *
     * @param from first file position.
     * @param to   file position after the last, at most the file length.
     */
    void cover(final long from, final long to)
    {
        if (from >= start && to <= end)
        {
            return;
        }
        final long needed = to - from;
        if (needed > MAX_LINE)
        {
            throw new IllegalStateException("line too long to read as one buffer: offset=" + from + " length=" +
                needed + " max=" + MAX_LINE);
        }
        release();
        if (needed <= readCapacity)
        {
            if (readBuffer == null)
            {
                // No larger than the file: a small file (or a test's) does not zero a whole window's worth.
                readBuffer = allocate((int)Math.max(1, Math.min(readCapacity, fileLength)), from, true);
            }
            read(readBuffer, from, (int)Math.min(fileLength - from, readCapacity));
        }
        else
        {
            final int length = (int)Math.min(fileLength - from, needed);
            lineBuffer = allocate(length, from, false);
            read(lineBuffer, from, length);
        }
        start = from;
    }

    /**
     * @param aligned cache-line aligned (a slice, which has no cleaner: freed by the collector), or a buffer of its
     *                own that {@link #release} frees at once.
     * @return a direct buffer with {@link #MARGIN} bytes before room for {@code bytes}.
     */
    private static ByteBuffer allocate(final int bytes, final long from, final boolean aligned)
    {
        try
        {
            return aligned ? BufferUtil.allocateDirectAligned(MARGIN + BitUtil.align(bytes, 64), 64) :
                ByteBuffer.allocateDirect(MARGIN + bytes);
        }
        catch (final OutOfMemoryError ex)
        {
            throw new IllegalStateException((aligned ? "the read window of " + bytes + " bytes" : "a line of " + bytes +
                " bytes at offset " + from) + " does not fit in this JVM's direct memory (raise " +
                "-XX:MaxDirectMemorySize: workerJvmOptions for worker processes, the JVM's own options for " +
                "threads): " + ex.getMessage(), ex);
        }
    }

    /**
     * Reads {@code [from, from + length)} into the reused buffer; a short read before {@code length} bytes means
     * the file shrank since the run checked it, which is refused rather than read as fewer lines.
     */
    private void read(final ByteBuffer target, final long from, final int length)
    {
        target.clear().position(MARGIN).limit(MARGIN + length);
        try
        {
            while (target.hasRemaining())
            {
                if (channel.read(target, from + (target.position() - MARGIN)) < 0)
                {
                    // Its length now, not where this read stopped: a file cut before this range ends earlier.
                    throw new IllegalStateException("file shrank while being read: expected " + fileLength +
                        " bytes, it now has " + channel.size() + " (a read at byte " + (from +
                        (target.position() - MARGIN)) + " found its end)");
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read file: offset=" + from + " length=" + length, ex);
        }
        buffer.wrap(target, 0, MARGIN + length);
        end = from + length;
    }

    /**
     * @param buffer bytes.
     * @param from   first index.
     * @param to     index to stop before.
     * @return the index of the first {@code '\n'} in {@code [from, to)}, or -1 (eight bytes at a time).
     */
    static int indexOfNewline(final DirectBuffer buffer, final int from, final int to)
    {
        return ByteScan.indexOf(buffer, from, to, (byte)'\n');
    }

    /**
     * @param word eight bytes, the first in the low-order byte.
     * @return the high bit of each byte that is a {@code '\n'}, exactly (see {@link ByteScan}).
     */
    static long newlineFlags(final long word)
    {
        return ByteScan.matches(word, ByteScan.NEWLINES);
    }

    /** Empties the window; a long line's own buffer is freed now rather than whenever the collector runs. */
    private void release()
    {
        start = 0;
        end = 0;
        if (lineBuffer != null)
        {
            buffer.wrap(new byte[0]);
            BufferUtil.free(lineBuffer);
            lineBuffer = null;
        }
    }

    @Override
    public void close()
    {
        release();
        buffer.wrap(new byte[0]);
        readBuffer = null; // an aligned slice, which has no cleaner of its own: the collector frees it
    }
}
