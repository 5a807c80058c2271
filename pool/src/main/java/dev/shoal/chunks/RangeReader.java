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
         * @param buffer bytes of the mapped file, valid during the call.
         * @param offset index of the line's first byte.
         * @param length line length without its {@code '\n'}.
         */
        void onLine(DirectBuffer buffer, int offset, int length);
    }

    private final FileWindow window;
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
            final long newline = window.indexOfNewline(position, fileLength);
            final long lineEnd = newline < 0 ? fileLength : newline;
            final long next = newline < 0 ? fileLength : newline + 1;
            window.cover(position, Math.max(lineEnd, position + 1)); // an empty line still needs a valid index
            handler.onLine(window.buffer(), window.indexOf(position), (int)(lineEnd - position));
            lines++;
            position = next;
        }
        coveredBytes = position - first;
        return lines;
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
