package dev.shoal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.TestHandlers;
import dev.shoal.testing.SmallTmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A file system that fills up while a journal appends. Chronicle maps its cycle files and grows them sparse, so the
 * first write to a page the file system cannot give faulted (SIGBUS), which the JVM raises as an InternalError at
 * a later instruction of the writing thread, outside any catch around the append: the pool's result thread died
 * ("pool broken"), and a tailer of the journal on a full tmpfs faulted too. The journal now reserves the file's
 * blocks ahead of its writes, so an append that finds no room is refused before anything is written, by name.
 * On a small tmpfs this test mounts (as root; skipped where it cannot) and unmounts itself.
 */
@Timeout(120)
class JournalFullTest
{
    /** Above the 64 MiB a journal needs free at open, below what the appends below write. */
    private static final long FS_BYTES = 80L << 20;

    @TempDir
    Path dir;

    /** The pool's region: here, not under a bare name a killed run would leave in the shared folder. */
    @TempDir
    Path regions;

    private SmallTmpfs tmpfs;
    private Path mount;

    @BeforeEach
    void mountSmallTmpfs() throws IOException
    {
        assumeTrue(JournalSpace.available(), "no fallocate through JNA here");
        tmpfs = SmallTmpfs.mount(dir, FS_BYTES);
        assumeTrue(tmpfs != null, "cannot mount a tmpfs here (not root?)");
        mount = tmpfs.path();
    }

    @AfterEach
    void unmount()
    {
        if (tmpfs != null)
        {
            tmpfs.close();
        }
    }

    @Test
    void shouldRefuseAnAppendTheFileSystemHasNoRoomForAndKeepWhatWasAppended() throws IOException
    {
        final Path journalDir = mount.resolve("journal");
        final Path filler = mount.resolve("filler");
        final byte[] body = new byte[1 << 20];
        int appended = 0;
        IllegalStateException full = null;
        try (ResultJournal journal = ResultJournal.open(journalDir))
        {
            Files.write(filler, new byte[8 << 20]); // after the open's 64 MiB check: freed below
            for (int i = 0; i < 200 && full == null; i++)
            {
                body[0] = (byte)i;
                try
                {
                    journal.appendAll(List.of(record(i, body)));
                    appended++;
                }
                catch (final IllegalStateException ex)
                {
                    full = ex;
                }
            }
            assertTrue(full != null, "80 MB cannot hold 200 MiB of records");
            assertTrue(full.getMessage().contains("no room on its file system"), full.getMessage());
            final IllegalStateException again = assertThrows(IllegalStateException.class,
                () -> journal.appendAll(List.of(record(999, body))));
            assertTrue(again.getMessage().contains("no room"), again.getMessage());
            Files.delete(filler);
            body[0] = (byte)appended;
            journal.appendAll(List.of(record(appended, body))); // room again: appended as usual
            appended++;
            journal.sync();
        }
        assertTrue(appended > 10, "appended before the file system filled: " + appended);
        try (JournalTailer tailer = JournalTailer.open(journalDir))
        {
            for (int i = 0; i < appended; i++)
            {
                final JournalEntry entry = tailer.next();
                final ResultRecord record = (ResultRecord)entry.record();
                assertEquals(i, record.jobId(), "every record appended reads back, in order");
                assertEquals((byte)i, record.body()[0]);
            }
            assertNull(tailer.next(), "nothing after them: the refused appends left nothing");
        }
    }

    @Test
    void shouldKeepThePoolDeliveringResultsWhenItsJournalHasNoRoom() throws Exception
    {
        final List<String> logs = new CopyOnWriteArrayList<>();
        final int jobs = 120_000; // 1 KiB results: some 125 MB of journal
        final byte[] argument = new byte[1024];
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(2)
            .region(regions.resolve("full").toString()).journal(mount.resolve("journal")).logSink(logs::add).start())
        {
            final List<CompletableFuture<byte[]>> futures = new ArrayList<>(jobs);
            for (int i = 0; i < jobs; i += 3)
            {
                final List<byte[]> batch = new ArrayList<>(3);
                for (int j = 0; j < 3; j++) // three per job frame: within maxJobBytes' 4096
                {
                    batch.add(argument);
                }
                futures.addAll(pool.submitBatch(TestHandlers.ECHO, batch));
            }
            for (final CompletableFuture<byte[]> future : futures)
            {
                assertArrayEquals(argument, future.get(60, TimeUnit.SECONDS), "every result delivered");
            }
            pool.join();
            final long journaled = pool.stats().journaled();
            assertTrue(journaled > 0 && journaled < jobs, "some journaled, not all: " + journaled);
        }
        assertTrue(logs.stream().anyMatch(l -> l.contains("journal append failed") && l.contains("no room")),
            String.join("\n", logs));
    }

    private static ResultRecord record(final long jobId, final byte[] body)
    {
        return new ResultRecord("k-" + jobId, jobId, "echo", JournalStatus.OK, 1, 0, body, 10L, 11L);
    }
}
