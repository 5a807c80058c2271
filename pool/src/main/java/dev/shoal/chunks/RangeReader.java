package dev.shoal.chunks;

import org.agrona.DirectBuffer;

/**
 * Reads the lines a byte range owns. The alignment rule: a range {@code [start, end)} owns every line that
 * <em>starts</em> in it, where a line starts at offset 0 or right after a {@code '\n'}, and not at the end of
 * the file. So a range skips to the first line start at or after {@code start} (checking byte
 * {@code start - 1} first) and reads its last line past {@code end} to its {@code '\n'} or to the end of the
 * file. Every line is owned by exactly one range; a line longer than a range leaves the ranges inside it
 * owning nothing.
 *
 * <pre>
 *  file:    a a a \n b b b b b b b b \n c \n
 *  ranges: |  r0     |  r1     |  r2     |
 *  r0 owns "aaa" (starts at 0) and "bbbbbbbb" (starts at 4, runs past r0's end);
 *  r1 owns nothing (no line starts in it); r2 owns "c".
 * </pre>
 *
 * Not thread-safe: one per reading thread.
 */
final class RangeReader
{
    /**
     * Receives lines.
     */
    interface LineHandler
    {
        /**
         * @param buffer the file's bytes in the window, valid during the call.
         * @param offset index of the line's first byte.
         * @param length line length without its {@code '\n'}.
         */
        void onLine(DirectBuffer buffer, int offset, int length);
    }

    /** Bytes whose newlines are gathered before their lines are handed over: small enough to stay in L1. */
    private static final int BLOCK_BYTES = 2048;

    private final FileWindow window;
    /** Finds a block's newlines: eight bytes or a vector at a time, as this JVM chose ({@link NewlineGathers}). */
    private final NewlineGather gather = NewlineGathers.SELECTED.forReader();
    /** Indexes of the newlines of one block: at most one per byte, plus the entries a gather may write past. */
    private final int[] newlines = new int[BLOCK_BYTES + Long.BYTES];
    private long lines;
    private long coveredBytes;

    RangeReader(final FileWindow window)
    {
        this.window = window;
    }

    /**
     * Hands each line the range owns to the handler, in order.
     *
     * @param start   first byte of the range.
     * @param end     byte after the range (clipped to the file length).
     * @param handler receives the lines.
     * @return the number of lines.
     */
    long read(final long start, final long end, final LineHandler handler)
    {
        final long fileLength = window.fileLength();
        final long rangeEnd = Math.min(end, fileLength);
        lines = 0;
        coveredBytes = 0;
        final long first = firstLineStart(start, rangeEnd);
        if (first < 0)
        {
            return 0;
        }
        long position = first;
        while (position < rangeEnd)
        {
            final long next = readInWindow(position, rangeEnd, handler);
            // No progress: the line at position runs past the window (longer than it, or the file's last line
            // without a '\n'), so it is read alone, through a window made to hold it.
            position = next > position ? next : readLine(position, fileLength, handler);
        }
        coveredBytes = position - first;
        return lines;
    }

    /**
     * Reads the one line starting at {@code position}, however long.
     *
     * @return the file position after it.
     */
    private long readLine(final long position, final long fileLength, final LineHandler handler)
    {
        final long newline = window.indexOfNewline(position, fileLength);
        final long lineEnd = newline < 0 ? fileLength : newline;
        window.cover(position, Math.max(lineEnd, position + 1)); // an empty line still needs a valid index
        handler.onLine(window.buffer(), window.indexOf(position), (int)(lineEnd - position));
        lines++;
        return newline < 0 ? fileLength : newline + 1;
    }

    /**
     * The hot path: the lines of the range that lie whole inside one placement of the window, read with no call
     * per line but the handler's (no window checks, no position arithmetic in {@code long}). Stops at the range's
     * end or at the first line that runs past the window, where the caller places the window again.
     *
     * @return the file position of the first line not read.
     */
    private long readInWindow(final long first, final long rangeEnd, final LineHandler handler)
    {
        final long fileLength = window.fileLength();
        // One placement holds the whole range unless it is larger than a window: then read() moves the window on.
        final long span = Math.max(1, Math.min(rangeEnd - first, window.windowBytes()));
        window.cover(first, Math.min(fileLength, first + span));
        final DirectBuffer buffer = window.buffer();
        final int limit = buffer.capacity();
        final int base = window.indexOf(first);
        final int end = (int)Math.min(limit, base + (rangeEnd - first));
        int lineStart = base;
        // A step (a word or a vector) at a time, a block at a time: first the block's newlines are gathered into an
        // array with no branch for the usual step (none or one newline), then the lines are handed over in a loop the
        // CPU can predict (readBlock). A block is a whole number of steps that all lie inside the window: from word
        // (>= base >= 0) to at most its capacity.
        final int step = gather.step();
        int word = base;
        while (lineStart < end && limit - word >= step)
        {
            final int blockEnd = word + Math.min(BLOCK_BYTES, (limit - word) / step * step);
            lineStart = readBlock(buffer, word, blockEnd, lineStart, end, handler);
            word = blockEnd;
        }
        // The window's last few bytes (less than a step), byte by byte.
        for (int i = Math.max(word, lineStart); lineStart < end && i < limit; i++)
        {
            if (buffer.getByte(i) == '\n')
            {
                handler.onLine(buffer, lineStart, i - lineStart);
                lines++;
                lineStart = i + 1;
            }
        }
        return first + (lineStart - base);
    }

    /**
     * Hands over the lines whose {@code '\n'} lies in {@code [word, blockEnd)}, from {@code lineStart}, stopping
     * after the first that reaches {@code end}; adds them to {@link #lines}.
     *
     * <p>A method of its own, called once per block, so that a fresh worker JVM compiles the per-line code once: C2
     * compiles this early from its calls, and the loop over blocks, compiled on the stack later, calls it rather than
     * compiling it again inside itself (the per-line chain was compiled twice when this loop was part of
     * {@link #readInWindow}'s loop over the whole window: on the stack, then whole).
     *
     * @return the start of the first line not handed over.
     */
    private int readBlock(
        final DirectBuffer buffer, final int word, final int blockEnd, final int lineStart, final int end,
        final LineHandler handler)
    {
        // Handing each line over as its newline is found mispredicts once per line (the inner loop's exit), which
        // cost a third of the split: so the block's newlines are gathered first.
        final int[] found = newlines;
        final int gathered = gather.gather(buffer, word, blockEnd, found);
        int start = lineStart;
        int handed = 0;
        while (handed < gathered)
        {
            final int newline = found[handed++];
            handler.onLine(buffer, start, newline - start);
            start = newline + 1;
            if (start >= end)
            {
                break;
            }
        }
        lines += handed;
        return start;
    }

    /**
     * @return lines of the last {@link #read}.
     */
    long lines()
    {
        return lines;
    }

    /**
     * @return bytes of the last {@link #read}'s lines, from the first line's start to the end of the last line
     * including its {@code '\n'}: over all ranges these add up to the file length exactly.
     */
    long coveredBytes()
    {
        return coveredBytes;
    }

    private long firstLineStart(final long start, final long rangeEnd)
    {
        if (start >= rangeEnd)
        {
            return -1;
        }
        if (start == 0)
        {
            return 0;
        }
        // A line starts at p in [start, rangeEnd) when byte p - 1 is '\n': look at [start - 1, rangeEnd - 1).
        final long newline = window.indexOfNewline(start - 1, rangeEnd - 1);
        return newline < 0 ? -1 : newline + 1;
    }
}
