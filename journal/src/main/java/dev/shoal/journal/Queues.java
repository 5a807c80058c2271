package dev.shoal.journal;

import java.nio.file.Path;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Opens the Chronicle Queue behind a journal, turning Chronicle's failures into {@link JournalOpenException}s that
 * name the path.
 */
final class Queues
{
    static
    {
        ChronicleGuard.ensure();
    }

    /**
     * How long Chronicle waits for a file header another process is writing, or for the append lock, before it
     * treats the writer as dead and recovers (default 10 s; a live appender holds either for microseconds).
     */
    static final long TIMEOUT_MS = 3_000;

    private Queues()
    {
    }

    /**
     * @param dir a checked journal directory.
     * @return the queue.
     * @throws JournalOpenException when Chronicle cannot open it (e.g. written by an incompatible version).
     */
    static ChronicleQueue open(final Path dir)
    {
        final SingleChronicleQueue queue;
        try
        {
            // One file per day (yyyyMMdd.cq4), up to 2^32 records a day: Chronicle's default, named here so that
            // every process appending to one journal agrees.
            queue = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY)
                .timeoutMS(TIMEOUT_MS).build();
        }
        catch (final InternalError ex)
        {
            throw metadataFault(dir, ex);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            throw new JournalOpenException("cannot open journal " + dir + " as a Chronicle Queue (written by an " +
                "incompatible version, or damaged?): " + ex, ex);
        }
        if (queue.metaStore().readOnly())
        {
            // Chronicle fell back to reading only (after logging why): appends would journal nothing.
            queue.close();
            throw new JournalOpenException("cannot open journal " + dir + " to append: Chronicle could open it only " +
                "to read (its " + JournalDirectory.METADATA_FILE + " cannot be written or is damaged; the warning " +
                "above names Chronicle's reason)");
        }
        return queue;
    }

    /**
     * Opens a queue for reading only: Chronicle writes nothing into the directory (no lock, no metadata, no file
     * grown to its mapped size) and maps its files read-only.
     *
     * @param dir a checked journal directory holding a metadata file.
     * @return the queue.
     * @throws JournalOpenException when Chronicle cannot open it.
     */
    static SingleChronicleQueue openReadOnly(final Path dir)
    {
        try
        {
            return ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY).timeoutMS(TIMEOUT_MS)
                .readOnly(true).build();
        }
        catch (final InternalError ex)
        {
            throw metadataFault(dir, ex);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            throw new JournalOpenException("cannot open journal " + dir + " as a Chronicle Queue to read (written " +
                "by an incompatible version, or damaged?): " + ex, ex);
        }
    }

    /**
     * Building a queue reads only its metadata file (the cycle files are opened as they are read), through a
     * mapping: a fault there (SIGBUS, raised as an {@link InternalError}) means a length field in the metadata file
     * points past its end.
     */
    private static JournalFormatException metadataFault(final Path dir, final InternalError fault)
    {
        return new JournalFormatException("journal " + dir + " is damaged: reading its " +
            JournalDirectory.METADATA_FILE + " faulted past its end (" + fault.getMessage() + "): move the journal " +
            "aside (its cycle files keep the records) and start with a new directory", fault);
    }

    /**
     * Reads the first record, so that a journal of another format fails at open rather than at the first read. Not
     * when a cycle file is empty: the read would wait Chronicle's header timeout ({@link #TIMEOUT_MS}) on it, and the
     * caller's own first read waits it again; such a journal's format is checked at its first record read instead
     * (the same {@link JournalFormatException}).
     *
     * @param queue the open queue.
     * @param dir   its directory, for the message.
     * @throws JournalFormatException when the first record is not one this code reads.
     */
    static void checkFirstRecord(final ChronicleQueue queue, final Path dir)
    {
        if (!JournalDirectory.emptyCycleFiles(dir).isEmpty())
        {
            return;
        }
        try (ExcerptTailer tailer = queue.createTailer(); DocumentContext dc = tailer.readingDocument())
        {
            if (dc.isPresent())
            {
                JournalCodec.read(dc.wire().bytes(), dc.index());
            }
        }
        catch (final JournalFormatException ex)
        {
            throw new JournalFormatException("journal " + dir + ": " + ex.getMessage(), ex);
        }
        catch (final Exception ex)
        {
            // RuntimeExceptions, and the checked ones Chronicle throws undeclared (StreamCorruptedException)
            throw new JournalOpenException("cannot read journal " + dir + ": " + ex, ex);
        }
    }
}
