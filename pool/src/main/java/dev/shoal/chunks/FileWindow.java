package dev.shoal.chunks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A read-only window of a file mapped into memory, moved along the file as a reader needs it: one mapping of
 * up to {@code windowBytes} at a time (larger only when a single line is larger), so files above 2 GiB and
 * lines longer than a window both work. Not thread-safe: one per reading thread.
 */
final class FileWindow implements AutoCloseable
{
    /** Largest mapping: a line longer than this cannot be handed over as one buffer. */
    static final int MAX_MAPPING = Integer.MAX_VALUE - 8;


    private final FileChannel channel;
    private final long fileLength;
    private final int windowBytes;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private MappedByteBuffer mapped;
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
    }

    long fileLength()
    {
        return fileLength;
    }

    /**
     * @return the usual size of one mapping.
     */
    int windowBytes()
    {
        return windowBytes;
    }

    /**
     * @return the mapped bytes; valid until the next call that moves the window.
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
        return (int)(position - start);
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
                return start + found;
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
        if (needed > MAX_MAPPING)
        {
            throw new IllegalStateException("line too long to map: offset=" + from + " length=" + needed +
                " max=" + MAX_MAPPING);
        }
        final long length = Math.min(fileLength - from, Math.max(needed, windowBytes));
        unmap();
        try
        {
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, from, length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot map file: offset=" + from + " length=" + length, ex);
        }
        buffer.wrap(mapped);
        start = from;
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

    private void unmap()
    {
        if (mapped != null)
        {
            buffer.wrap(new byte[0]);
            IoUtil.unmap(mapped);
            mapped = null;
            start = 0;
            end = 0;
        }
    }

    @Override
    public void close()
    {
        unmap();
    }
}
