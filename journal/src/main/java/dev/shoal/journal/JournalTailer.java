package dev.shoal.journal;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a journal's records in order, from the start or from an index; {@link #next()} returns {@code null} when
 * it has caught up, and a later call sees records appended since (by any process): that is how {@code --follow}
 * works. Not thread-safe: one reader thread.
 */
public final class JournalTailer implements AutoCloseable
{
    static
    {
        ChronicleGuard.ensure();
    }

    private final ChronicleQueue queue;
    private final Path dir;
    private final boolean ownsQueue;
    private final ExcerptTailer tailer;
    private final List<Path> emptyCycleFiles;
    /** The cycles (days) of {@link #emptyCycleFiles}, which the tailer steps over. */
    private final TreeSet<Integer> emptyCycles = new TreeSet<>();
    /** Records of the current excerpt not returned yet: a batch excerpt holds several. */
    private final java.util.ArrayDeque<JournalEntry> pending = new java.util.ArrayDeque<>();

    JournalTailer(final ChronicleQueue queue, final Path dir, final boolean ownsQueue)
    {
        this.queue = queue;
        this.dir = dir;
        this.ownsQueue = ownsQueue;
        this.tailer = queue.createTailer();
        this.emptyCycleFiles = JournalDirectory.emptyCycleFiles(dir);
        for (final Path file : emptyCycleFiles)
        {
            final int cycle = JournalDirectory.cycleOf(file);
            if (cycle != JournalDirectory.NOT_A_CYCLE)
            {
                emptyCycles.add(cycle);
            }
        }
    }

    /**
     * Cycle files found empty (zero bytes) when this tailer was made: cut short, their records gone, or being
     * created by a writer at that moment. Chronicle reads such a file as holding no records, so a reader that
     * reports counts should say so.
     *
     * @return the empty {@code *.cq4} files of the journal, in name order.
     */
    public List<Path> emptyCycleFiles()
    {
        return emptyCycleFiles;
    }

    /**
     * @param dir a directory.
     * @return whether a journal is there to open (a writer has made its metadata file and written its header);
     *     false also for a directory that does not exist yet. A reader opens read-only, and Chronicle refuses a
     *     metadata file still being made to a read-only open, where a writer would wait for it.
     */
    public static boolean exists(final Path dir)
    {
        return JournalDirectory.holdsWrittenMetadata(dir.toAbsolutePath().normalize());
    }

    /**
     * Opens an existing journal for reading only.
     *
     * @param dir the journal directory.
     * @return a tailer at the first record; closing it closes the journal.
     * @throws JournalOpenException   when there is no readable journal there.
     * @throws JournalFormatException when it holds records this code cannot read (checked here, or, when a cycle
     *     file is empty (see {@link #emptyCycleFiles()}), at the first {@link #next()}).
     */
    public static JournalTailer open(final Path dir)
    {
        final Path path = dir.toAbsolutePath().normalize();
        JournalDirectory.checkForRead(path);
        // Read-only, always: a reader must not write into what it reads. Opened writable, Chronicle takes the
        // journal's locks, rewrites a metadata file cut short and grows a cycle file cut short back to its mapped
        // size with zeros, so that a reader then met a clean end where records were lost (and a later writer
        // appended past the cut). Read-only, a read at a cut faults, and the fault is named as the damage.
        // A live writer grows a cycle file before it publishes a record in the new part, so a reader following it
        // never reads past the file's end.
        final ChronicleQueue queue = Queues.openReadOnly(path);
        try
        {
            Queues.checkFirstRecord(queue, path);
            return new JournalTailer(queue, path, true);
        }
        catch (final InternalError ex)
        {
            queue.close();
            throw cutShort(path, firstCycleFile(path), ex);
        }
        catch (final RuntimeException ex)
        {
            queue.close();
            throw ex;
        }
    }

    private static Path firstCycleFile(final Path dir)
    {
        return JournalDirectory.cycleFiles(dir).stream().min(Integer::compare).map(c -> dir.resolve(
            JournalDirectory.cycleFileName(c))).orElse(dir);
    }

    /**
     * A read through the read-only mapping of a cycle file past its end faults (SIGBUS), which the JVM raises as an
     * {@link InternalError}: the file was cut short after records were written into it.
     */
    private static JournalFormatException cutShort(final Path dir, final Path file, final InternalError fault)
    {
        return new JournalFormatException("journal " + dir + " is damaged: cycle file " + file.getFileName() +
            " is cut short (" + JournalDirectory.sizeOf(file) + " bytes): reading its records faulted past its " +
            "end (" + fault.getMessage() + "); the records before the cut read normally", fault);
    }

    /**
     * @param index a journal index (from {@link JournalEntry#index()}).
     * @return true when the record at that index exists: the next {@link #next()} returns it.
     */
    public boolean moveTo(final long index)
    {
        pending.clear();
        return tailer.moveToIndex(index);
    }

    /**
     * Moves past the last record: {@link #next()} returns only records appended from now on.
     */
    public void toEnd()
    {
        pending.clear();
        tailer.toEnd();
    }

    /**
     * @return the next record, or {@code null} when there is none yet.
     * @throws JournalFormatException when a record does not follow the layout: its message names the journal, says
     *     it is damaged and gives the record's index in hex, as {@code shoal journal tail} prints indexes.
     */
    public JournalEntry next()
    {
        while (pending.isEmpty())
        {
            try
            {
                if (!readExcerpt())
                {
                    return null;
                }
            }
            catch (final InternalError ex)
            {
                final int cycle = tailer.cycle();
                throw cutShort(dir, cycle == Integer.MIN_VALUE ? firstCycleFile(dir) :
                    dir.resolve(JournalDirectory.cycleFileName(cycle)), ex);
            }
            catch (final RuntimeException ex)
            {
                if (queue.isClosed())
                {
                    // Its journal closed under it: said by the journal's path, not as Chronicle's queue object.
                    throw new IllegalStateException("journal " + dir + " is closed: close a tailer before its " +
                        "journal", ex);
                }
                throw ex;
            }
            catch (final Exception ex)
            {
                // Chronicle throws some checked exceptions undeclared: a cycle file whose header does not read
                throw new JournalFormatException("journal " + dir + " is damaged: a cycle file after index 0x" +
                    Long.toHexString(tailer.index()) + " does not read: " + ex, ex);
            }
        }
        return pending.poll();
    }

    /**
     * @return false when there is no excerpt to read now; true when one was read into {@link #pending} (or an
     *     empty cycle file was stepped over).
     */
    private boolean readExcerpt()
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return skipEmptyCycle();
            }
            final long index = dc.index();
            for (final JournalRecord record : JournalCodec.readAll(dc.wire().bytes(), index, dir))
            {
                pending.add(new JournalEntry(index, record));
            }
            return true;
        }
    }

    /**
     * Chronicle's tailer stops at a cycle file it cannot read a header from (an empty one: it waits its header
     * timeout, then reads nothing, and never goes on), so every record of the later cycle files would be out of
     * reach. When an empty cycle file lies at or after the tailer's cycle, this moves the tailer to the start of the
     * first later cycle file that is not empty.
     *
     * @return whether the tailer moved (read again).
     */
    private boolean skipEmptyCycle()
    {
        if (emptyCycles.isEmpty())
        {
            return false;
        }
        final int current = tailer.cycle(); // Integer.MIN_VALUE when it never started a cycle
        final Integer empty = emptyCycles.ceiling(current);
        if (empty == null)
        {
            return false;
        }
        final Integer next = JournalDirectory.cycleFiles(dir).stream()
            .filter(cycle -> cycle > empty && !emptyCycles.contains(cycle)).min(Integer::compare).orElse(null);
        if (next == null || next <= current)
        {
            return false;
        }
        return tailer.moveToIndex(queue.rollCycle().toIndex(next, 0));
    }

    /**
     * @return the journal directory.
     */
    public Path directory()
    {
        return dir;
    }

    /**
     * Closes the tailer (and the journal, when opened by {@link #open(Path)}).
     */
    @Override
    public void close()
    {
        tailer.close();
        if (ownsQueue)
        {
            queue.close();
        }
    }
}
