package dev.shoal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Checks, before a journal is opened to append to, that a reader going through its last cycle file record by
 * record reaches the place where the next record goes. A cycle file cut short (and perhaps grown again with zeros,
 * as Chronicle does when it maps it) stops readers at the cut, but Chronicle's appender writes at the position its
 * header remembers, past the cut: every result appended then would be journaled where no reader reaches it.
 *
 * <p>Cheap for a large healthy journal: it reads only the last cycle file's header, one record at each of
 * Chronicle's index points (every 256th excerpt) and the records after the last one it reaches, never the whole
 * file. It misses damage that neither cuts off the file's last record nor falls on an index point (bytes
 * overwritten in the middle): readers name that when they reach it.
 */
final class JournalEndCheck
{
    static
    {
        ChronicleGuard.ensure();
    }

    /** Bytes of the header in front of each Chronicle excerpt. */
    private static final int EXCERPT_HEADER_BYTES = 4;

    private JournalEndCheck()
    {
    }

    /**
     * Checks the last cycle file of an existing journal through a read-only queue: nothing is written into a
     * damaged journal, and a file cut short is not grown again.
     *
     * @param dir a checked journal directory holding a metadata file.
     * @throws JournalFormatException naming the journal, the cycle file and the damage, when a reader would stop
     *     before the place where the next append goes.
     */
    static void check(final Path dir)
    {
        final Path file = JournalDirectory.lastCycleFile(dir);
        if (file == null)
        {
            return; // no records yet, or only empty cycle files: the readers' warning covers those
        }
        try (SingleChronicleQueue queue = Queues.openReadOnly(dir))
        {
            Queues.checkFirstRecord(queue, dir); // a journal of another format is named as such, not as damaged
            check(queue, dir, file, JournalDirectory.cycleOf(file), Files.size(file));
        }
        catch (final IOException ex)
        {
            throw new JournalOpenException("cannot read journal " + dir + ": " + ex, ex);
        }
        catch (final InternalError ex)
        {
            // A read through the read-only mapping past the end of a file cut short faults (SIGBUS); the checks
            // below stay within the file's length, so this is a backstop for a file cut while it is checked.
            throw damaged(dir, file, "reading it faulted past its end (" + ex.getMessage() + ")", ex);
        }
    }

    private static void check(final SingleChronicleQueue queue, final Path dir, final Path file, final int cycle,
        final long length)
    {
        final long lastStart;
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null)
        {
            throw damaged(dir, file, "its header cannot be read", null);
        }
        try
        {
            // Where the header of the last record appended starts (0: none yet); updated after each record.
            lastStart = store.writePosition();
        }
        finally
        {
            queue.closeStore(store);
        }
        if (lastStart == 0)
        {
            return;
        }
        if (lastStart + EXCERPT_HEADER_BYTES > length)
        {
            throw damaged(dir, file, "cut short: its last record starts at byte " + lastStart + " but the file " +
                "has " + length + " bytes", null);
        }
        try (ExcerptTailer tailer = queue.createTailer())
        {
            final long[] reached = lastRecordReached(tailer, queue, dir, file, cycle, length);
            if (reached[0] < lastStart)
            {
                final String stop = reached[1] < 0 ? "none of its records reads" : "its records stop at index 0x" +
                    Long.toHexString(reached[1]) + " (byte " + reached[0] + ")";
                throw damaged(dir, file, stop + " but its last record starts at byte " + lastStart + " (cut short, " +
                    "or zeros in between)", null);
            }
            // Its header is there; its records may still end in zeros where the file was cut and grown again.
            tailer.moveToIndex(reached[1]);
            readRecord(tailer, dir, file, length, true);
        }
    }

    /**
     * Steps through Chronicle's index points of the cycle to the last one that holds a record, then reads record
     * by record from there to the end.
     *
     * @return the position of the header of the last record read and its index; -1 and -1 when none.
     */
    private static long[] lastRecordReached(final ExcerptTailer tailer, final SingleChronicleQueue queue,
        final Path dir, final Path file, final int cycle, final long length)
    {
        final int spacing = Math.max(1, queue.indexSpacing());
        long from = -1;
        for (long sequence = 0; tailer.moveToIndex(queue.rollCycle().toIndex(cycle, sequence)); sequence += spacing)
        {
            if (readRecord(tailer, dir, file, length, false) < 0)
            {
                break; // an index point that names no record: the reads from the last good one find where they stop
            }
            from = sequence;
        }
        final long[] last = { -1, -1 };
        if (from < 0 || !tailer.moveToIndex(queue.rollCycle().toIndex(cycle, from)))
        {
            return last;
        }
        while (true)
        {
            final long index = tailer.index();
            if (queue.rollCycle().toCycle(index) != cycle)
            {
                return last; // the next day's file: the one checked ends here
            }
            final long start = readRecord(tailer, dir, file, length, false);
            if (start < 0)
            {
                return last;
            }
            last[0] = start;
            last[1] = index;
        }
    }

    /**
     * Reads the tailer's next excerpt, checking that it lies within the file and, when asked, that its records read.
     *
     * @return the position of its header, or -1 when there is no excerpt there.
     */
    private static long readRecord(final ExcerptTailer tailer, final Path dir, final Path file, final long length,
        final boolean decode)
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return -1;
            }
            final Bytes<?> bytes = dc.wire().bytes();
            final long start = bytes.readPosition();
            if (start + bytes.readRemaining() > length)
            {
                throw damaged(dir, file, "cut short: its record at index 0x" + Long.toHexString(dc.index()) +
                    " runs to byte " + (start + bytes.readRemaining()) + " but the file has " + length + " bytes",
                    null);
            }
            if (decode)
            {
                try
                {
                    JournalCodec.readAll(bytes, dc.index());
                }
                catch (final JournalFormatException ex)
                {
                    throw damaged(dir, file, "its last record, at index 0x" + Long.toHexString(dc.index()) +
                        ", does not read (cut short?): " + ex.getMessage(), ex);
                }
            }
            return start - EXCERPT_HEADER_BYTES;
        }
    }

    private static JournalFormatException damaged(final Path dir, final Path file, final String problem,
        final Throwable cause)
    {
        return new JournalFormatException("journal " + dir + " is damaged: cycle file " + file.getFileName() + ": " +
            problem + "; results appended to it would lie past the damage, where no reader reaches them: move the " +
            "journal aside (shoal journal tail reads the records before the damage) and start with a new directory",
            cause);
    }
}
