package dev.shoal.journal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Readers of a damaged journal name the damage and the file, and write nothing: a journal cut short stays as it
 * was found, so that the reader after them meets the same damage rather than a clean, shorter journal.
 */
@Timeout(60)
class JournalDamageTest
{
    private static final int EXCERPTS = 2_000;

    @TempDir
    Path dir;

    /** Writes a journal of {@link #EXCERPTS} batches of 10 results. */
    private Path journal() throws IOException
    {
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            for (int i = 0; i < EXCERPTS; i++)
            {
                final List<ResultRecord> batch = new ArrayList<>();
                for (int j = 0; j < 10; j++)
                {
                    batch.add(ResultJournalTest.result("key-" + (i * 10 + j), i * 10 + j, JournalStatus.OK,
                        new byte[]{ 1, 2, 3 }));
                }
                journal.appendAll(batch);
            }
        }
        try (var files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    private static void cut(final Path file, final long length) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(length);
        }
    }

    private int readAll()
    {
        int read = 0;
        try (JournalTailer tailer = JournalTailer.open(dir))
        {
            while (tailer.next() != null)
            {
                read++;
            }
        }
        return read;
    }

    /**
     * Opened for writing, Chronicle grew a cycle file cut short back to its mapped size with zeros: the reader then
     * met a clean end (a cut inside the file's header: no records and no word), and every later reader and the
     * end check saw zeros, not a cut. Read-only, the read at the cut faults and is named.
     */
    @Test
    void shouldNameACycleFileCutShortAndLeaveItAsItWas() throws IOException
    {
        final Path cycle = journal();
        final byte[] metadata = Files.readAllBytes(dir.resolve(JournalDirectory.METADATA_FILE));
        final byte[] whole = Files.readAllBytes(cycle);
        assertEquals(EXCERPTS * 10, readAll(), "healthy: every record reads");
        for (final long length : new long[]{ 1_000, 60_000, 150_000 }) // in the header, in the index, in the records
        {
            Files.write(cycle, whole);
            cut(cycle, length);
            final JournalFormatException ex = assertThrows(JournalFormatException.class, this::readAll,
                "cut at " + length);
            assertTrue(ex.getMessage().startsWith("journal " + dir + " is damaged") &&
                (ex.getMessage().contains("cycle file " + cycle.getFileName() + " is cut short (" + length +
                " bytes)") || ex.getMessage().contains(" is damaged at index 0x")), ex.getMessage());
            assertEquals(length, Files.size(cycle), "the reader left the file cut short as it was");
        }
        assertArrayEquals(metadata, Files.readAllBytes(dir.resolve(JournalDirectory.METADATA_FILE)),
            "readers wrote nothing into the metadata file");
        final JournalFormatException append = assertThrows(JournalFormatException.class,
            () -> ResultJournal.open(dir));
        assertTrue(append.getMessage().contains("cut short"), append.getMessage());
    }

    /**
     * A metadata file cut short: a writable open rewrote it (Chronicle fell back to reading only, with about a
     * hundred lines of stack traces, so an appender journaled nothing, and the pool ran on with "journaled 0").
     */
    @Test
    void shouldRefuseAMetadataFileCutShortToReadAndToAppend() throws IOException
    {
        journal();
        final Path metadata = dir.resolve(JournalDirectory.METADATA_FILE);
        cut(metadata, 100);
        for (final Runnable open : List.<Runnable>of(() -> JournalTailer.open(dir).close(),
            () -> ResultJournal.open(dir).close()))
        {
            final JournalFormatException ex = assertThrows(JournalFormatException.class, open::run);
            assertEquals("journal " + dir + " is damaged: metadata.cq4t is cut short (100 bytes; Chronicle maps it " +
                "in blocks of 65536): move the journal aside (its cycle files keep the records) and start with a " +
                "new directory", ex.getMessage());
            assertEquals(100, Files.size(metadata), "left as it was");
        }
    }

    /** Chronicle refused it with "Unexpected magic number 5801be2a", naming no file (and not as a Shoal error). */
    @Test
    void shouldNameACycleFileThatIsNotChroniclesByItsName() throws IOException
    {
        final Path cycle = journal();
        final byte[] junk = new byte[200_000];
        new java.util.Random(11).nextBytes(junk);
        junk[3] = 0x05; // first word complete data (bits 31 and 30 clear), not the metadata header a file starts with
        Files.write(cycle, junk);
        for (final Runnable open : List.<Runnable>of(() -> JournalTailer.open(dir).close(),
            () -> ResultJournal.open(dir).close()))
        {
            final JournalFormatException ex = assertThrows(JournalFormatException.class, open::run);
            assertTrue(ex.getMessage().startsWith("journal " + dir + " is damaged: cycle file " +
                cycle.getFileName() + " does not start with a Chronicle header (first word 0x"), ex.getMessage());
        }
    }

    /**
     * A record larger than one Chronicle excerpt holds (16 MiB): Chronicle failed the write part way and left an
     * excerpt of one byte, where every reader stopped ("length=1 below the minimum=2"); the appends after it
     * returned indexes as if written, and resume refused the journal as damaged.
     */
    @Test
    void shouldRefuseAnOversizedAppendAndKeepTheJournalWhole() throws IOException
    {
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            journal.append(ResultJournalTest.result("a", 1, JournalStatus.OK, new byte[10]));
            final IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> journal.append(
                ResultJournalTest.result("big", 2, JournalStatus.OK, new byte[20 << 20])));
            assertTrue(big.getMessage().contains("more than one append holds (" + ResultJournal.MAX_APPEND_BYTES +
                "); nothing appended"), big.getMessage());
            journal.append(ResultJournalTest.result("b", 3, JournalStatus.OK, new byte[10]));
        }
        final List<String> keys = new ArrayList<>();
        try (JournalTailer tailer = JournalTailer.open(dir))
        {
            for (JournalEntry e = tailer.next(); e != null; e = tailer.next())
            {
                keys.add(((ResultRecord)e.record()).key());
            }
        }
        assertEquals(List.of("a", "b"), keys);
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            assertNotNull(journal.completedJobs().resultOf("b"), "resume reads past the refused record");
        }
    }

    /** A pool's batch of results larger than one append holds is appended as several, every result in one. */
    @Test
    void shouldSplitAPoolBatchLargerThanOneAppendHolds() throws Exception
    {
        final int results = 5;
        try (dev.shoal.pool.spi.JournalWriter writer = new ChronicleJournalProvider().open(dir, false))
        {
            for (int i = 0; i < results; i++)
            {
                writer.addResult("k" + i, i, "h", dev.shoal.pool.spi.JournalWriter.Status.OK, 1, 0,
                    new byte[7 << 20], 1, 2); // 35 MiB in all: three appends
            }
            assertEquals(results, writer.appendBatch());
        }
        final List<String> keys = new ArrayList<>();
        try (JournalTailer tailer = JournalTailer.open(dir))
        {
            for (JournalEntry e = tailer.next(); e != null; e = tailer.next())
            {
                keys.add(((ResultRecord)e.record()).key());
            }
        }
        assertEquals(List.of("k0", "k1", "k2", "k3", "k4"), keys);
    }

    /**
     * Length fields in the metadata file overwritten: a read through its mapping faults past its end, which the
     * JVM raises as an InternalError with no file named.
     */
    @Test
    void shouldNameAMetadataFileWhoseFieldsPointPastItsEnd() throws IOException
    {
        journal();
        final Path metadata = dir.resolve(JournalDirectory.METADATA_FILE);
        try (RandomAccessFile raf = new RandomAccessFile(metadata.toFile(), "rw"))
        {
            raf.seek(150); // past the 'STStore' header the directory check reads, inside the table's entries
            for (int i = 0; i < 300; i++)
            {
                raf.write(0x5a);
            }
        }
        for (final Runnable open : List.<Runnable>of(() -> JournalTailer.open(dir).close(),
            () -> ResultJournal.open(dir).close()))
        {
            final RuntimeException ex = assertThrows(RuntimeException.class, open::run);
            assertTrue(ex instanceof JournalFormatException || ex instanceof JournalOpenException, ex.toString());
            assertTrue(ex.getMessage().startsWith("journal " + dir + " is damaged: reading its metadata.cq4t") ||
                ex.getMessage().startsWith("cannot open journal " + dir), ex.getMessage());
        }
    }
}
