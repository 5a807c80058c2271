package dev.shoal.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The journal in one process: records round-trip, resume lookups, and bad directories fail at open.
 */
@Timeout(60)
class ResultJournalTest
{
    @TempDir
    Path dir;

    /** A pool's region: here, not under a bare name a killed run would leave in the shared folder. */
    @TempDir
    Path regions;

    static ResultRecord result(final String key, final long jobId, final JournalStatus status, final byte[] body)
    {
        return new ResultRecord(key, jobId, "square", status, 1, 3, body, 1_000L + jobId, 2_000L + jobId);
    }

    @Test
    void shouldReadBackEveryRecordInOrderWithItsFields()
    {
        final Path journalDir = dir.resolve("j");
        final List<JournalRecord> written = new ArrayList<>();
        written.add(result("k-1", 1, JournalStatus.OK, new byte[]{ 1, 2, 3 }));
        written.add(new LogRecord(3, 1, "héllo log", 5_000L));
        written.add(result("", 2, JournalStatus.THREW, "java.lang.IllegalStateException: boom".getBytes(
            StandardCharsets.UTF_8)));
        written.add(result("k-3", 3, JournalStatus.FAILED, new byte[0]));
        final List<Long> indexes = new ArrayList<>();
        try (ResultJournal journal = ResultJournal.open(journalDir))
        {
            for (final JournalRecord r : written)
            {
                indexes.add(r instanceof ResultRecord rr ? journal.append(rr) : journal.append((LogRecord)r));
            }
        }
        try (JournalTailer tailer = JournalTailer.open(journalDir))
        {
            for (int i = 0; i < written.size(); i++)
            {
                final JournalEntry e = tailer.next();
                assertNotNull(e, "entry " + i);
                assertEquals(indexes.get(i), e.index());
                assertEquals(written.get(i), e.record());
            }
            assertNull(tailer.next());
            assertTrue(tailer.moveTo(indexes.get(2)));
            assertEquals(written.get(2), tailer.next().record());
        }
    }

    @Test
    void shouldReadABatchRecordByRecordAndFindEachOfItsKeys()
    {
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            journal.append(result("single", 0, JournalStatus.OK, new byte[]{ 9 }));
            final long batchIndex = journal.appendAll(List.of(
                result("b-1", 1, JournalStatus.OK, new byte[]{ 1 }),
                result("b-2", 2, JournalStatus.THREW, new byte[]{ 2 }),
                result("b-3", 3, JournalStatus.OK, new byte[]{ 3, 3 })));
            journal.append(new LogRecord(1, 3, "after the batch", 7L));
            final List<Long> jobIds = new ArrayList<>();
            final List<Long> indexes = new ArrayList<>();
            try (JournalTailer tailer = journal.tailer())
            {
                for (JournalEntry e = tailer.next(); e != null; e = tailer.next())
                {
                    jobIds.add(e.record() instanceof ResultRecord r ? r.jobId() : -((LogRecord)e.record()).jobId());
                    indexes.add(e.index());
                }
                assertTrue(tailer.moveTo(batchIndex));
                assertEquals(1, ((ResultRecord)tailer.next().record()).jobId(), "moveTo starts at the batch's first");
            }
            assertEquals(List.of(0L, 1L, 2L, 3L, -3L), jobIds, "every record once, in order");
            assertEquals(List.of(batchIndex, batchIndex, batchIndex), indexes.subList(1, 4), "one index per batch");
            try (CompletedJobs completed = journal.completedJobs())
            {
                assertEquals(3, completed.size(), "single, b-1, b-3");
                assertArrayEquals(new byte[]{ 3, 3 }, completed.resultOf("b-3"));
                assertArrayEquals(new byte[]{ 1 }, completed.resultOf("b-1"));
                assertNull(completed.resultOf("b-2"), "a job that threw runs again on resume");
            }
        }
    }

    @Test
    void shouldReadAnEncodedBatchAsTheRecordsItWasMadeOf()
    {
        // The pool's path: results encoded straight into one buffer, appended in one copy. Keys ASCII, not ASCII
        // and empty; the handler changing inside a batch; a body larger than the buffer's first size.
        final byte[] large = new byte[100_000];
        java.util.Arrays.fill(large, (byte)7);
        final List<ResultRecord> first = List.of(
            new ResultRecord("k-1", 1, "square", JournalStatus.OK, 1, 0, new byte[]{ 1 }, 10L, 11L),
            new ResultRecord("clé-ü", 2, "größe", JournalStatus.THREW, 2, 1, "boom".getBytes(StandardCharsets.UTF_8),
                20L, 21L),
            new ResultRecord("", 3, "square", JournalStatus.FAILED, 3, -1, new byte[0], 30L, 31L),
            new ResultRecord("k-4", 4, "cube", JournalStatus.OK, 1, 1, large, 40L, 41L));
        final List<ResultRecord> second = List.of(
            new ResultRecord("k-5", 5, "cube", JournalStatus.OK, 1, 0, new byte[]{ 5, 5 }, 50L, 51L));
        final RecordBatch batch = new RecordBatch();
        final long pretouchersBefore = pretouchThreads();
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            for (final List<ResultRecord> records : List.of(first, second))
            {
                for (final ResultRecord r : records)
                {
                    batch.add(r.key(), r.jobId(), r.handler(), r.status(), r.attempt(), r.workerId(), r.body(),
                        r.submittedEpochNanos(), r.completedEpochNanos());
                }
                assertEquals(records.size(), batch.count());
                journal.append(batch);
                batch.clear();
            }
            final List<JournalRecord> read = new ArrayList<>();
            final List<Long> indexes = new ArrayList<>();
            try (JournalTailer tailer = journal.tailer())
            {
                for (JournalEntry e = tailer.next(); e != null; e = tailer.next())
                {
                    read.add(e.record());
                    indexes.add(e.index());
                }
            }
            final List<JournalRecord> expected = new ArrayList<>(first);
            expected.addAll(second);
            assertEquals(expected, read, "every record with every field, in order");
            assertEquals(1, new java.util.HashSet<>(indexes.subList(0, 4)).size(), "the first batch is one excerpt");
            assertTrue(indexes.get(4) > indexes.get(0), "the second batch is the next excerpt");
            assertEquals(pretouchersBefore + 1, pretouchThreads(), "batch appends start the pretoucher");
        }
        assertEquals(pretouchersBefore, pretouchThreads(), "close stops the pretoucher");
    }

    private static long pretouchThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().equals("shoal-journal-pretouch")).count();
    }

    @Test
    void shouldFindCompletedKeysOnlyForOkResultsWithAKey()
    {
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            journal.append(result("done", 1, JournalStatus.OK, new byte[]{ 42 }));
            journal.append(result("threw", 2, JournalStatus.THREW, new byte[]{ 1 }));
            journal.append(result("", 3, JournalStatus.OK, new byte[]{ 7 }));
            journal.append(new LogRecord(0, 1, "done", 1L));
            try (CompletedJobs completed = journal.completedJobs())
            {
                assertEquals(1, completed.size());
                assertArrayEquals(new byte[]{ 42 }, completed.resultOf("done"));
                assertNull(completed.resultOf("threw"));
                assertNull(completed.resultOf("missing"));
                assertNull(completed.resultOf(""));
            }
        }
    }

    @Test
    void shouldRefuseADirectoryWithForeignFilesAndLeaveItAlone() throws IOException
    {
        Files.writeString(dir.resolve("notes.txt"), "hello");
        final JournalOpenException ex = assertThrows(JournalOpenException.class, () -> ResultJournal.open(dir));
        assertTrue(ex.getMessage().contains(dir.toString()) && ex.getMessage().contains("notes.txt"),
            ex.getMessage());
        try (var files = Files.list(dir))
        {
            assertEquals(List.of(dir.resolve("notes.txt")), files.toList());
        }
    }

    @Test
    void shouldRefuseAPathThatIsAFileOrUnderAFile() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("plain"), "x");
        final JournalOpenException notDir = assertThrows(JournalOpenException.class, () -> ResultJournal.open(file));
        assertTrue(notDir.getMessage().contains("is not a directory"), notDir.getMessage());
        final JournalOpenException under = assertThrows(JournalOpenException.class,
            () -> ResultJournal.open(file.resolve("j")));
        assertTrue(under.getMessage().contains("cannot create journal directory"), under.getMessage());
    }

    @Test
    void shouldRefuseToTailAMissingOrEmptyDirectory() throws IOException
    {
        final JournalOpenException missing = assertThrows(JournalOpenException.class,
            () -> JournalTailer.open(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        final Path empty = Files.createDirectory(dir.resolve("empty"));
        final JournalOpenException noQueue = assertThrows(JournalOpenException.class, () -> JournalTailer.open(empty));
        assertTrue(noQueue.getMessage().contains("metadata.cq4t"), noQueue.getMessage());
    }

    @Test
    void shouldRefuseAnUnwritableDirectory() throws IOException
    {
        assumeFalse("root".equals(System.getProperty("user.name")), "root ignores file permissions");
        final Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        final JournalOpenException ex = assertThrows(JournalOpenException.class, () -> ResultJournal.open(locked));
        assertTrue(ex.getMessage().contains("no permission"), ex.getMessage());
    }

    @Test
    void shouldRefuseAQueueOfAnotherRecordFormat() throws IOException
    {
        writeFutureVersionRecord();
        final JournalFormatException ex = assertThrows(JournalFormatException.class, () -> ResultJournal.open(dir));
        assertTrue(ex.getMessage().contains("version=99") && ex.getMessage().contains(dir.toString()),
            ex.getMessage());
    }

    /** A record of a future Shoal's version, written straight into the queue. */
    private void writeFutureVersionRecord()
    {
        try (ChronicleQueue queue = Queues.open(dir); ExcerptAppender appender = queue.createAppender();
            DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeByte(JournalRecordDescriptor.TYPE_RESULT);
            bytes.writeByte((byte)99); // a future Shoal's record version
            bytes.write(new byte[JournalRecordDescriptor.MIN_LENGTH]);
        }
    }

    /** Journals results key-0 .. key-(count - 1), each ok with the one-byte result {1}. */
    private void writeOkResults(final int count)
    {
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            for (int i = 0; i < count; i++)
            {
                journal.append(new ResultRecord("key-" + i, i, "h", JournalStatus.OK, 1, 0, new byte[]{ 1 }, 1L, 2L));
            }
        }
    }

    @Test
    void shouldStillRefuseAnotherRecordFormatWhenACycleFileIsEmpty() throws IOException
    {
        writeFutureVersionRecord();
        final Path empty = Files.createFile(dir.resolve("20200101F.cq4")); // an earlier day's file, cut to nothing
        try (JournalTailer tailer = JournalTailer.open(dir)) // the open's first-record check is skipped then
        {
            assertEquals(List.of(empty.toAbsolutePath().normalize()), tailer.emptyCycleFiles());
            final JournalFormatException ex = assertThrows(JournalFormatException.class, tailer::next);
            assertTrue(ex.getMessage().contains("version=99") && ex.getMessage().contains(dir.toString()),
                ex.getMessage());
        }
    }

    /**
     * Chronicle's tailer stops for good at a cycle file it reads no header from: without stepping over it, every
     * record of the later days was out of reach of tail, stats and resume.
     */
    @Test
    void shouldReadTheRecordsOfLaterCycleFilesPastAnEmptyOne() throws IOException
    {
        writeOkResults(10);
        Files.createFile(dir.resolve("20200101F.cq4"));
        Files.createFile(dir.resolve("20200102F.cq4"));
        // Resume scans through a JournalTailer, as tail and stats read (one scan here: each empty file costs it
        // Chronicle's 3 s wait). The pool answers the first and the last key from the journal without running them,
        // and its log names each empty file once.
        final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        final String region = regions.resolve("resume-empty").toString();
        try (dev.shoal.pool.ProcessPool pool = dev.shoal.pool.ProcessPool.builder(dev.shoal.pool.TestHandlers.class)
            .workers(1).region(region).journal(dir).resume(true).logSink(log::add).start())
        {
            for (final String key : List.of("key-0", "key-9"))
            {
                assertArrayEquals(new byte[]{ 1 }, pool.submitKeyed(key, dev.shoal.pool.TestHandlers.ECHO,
                    new byte[]{ 5 }).join(), key + ": the journaled result, not a run's");
            }
            assertEquals(2, pool.stats().resumed(), "both answered from the journal, past the empty cycle files");
        }
        assertEquals(2, log.stream().filter(line -> line.startsWith("[journal] warning: cycle file ") &&
            (line.contains("20200101F.cq4 is empty") || line.contains("20200102F.cq4 is empty"))).count(),
            log.toString());
    }

    @Test
    void shouldNameTheJournalWhenResumeMeetsADamagedRecord() throws IOException
    {
        writeOkResults(100);
        final Path cycle;
        try (var files = Files.list(dir))
        {
            cycle = files.filter(p -> p.getFileName().toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        final byte[] bytes = Files.readAllBytes(cycle);
        final byte[] field = "\u0006key-50".getBytes(StandardCharsets.ISO_8859_1); // the key's length, then the key
        int at = -1;
        for (int i = 0; i + field.length <= bytes.length && at < 0; i++)
        {
            at = java.util.Arrays.equals(bytes, i, i + field.length, field, 0, field.length) ? i : -1;
        }
        assertTrue(at >= 0, "the key's field is in the cycle file");
        bytes[at] = 127; // a key longer than the record
        Files.write(cycle, bytes);

        try (ResultJournal journal = ResultJournal.open(dir))
        {
            final JournalFormatException ex = assertThrows(JournalFormatException.class, journal::completedJobs);
            assertTrue(ex.getMessage().contains("journal " + dir + " is damaged at index 0x") &&
                ex.getMessage().contains("key"), ex.getMessage());
        }
    }

    /**
     * A pool appended to a journal whose cycle file was cut short without a word, and every result it journaled lay
     * past the cut, where no reader reaches (tail and stats stop at the damage). The open for append now fails
     * first, writes nothing, and does not grow the file back; also once something grew it back with zeros, and once
     * a writer that did not check appended behind the zeros.
     */
    @Test
    void shouldRefuseToAppendToAJournalCutShort() throws IOException
    {
        final int excerpts = 3_000; // of 10 results each: a dozen of Chronicle's index points (every 256th excerpt)
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            for (int i = 0; i < excerpts; i++)
            {
                final List<ResultRecord> batch = new ArrayList<>();
                for (int j = 0; j < 10; j++)
                {
                    batch.add(result("key-" + (i * 10 + j), i * 10 + j, JournalStatus.OK, new byte[]{ 1, 2, 3 }));
                }
                journal.appendAll(batch);
            }
        }
        ResultJournal.open(dir).close(); // healthy: opens
        final Path cycle = onlyCycleFile();
        final long fullLength = Files.size(cycle);
        final long cut = 150_000; // inside the records (3 000 excerpts of about 120 bytes from 65 536 on)
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(cycle,
            java.nio.file.StandardOpenOption.WRITE))
        {
            // Zeros from the cut on, the last records whole: as when a writer that did not check appended to a file
            // cut short and grown again (Chronicle's appender writes where its header says the last record was).
            file.write(java.nio.ByteBuffer.allocate(100_000), cut);
        }
        final JournalFormatException behind = assertThrows(JournalFormatException.class,
            () -> ResultJournal.open(dir));
        assertTrue(behind.getMessage().startsWith("journal " + dir + " is damaged: cycle file " +
            cycle.getFileName() + ": its records stop at index 0x"), behind.getMessage());

        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(cycle,
            java.nio.file.StandardOpenOption.WRITE))
        {
            file.truncate(cut); // as truncate -s
        }
        final JournalFormatException cutShort = assertThrows(JournalFormatException.class,
            () -> ResultJournal.open(dir));
        assertTrue(cutShort.getMessage().startsWith("journal " + dir + " is damaged: cycle file " +
            cycle.getFileName() + ": cut short") && cutShort.getMessage().contains("move the journal aside"),
            cutShort.getMessage());
        assertEquals(cut, Files.size(cycle), "the file cut short is left as it was, not grown again");

        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(cycle.toFile(), "rw"))
        {
            file.setLength(fullLength); // zeros from the cut on, as Chronicle grows a file it maps for writing
        }
        final JournalFormatException zeros = assertThrows(JournalFormatException.class, () -> ResultJournal.open(dir));
        assertTrue(zeros.getMessage().contains(" is damaged: cycle file ") &&
            zeros.getMessage().contains("its records stop at index 0x"), zeros.getMessage());
    }

    private Path onlyCycleFile() throws IOException
    {
        try (var files = Files.list(dir))
        {
            final List<Path> cycles = files.filter(p -> p.getFileName().toString().endsWith(".cq4")).toList();
            assertEquals(1, cycles.size(), cycles.toString());
            return cycles.get(0);
        }
    }

    /**
     * After close: tailer(), completedJobs() and a tailer handed out before threw Chronicle's
     * ClosedIllegalStateException naming its queue object, and sync() returned as if it had forced the records.
     */
    @Test
    void shouldNameTheJournalWhenUsedAfterClose()
    {
        final ResultJournal journal = ResultJournal.open(dir);
        journal.append(result("k", 1, JournalStatus.OK, new byte[]{ 1 }));
        final JournalTailer early = journal.tailer();
        journal.close();
        final String closed = "journal " + dir + " is closed";
        for (final Runnable call : List.<Runnable>of(journal::tailer, journal::completedJobs, journal::sync,
            early::next))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, call::run);
            assertTrue(ex.getMessage().startsWith(closed), ex.getMessage());
        }
    }

    @Test
    void shouldRefuseADamagedQueueMetadataFile() throws IOException
    {
        final byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        Files.write(dir.resolve(JournalDirectory.METADATA_FILE), junk);
        final JournalOpenException ex = assertThrows(JournalOpenException.class, () -> ResultJournal.open(dir));
        assertTrue(ex.getMessage().contains(dir.toString()) && ex.getMessage().contains("STStore"),
            ex.getMessage());
    }
}
