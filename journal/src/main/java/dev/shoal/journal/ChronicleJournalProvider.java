package dev.shoal.journal;

import java.nio.file.Path;
import java.util.List;

import dev.shoal.pool.spi.JournalProvider;
import dev.shoal.pool.spi.JournalWriter;

/**
 * The pool's journal on Chronicle Queue: a {@link ResultJournal} behind the pool's {@link JournalWriter} seam.
 * Registered in {@code META-INF/services/dev.shoal.pool.spi.JournalProvider}, so a pool finds it whenever this
 * module is on the class path.
 */
public final class ChronicleJournalProvider implements JournalProvider
{
    @Override
    public JournalWriter open(final Path dir, final boolean resume)
    {
        final ResultJournal journal = ResultJournal.open(dir);
        try
        {
            return new Writer(journal, resume ? journal.completedJobs() : null);
        }
        catch (final RuntimeException ex)
        {
            journal.close();
            throw ex;
        }
    }

    private static final class Writer implements JournalWriter
    {
        private final ResultJournal journal;
        private final CompletedJobs completed;
        /** Results added since the last append (the collector's thread only). */
        private final RecordBatch batch = new RecordBatch();
        /** Results of the batch being built that {@link #addResult} appended already, to keep it within bounds. */
        private int appendedEarly;

        Writer(final ResultJournal journal, final CompletedJobs completed)
        {
            this.journal = journal;
            this.completed = completed;
        }

        @Override
        public Path directory()
        {
            return journal.directory();
        }

        @Override
        public List<String> warnings()
        {
            return completed == null ? List.of() : completed.emptyCycleFiles().stream()
                .map(file -> "cycle file " + file + " is empty (0 bytes): cut short, its records gone, or being " +
                    "created by a writer right now; resume counts the jobs it may have held as not done")
                .toList();
        }

        @Override
        public byte[] completedResult(final String key)
        {
            return completed == null ? null : completed.resultOf(key);
        }

        @Override
        public void addResult(final String key, final long jobId, final String handler, final Status status,
            final int attempt, final int workerId, final byte[] body, final long submittedEpochNanos,
            final long completedEpochNanos)
        {
            if (batch.count() > 0 && batch.length() + RecordBatch.boundOf(key, handler, body) >
                ResultJournal.MAX_APPEND_BYTES)
            {
                // Many large results of one read: appended as more than one batch, each within what one append
                // holds (a batch over it would be refused whole).
                try
                {
                    journal.append(batch);
                    appendedEarly += batch.count();
                }
                finally
                {
                    batch.clear();
                }
            }
            batch.add(key, jobId, handler, status(status), attempt, workerId, body, submittedEpochNanos,
                completedEpochNanos);
        }

        @Override
        public int appendBatch()
        {
            final int count = batch.count() + appendedEarly;
            try
            {
                if (batch.count() > 0)
                {
                    journal.append(batch);
                }
                return count;
            }
            finally
            {
                batch.clear();
                appendedEarly = 0;
            }
        }

        @Override
        public void appendLog(final int workerId, final long jobId, final String text, final long epochNanos)
        {
            journal.append(new LogRecord(workerId, jobId, text, epochNanos));
        }

        @Override
        public void sync()
        {
            journal.sync();
        }

        @Override
        public void close()
        {
            try
            {
                if (completed != null)
                {
                    completed.close();
                }
            }
            finally
            {
                journal.close();
            }
        }

        private static JournalStatus status(final Status status)
        {
            return switch (status)
            {
                case OK -> JournalStatus.OK;
                case THREW -> JournalStatus.THREW;
                case FAILED -> JournalStatus.FAILED;
            };
        }
    }
}
