package dev.shoal.journal;

import java.nio.file.Path;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A durable journal of job results and log lines in a Chronicle Queue directory, which many processes may append
 * to at once (Chronicle serialises appenders across processes with a lock in the queue's files).
 *
 * <pre>{@code
 * try (ResultJournal journal = ResultJournal.open(Path.of("run-journal")))
 * {
 *     journal.append(new LogRecord(-1, -1, "starting", System.currentTimeMillis() * 1_000_000L));
 *     try (JournalTailer tailer = journal.tailer())
 *     {
 *         for (JournalEntry e = tailer.next(); e != null; e = tailer.next()) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>Durability: an append is a copy into a memory-mapped file, visible to every reader at once. It survives the
 * crash of the appending process (and of any other): the kernel owns the page. A machine crash (power loss, kernel
 * panic) keeps only what the kernel wrote back; {@link #sync()} forces it. A process killed inside an append
 * leaves an unfinished excerpt that readers skip and Chronicle's next appender recovers.
 *
 * <p>Thread-safe: appends are serialised on this object (one Chronicle appender per journal).
 */
public final class ResultJournal implements AutoCloseable
{
    static
    {
        ChronicleGuard.ensure();
    }

    /**
     * The most bytes one append (a record, or a batch of them) may encode to. Chronicle writes an excerpt of at
     * most a quarter of its 64 MiB block (16 MiB); this keeps 64 KiB of that for its header and for slack. A larger
     * append is refused before anything is written.
     */
    public static final int MAX_APPEND_BYTES = (16 << 20) - (64 << 10);
    /** Reserved past an append's end as well: Chronicle's next header and the index arrays it writes there. */
    private static final long RESERVE_SLACK_BYTES = 1L << 20;

    private final Path dir;
    private final ChronicleQueue queue;
    private ExcerptAppender appender;
    /** Started by the first batch append (the pool's path), where appends are many and large. */
    private JournalPretoucher pretoucher;
    /** The records of the public appends (one, or one list), encoded under this object's monitor. */
    private final RecordBatch single = new RecordBatch();
    /** The cycle file's blocks, reserved ahead of the appends (under this object's monitor). */
    private final JournalSpace space = new JournalSpace();
    private boolean closed;

    private ResultJournal(final Path dir, final ChronicleQueue queue)
    {
        this.dir = dir;
        this.queue = queue;
    }

    /**
     * Opens a journal to append to, creating the directory when missing.
     *
     * @param dir the journal directory.
     * @return the open journal.
     * @throws JournalOpenException   when the directory cannot be a journal (names the path and the problem).
     * @throws JournalFormatException when it holds records this code cannot read, or its last cycle file is damaged
     *     so that a reader would stop before the records appended now (cut short).
     */
    public static ResultJournal open(final Path dir)
    {
        final Path path = dir.toAbsolutePath().normalize();
        final boolean created = JournalDirectory.prepareForAppend(path);
        final boolean existing = JournalDirectory.holdsMetadata(path);
        if (existing)
        {
            // Before the queue is opened for writing: an appender would write past a cut in the last cycle file,
            // where no reader reaches, and opening it would grow a file cut short back to its mapped size. The
            // check reads the first record too (a journal of another format is named as such).
            JournalEndCheck.check(path);
        }
        final ChronicleQueue queue;
        try
        {
            queue = Queues.open(path);
        }
        catch (final RuntimeException ex)
        {
            if (created)
            {
                JournalDirectory.removeCreated(path);
            }
            throw ex;
        }
        if (!existing)
        {
            try
            {
                Queues.checkFirstRecord(queue, path); // cycle files without metadata: read through the new queue
            }
            catch (final RuntimeException ex)
            {
                queue.close();
                throw ex;
            }
        }
        return new ResultJournal(path, queue);
    }

    /**
     * @return the journal directory (absolute).
     */
    public Path directory()
    {
        return dir;
    }

    /**
     * Appends a job result.
     *
     * @param record the result.
     * @return its journal index.
     */
    public synchronized long append(final ResultRecord record)
    {
        single.clear();
        single.add(record);
        return write(single);
    }

    /**
     * Appends job results as one batch: one Chronicle excerpt holding the records back to back, so the cost of an
     * append is paid once per batch. Readers see the records one by one, in order.
     *
     * @param records the results, at least one.
     * @return the journal index of the batch.
     */
    public synchronized long appendAll(final java.util.List<ResultRecord> records)
    {
        single.clear();
        for (final ResultRecord record : records)
        {
            single.add(record);
        }
        return write(single);
    }

    /**
     * Appends encoded results as one batch, one excerpt holding them back to back (as {@link #appendAll}), in one
     * copy.
     *
     * @param batch at least one record.
     * @return the journal index of the batch.
     */
    synchronized long append(final RecordBatch batch)
    {
        if (pretoucher == null)
        {
            pretoucher = new JournalPretoucher("shoal-journal-pretouch");
        }
        return write(batch);
    }

    /**
     * @return calls of the drop-behind that reached the kernel so far, 0 before the first batch (for tests).
     */
    synchronized long dropBehindCalls()
    {
        return pretoucher == null ? 0 : pretoucher.dropBehindCalls();
    }

    /**
     * One excerpt holding the batch's records, in one copy; tells the pretoucher, when there is one, where the
     * file's next writes go. Under this object's monitor.
     */
    private long write(final RecordBatch batch)
    {
        if (batch.length() > MAX_APPEND_BYTES)
        {
            // Chronicle fails such a write part way and left an excerpt of one byte behind it, where every reader
            // stopped: the records appended after it were out of reach, and resume refused the journal.
            throw new IllegalArgumentException("journal " + dir + ": " + batch.count() + " record(s) encode to " +
                batch.length() + " bytes, more than one append holds (" + MAX_APPEND_BYTES + "); nothing appended");
        }
        try (DocumentContext dc = appender().writingDocument())
        {
            try
            {
                final Bytes<?> bytes = dc.wire().bytes();
                if (bytes instanceof MappedBytes mapped)
                {
                    reserve(mapped, batch);
                }
                bytes.write(batch.array(), 0, batch.length());
                if (pretoucher != null && bytes instanceof MappedBytes mapped)
                {
                    pretoucher.wrote(mapped.mappedFile().file(), mapped.writePosition());
                }
            }
            catch (final RuntimeException | Error ex)
            {
                // Not a partial excerpt: whatever the failure, the next record goes where this one would have.
                dc.rollbackOnClose();
                throw ex;
            }
        }
        return appender.lastIndexAppended();
    }

    /**
     * Before a write into the mapping: the blocks it touches exist, or the append is refused here. A write to a page
     * the file system cannot give faulted, and the JVM raised that later, outside any catch (see JournalSpace).
     */
    private void reserve(final MappedBytes mapped, final RecordBatch batch)
    {
        final java.io.File file = mapped.mappedFile().file();
        final String refused = space.reserve(file, mapped.writePosition() + batch.length() + RESERVE_SLACK_BYTES);
        if (refused != null)
        {
            throw new IllegalStateException("journal " + dir + ": no room on its file system for the next " +
                batch.length() + " bytes of " + file.getName() + " (" + refused + "; " +
                dir.toFile().getUsableSpace() + " bytes usable): nothing appended");
        }
    }

    /**
     * Appends a log line.
     *
     * @param record the line.
     * @return its journal index.
     */
    public synchronized long append(final LogRecord record)
    {
        single.clear();
        single.add(record);
        return write(single);
    }

    /**
     * Forces what was appended so far to the disk (msync), for durability across a machine crash.
     */
    public synchronized void sync()
    {
        checkOpen(); // it returned quietly: a caller syncing after close was told its records were forced
        if (appender != null)
        {
            appender.sync();
        }
    }

    private synchronized void checkOpen()
    {
        if (closed)
        {
            // Not Chronicle's ClosedIllegalStateException naming its queue object: the journal, by its path.
            throw new IllegalStateException("journal " + dir + " is closed");
        }
    }

    private ExcerptAppender appender()
    {
        checkOpen();
        if (appender == null)
        {
            appender = queue.createAppender();
            // Appends are serialised by this object's monitor, from whichever thread calls: Chronicle's
            // owner-thread check would reject the second thread although no two ever use it at once.
            appender.singleThreadedCheckDisabled(true);
        }
        return appender;
    }

    /**
     * @return a tailer from the first record; close it before this journal.
     */
    public JournalTailer tailer()
    {
        checkOpen();
        return new JournalTailer(queue, dir, false);
    }

    /**
     * Reads the whole journal once and indexes the keys of the jobs it completed (status ok), for resume.
     *
     * @return the index; close it before this journal.
     */
    public CompletedJobs completedJobs()
    {
        checkOpen();
        return CompletedJobs.scan(queue, dir);
    }

    /**
     * Closes the appender and the queue. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (pretoucher != null)
        {
            pretoucher.close();
        }
        if (appender != null)
        {
            appender.close();
        }
        space.close();
        queue.close();
    }
}
