package dev.shoal.pool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.shoal.pool.spi.JournalProvider;
import dev.shoal.pool.spi.JournalWriter;

import static dev.shoal.pool.ResultFrameDescriptor.STATUS_OK;
import static dev.shoal.pool.ResultFrameDescriptor.STATUS_THREW;

/**
 * A pool's side of the journal: appends every result and worker log line (called on the collector and supervisor
 * threads, never in a worker), and with resume, answers which keys the journal already completed. The journal
 * itself comes from a {@link JournalProvider} on the class path ({@code shoal-journal}).
 */
final class PoolJournal implements ResultCollector.ResultHook, LogHook, AutoCloseable
{
    private final JournalWriter journal;
    private final boolean resume;
    private final long baseEpochNanos;
    private final long baseNanoTime;
    private final AtomicLong journaled = new AtomicLong();
    /** Results of the current collector read added to the journal's batch, appended by {@link #flush()}. */
    private int batched;
    /**
     * The completion stamp of the current collector read ({@code System.nanoTime()}): read from the clock at the
     * read's first result (a clock read per result was a fifth of the collector thread's time with tiny results on
     * this VM), and again at a result whose job was submitted after it, so that no record says it completed before
     * it was submitted (a read can last milliseconds while new jobs go out). Collector thread only.
     */
    private long readNanoTime;
    private final AtomicLong resumed = new AtomicLong();
    private final Consumer<String> logSink;
    private volatile boolean failureReported;

    private PoolJournal(final JournalWriter journal, final boolean resume, final Consumer<String> logSink)
    {
        this.logSink = logSink;
        this.journal = journal;
        journal.warnings().forEach(line -> logSink.accept("[journal] warning: " + line)); // what its open found
        this.resume = resume;
        this.baseNanoTime = System.nanoTime();
        this.baseEpochNanos = System.currentTimeMillis() * 1_000_000L;
    }

    /**
     * @param dir    the journal directory.
     * @param resume whether to index the completed keys.
     * @param logSink where a failed append is reported (once).
     * @return the open journal.
     * @throws IllegalStateException when no journal module is on the class path.
     */
    static PoolJournal open(final Path dir, final boolean resume, final Consumer<String> logSink)
    {
        return new PoolJournal(provider().open(dir, resume), resume, logSink);
    }

    private static JournalProvider provider()
    {
        final Iterator<JournalProvider> found = ServiceLoader.load(JournalProvider.class,
            PoolJournal.class.getClassLoader()).iterator();
        if (!found.hasNext())
        {
            throw new IllegalStateException("journal(dir) needs shoal-journal (dev.shoal:shoal-journal) on the " +
                "class path: no " + JournalProvider.class.getName() + " was found");
        }
        return found.next();
    }

    /**
     * @param key a job key ("" for none).
     * @return the journaled result when resuming and the key completed before, else {@code null}.
     */
    byte[] completedResult(final String key)
    {
        if (!resume || key.isEmpty())
        {
            return null;
        }
        final byte[] result = journal.completedResult(key);
        if (result != null)
        {
            resumed.incrementAndGet();
        }
        return result;
    }

    long journaled()
    {
        return journaled.get();
    }

    long resumed()
    {
        return resumed.get();
    }

    @Override
    public void onResult(final long jobId, final PendingJobs.Pending job, final int status, final int attempt,
        final int workerId, final byte[] body)
    {
        final JournalWriter.Status journalStatus = status == STATUS_OK ? JournalWriter.Status.OK :
            status == STATUS_THREW ? JournalWriter.Status.THREW : JournalWriter.Status.FAILED;
        try
        {
            if (batched == 0 || job.submittedNanos() - readNanoTime > 0)
            {
                readNanoTime = System.nanoTime();
            }
            // Encoded into the journal's batch at once: no object per result on the way.
            journal.addResult(job.key(), jobId, job.handler(), journalStatus, attempt, workerId,
                status == STATUS_OK ? body : errorText(job.handler(), status, body), epochNanos(job.submittedNanos()),
                epochNanos(readNanoTime));
            batched++;
        }
        catch (final RuntimeException | InternalError ex)
        {
            reportFailure(ex);
        }
    }

    /**
     * Appends the results collected since the last flush as one journal record batch (one Chronicle excerpt):
     * one append per read of the result buffer instead of one per job.
     */
    @Override
    public void flush()
    {
        if (batched == 0)
        {
            return;
        }
        try
        {
            journaled.addAndGet(journal.appendBatch());
        }
        catch (final RuntimeException | InternalError ex)
        {
            reportFailure(ex);
        }
        finally
        {
            batched = 0;
        }
    }

    /**
     * A failed append (disk full: a fault writing the mapped page surfaces as an InternalError) must not stop the
     * collector thread, which would strand every future: the result is still delivered, the failure reported once.
     */
    private void reportFailure(final Throwable ex)
    {
        if (!failureReported)
        {
            failureReported = true;
            logSink.accept("[pool] journal append failed, results from now on may be missing from " +
                journal.directory() + ": " + ex);
        }
    }

    @Override
    public void onLog(final int workerId, final long jobId, final String text)
    {
        try
        {
            journal.appendLog(workerId, jobId, text, epochNanos(System.nanoTime()));
        }
        catch (final RuntimeException | InternalError ex)
        {
            reportFailure(ex);
        }
    }

    private static byte[] errorText(final String handler, final int status, final byte[] body)
    {
        final String text;
        if (status == STATUS_THREW)
        {
            final RemoteJobException ex = ResultCollector.remote(handler, body);
            text = ex.remoteClass() + ": " + ex.remoteMessage() + "\n" + ex.remoteStack();
        }
        else
        {
            text = ResultCollector.string(body, 0);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private long epochNanos(final long nanoTime)
    {
        return baseEpochNanos + (nanoTime - baseNanoTime);
    }

    /**
     * Forces the journal to disk and closes it.
     */
    @Override
    public void close()
    {
        try
        {
            journal.sync();
        }
        finally
        {
            journal.close();
        }
    }
}
