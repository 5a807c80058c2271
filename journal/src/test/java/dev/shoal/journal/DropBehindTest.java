package dev.shoal.journal;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The journal drops its pages well behind the write position from the page cache, and no record is lost or changed
 * by it: every record reads back whole after the kernel was told to drop the pages holding it.
 */
@Timeout(120)
class DropBehindTest
{
    private static final int BODY_BYTES = 16 * 1024;
    private static final int PER_BATCH = 64;

    @TempDir
    Path dir;

    @Test
    void shouldAdviseTheKernelBehindTheWritePositionAndReadEveryRecordBack()
    {
        assumeTrue(DropBehind.available(), "posix_fadvise through JNA on Linux");
        // 1 MiB a batch: past the lag and several steps of progress.
        final int batches = (int)((DropBehind.LAG_BYTES + 8 * DropBehind.STEP_BYTES) / (BODY_BYTES * PER_BATCH)) + 1;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            final RecordBatch batch = new RecordBatch();
            long jobId = 0;
            for (int b = 0; b < batches; b++)
            {
                for (int i = 0; i < PER_BATCH; i++, jobId++)
                {
                    batch.add("job-" + jobId, jobId, "echo", JournalStatus.OK, 1, 0, body(jobId), 0, jobId);
                }
                journal.append(batch);
                batch.clear();
            }
            // The pretoucher's thread advises on its own poll: wait for it, with a deadline.
            while (journal.dropBehindCalls() == 0 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertTrue(journal.dropBehindCalls() > 0, "the kernel was never told to drop the journal's old pages");
            long read = 0;
            try (JournalTailer tailer = journal.tailer())
            {
                for (JournalEntry e = tailer.next(); e != null; e = tailer.next(), read++)
                {
                    final ResultRecord r = (ResultRecord)e.record();
                    assertEquals(read, r.jobId());
                    assertEquals("job-" + read, r.key());
                    assertArrayEquals(body(read), r.body(), "record " + read);
                }
            }
            assertEquals(jobId, read);
        }
    }

    private static byte[] body(final long jobId)
    {
        final byte[] body = new byte[BODY_BYTES];
        for (int i = 0; i < body.length; i++)
        {
            body[i] = (byte)(jobId * 31 + i);
        }
        return body;
    }
}
