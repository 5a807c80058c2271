package dev.shoal.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.shoal.journal.JournalRecordDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Result records in version 3 (runs sharing their common fields, varints relative to the previous result): every
 * field round-trips at its extremes, a tiny result of a run takes 13 bytes against version 2's 22 and version 1's 60,
 * journals written in versions 1 and 2 stay readable, and damaged bytes fail naming what is wrong.
 */
@Timeout(60)
class CompactRecordTest
{
    private static final String[] HANDLERS = { "echo", "größe", "a-much-longer-handler-name-for-parsing-records", "" };

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripRandomBatchesWithEveryFieldAtItsExtremes()
    {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final List<ResultRecord> written = new ArrayList<>();
        final RecordBatch batch = new RecordBatch();
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            for (int b = 0; b < 60; b++)
            {
                final int size = 1 + random.nextInt(40);
                for (int i = 0; i < size; i++)
                {
                    final ResultRecord fresh = randomResult(random);
                    // Most results share their run's fields with the previous one, as the pool's do.
                    final ResultRecord r = i == 0 || random.nextInt(4) == 0 ? fresh : sameRun(fresh,
                        written.get(written.size() - 1));
                    batch.add(r.key(), r.jobId(), r.handler(), r.status(), r.attempt(), r.workerId(), r.body(),
                        r.submittedEpochNanos(), r.completedEpochNanos());
                    written.add(r);
                }
                journal.append(batch);
                batch.clear();
            }
            final List<JournalRecord> read = readAll(journal);
            assertEquals(written.size(), read.size(), "seed=" + seed);
            for (int i = 0; i < written.size(); i++)
            {
                assertEquals(written.get(i), read.get(i), "record " + i + ", seed=" + seed);
            }
        }
    }

    private static ResultRecord sameRun(final ResultRecord r, final ResultRecord previous)
    {
        return new ResultRecord(r.key(), r.jobId(), previous.handler(), previous.status(), previous.attempt(),
            previous.workerId(), r.body(), r.submittedEpochNanos(), previous.completedEpochNanos());
    }

    private static ResultRecord randomResult(final Random random)
    {
        final long[] longs = { 0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, random.nextLong(),
            1_700_000_000_000_000_000L };
        final int[] ints = { 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, random.nextInt(64) };
        final String key = switch (random.nextInt(4))
        {
            case 0 -> "";
            case 1 -> "file-" + random.nextInt(100_000);
            case 2 -> "clé-" + random.nextInt(100) + "-ü";
            default -> "k".repeat(random.nextInt(300));
        };
        final byte[] body = new byte[random.nextInt(4) == 0 ? random.nextInt(3000) : random.nextInt(16)];
        random.nextBytes(body);
        final long completed = random.nextBoolean() ? longs[random.nextInt(longs.length)] :
            1_700_000_000_000_000_000L + random.nextInt(1_000_000);
        final long submitted = random.nextBoolean() ? completed - random.nextInt(10_000_000) :
            longs[random.nextInt(longs.length)];
        return new ResultRecord(key, random.nextBoolean() ? random.nextInt(1000) : longs[random.nextInt(longs.length)],
            HANDLERS[random.nextInt(random.nextBoolean() ? 1 : HANDLERS.length)],
            JournalStatus.of(random.nextInt(JournalStatus.values().length)), ints[random.nextInt(ints.length)],
            random.nextBoolean() ? -1 : ints[random.nextInt(ints.length)], body, submitted, completed);
    }

    @Test
    void shouldWriteATinyResultOfARunIn13BytesAgainst22InVersionTwoAnd60InVersionOne()
    {
        // The pool's common case: one handler, no key, consecutive job ids submitted 300 ns apart, the results of one
        // read of a worker's frame (one completed time), each 8 bytes, some 20 us after the first was submitted.
        final RecordBatch batch = new RecordBatch();
        final long now = 1_764_000_000_000_000_000L;
        final int results = 32;
        for (int i = 0; i < results; i++)
        {
            batch.add("", 1_000_000 + i, "echo", JournalStatus.OK, 1, 1, new byte[8], now - 20_000L + 300L * i, now);
        }
        assertEquals(60, MIN_LENGTH + "echo".length() + 8, "version 1's bytes for one of them");
        // The run: 4 + count 2 + worker 1 + attempt 1 + completed 9 (the whole epoch time) + handler 5 = 22. The
        // first result: job id 3 + submitted 3 (20 us before completed) + key 1 + body 9 = 16. Each next one: job id
        // 1 (+1) + submitted 2 (300 ns after the previous) + key 1 + body 9 = 13. Version 2 took 36 + 31 x 22.
        assertEquals(22 + 16 + (results - 1) * 13, batch.length(), "bytes for " + results + " tiny results");
        assertEquals(results, batch.count());
    }

    @Test
    void shouldStartANewRunWhereAnyCommonFieldChangesAndReadEveryResultBack()
    {
        final long now = 1_764_000_000_000_000_000L;
        final List<ResultRecord> written = List.of(
            new ResultRecord("", 10, "echo", JournalStatus.OK, 1, 0, new byte[]{ 1 }, now - 50, now),
            new ResultRecord("a", 11, "echo", JournalStatus.OK, 1, 0, new byte[]{ 2 }, now - 40, now),
            new ResultRecord("", 9, "echo", JournalStatus.THREW, 1, 0, new byte[]{ 3 }, now - 30, now),
            new ResultRecord("", 12, "echo", JournalStatus.THREW, 2, 0, new byte[0], now - 20, now),
            new ResultRecord("", 13, "echo", JournalStatus.THREW, 2, 1, new byte[0], now - 10, now),
            new ResultRecord("", 14, "other", JournalStatus.THREW, 2, 1, new byte[0], now + 10, now),
            new ResultRecord("", 15, "other", JournalStatus.THREW, 2, 1, new byte[0], now, now + 1),
            new ResultRecord("", 16, "echo", JournalStatus.THREW, 2, 1, new byte[0], now, now + 1));
        final RecordBatch batch = new RecordBatch();
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            written.forEach(batch::add);
            batch.add(new LogRecord(1, 16, "between", now + 2));
            batch.add(new ResultRecord("", 17, "echo", JournalStatus.THREW, 2, 1, new byte[0], now, now + 1));
            journal.append(batch);
            final List<JournalRecord> read = readAll(journal);
            final List<JournalRecord> expected = new ArrayList<>(written);
            expected.add(new LogRecord(1, 16, "between", now + 2));
            expected.add(new ResultRecord("", 17, "echo", JournalStatus.THREW, 2, 1, new byte[0], now, now + 1));
            assertEquals(expected, read);
        }
    }

    @Test
    void shouldStillReadResultsAndLogLinesWrittenInVersionOne()
    {
        // A journal from before version 2: a batch of two results and a log line in one excerpt, then a result
        // alone; results of this Shoal appended after them.
        try (ChronicleQueue queue = Queues.open(dir); ExcerptAppender appender = queue.createAppender())
        {
            write(appender, bytes ->
            {
                bytes.write(fixedRecord(TYPE_RESULT, 0, 2, 41, 1_000, 2_000, 1, "old-1", "square", new byte[]{ 1 }));
                bytes.write(fixedRecord(TYPE_RESULT, 1, 2, 42, 1_100, 2_100, 2, "old-2", "square", "boom".getBytes(
                    StandardCharsets.UTF_8)));
                bytes.write(fixedRecord(TYPE_LOG, 0, 3, 42, 0, 2_200, 0, "", "", "a log line".getBytes(
                    StandardCharsets.UTF_8)));
            });
            write(appender, bytes -> bytes.write(fixedRecord(TYPE_RESULT, 0, -1, 43, 1_300, 2_300, 1, "old-3", "cube",
                new byte[0])));
        }
        final List<JournalRecord> expected = new ArrayList<>(List.of(
            new ResultRecord("old-1", 41, "square", JournalStatus.OK, 1, 2, new byte[]{ 1 }, 1_000, 2_000),
            new ResultRecord("old-2", 42, "square", JournalStatus.THREW, 2, 2, "boom".getBytes(StandardCharsets.UTF_8),
                1_100, 2_100),
            new LogRecord(3, 42, "a log line", 2_200),
            new ResultRecord("old-3", 43, "cube", JournalStatus.OK, 1, -1, new byte[0], 1_300, 2_300)));
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            final ResultRecord added = new ResultRecord("new-1", 44, "square", JournalStatus.OK, 1, 0, new byte[]{ 4 },
                1_400, 2_400);
            journal.append(added);
            expected.add(added);
            final List<JournalRecord> read = readAll(journal);
            assertEquals(expected, read);
            try (CompletedJobs completed = journal.completedJobs())
            {
                assertArrayEquals(new byte[]{ 1 }, completed.resultOf("old-1"), "a version-1 result resumes");
                assertArrayEquals(new byte[0], completed.resultOf("old-3"));
                assertArrayEquals(new byte[]{ 4 }, completed.resultOf("new-1"));
                assertNull(completed.resultOf("old-2"), "it threw: it runs again");
            }
        }
    }

    @Test
    void shouldSplitARunPastItsCountLimitAndReadEveryResultBack()
    {
        final int results = MAX_RUN_RESULTS + 10;
        final RecordBatch batch = new RecordBatch();
        for (int i = 0; i < results; i++)
        {
            batch.add("", i, "echo", JournalStatus.OK, 1, 0, new byte[0], 0, 1);
        }
        // Two runs: the first full (65,535 results; 6 bytes, 3 one-byte varints and the handler "echo"), the second
        // with the rest (6 bytes and 3 varints: the same handler); every result 4 one-byte fields.
        assertEquals((RUN_FIELDS_OFFSET + 3 + 5) + (RUN_FIELDS_OFFSET + 3) + results * 4, batch.length());
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            journal.append(batch);
            long expected = 0;
            try (JournalTailer tailer = journal.tailer())
            {
                for (JournalEntry e = tailer.next(); e != null; e = tailer.next(), expected++)
                {
                    assertEquals(expected, ((ResultRecord)e.record()).jobId());
                }
            }
            assertEquals(results, expected);
        }
    }

    @Test
    void shouldStillReadResultsWrittenInVersionTwo()
    {
        // Session 13's layout: a batch of two results (the second relative to the first, same handler), then one.
        try (ChronicleQueue queue = Queues.open(dir); ExcerptAppender appender = queue.createAppender())
        {
            write(appender, bytes ->
            {
                // worker 1, job id 5, attempt 1, completed 1000, latency 100, key "k", handler "h", body {7}
                bytes.write(concat(compactPrefix(0), new byte[]{ 2, 10, 2, (byte)0xD0, 0x0F, (byte)0xC8, 0x01, 1, 'k',
                    1, 'h', 1, 7 }));
                // worker 1, job id 5 + 1, attempt 2, completed + 3, latency 50, no key, the same handler, empty body
                bytes.write(concat(compactPrefix(FLAG_SAME_HANDLER), new byte[]{ 2, 2, 4, 6, 100, 0, 0 }));
            });
            write(appender, bytes -> bytes.write(concat(compactPrefix(0), new byte[]{ 1, 14, 2, 2, 2, 1, 'z', 0, 0 })));
        }
        final List<JournalRecord> expected = List.of(
            new ResultRecord("k", 5, "h", JournalStatus.OK, 1, 1, new byte[]{ 7 }, 900, 1000),
            new ResultRecord("", 6, "h", JournalStatus.OK, 2, 1, new byte[0], 953, 1003),
            new ResultRecord("z", 7, "", JournalStatus.OK, 1, -1, new byte[0], 0, 1));
        try (ResultJournal journal = ResultJournal.open(dir))
        {
            final List<JournalRecord> read = readAll(journal);
            assertEquals(expected, read);
            try (CompletedJobs completed = journal.completedJobs())
            {
                assertArrayEquals(new byte[]{ 7 }, completed.resultOf("k"), "a version-2 result resumes");
                assertArrayEquals(new byte[0], completed.resultOf("z"));
            }
        }
    }

    @Test
    void shouldNameWhatIsWrongInDamagedRunRecords()
    {
        final byte[] valid = compactPrefix(0);
        final byte[] noResults = { TYPE_RESULT, VERSION_RUN, 0, 0, 0, 0, 2, 2, 2, 1, 'h', 2, 2, 0, 0 };
        final byte[] fewerThanCounted = { TYPE_RESULT, VERSION_RUN, 0, 0, 2, 0, 2, 2, 2, 1, 'h', 2, 2, 0, 0 };
        final byte[] bodyPastTheEnd = { TYPE_RESULT, VERSION_RUN, 0, 0, 1, 0, 2, 2, 2, 1, 'h', 2, 2, 0, 5, 1 };
        final byte[] noPreviousHandler = { TYPE_RESULT, VERSION_RUN, 0, FLAG_SAME_HANDLER, 1, 0, 2, 2, 2, 2, 2, 0, 0 };
        assertFailsWith(valid, noResults, "is a run of 0 results");
        assertFailsWith(valid, fewerThanCounted, "job id cut short by the end of the excerpt");
        assertFailsWith(valid, bodyPastTheEnd, "body length=5 but remaining=1");
        assertFailsWith(valid, noPreviousHandler, "no result record comes before it");
        assertFailsWith(valid, new byte[]{ TYPE_RESULT, VERSION_RUN, 0, 0, 1, 0, 2, 2, 2, 1, 'h', 2 },
            "below the minimum=13");
        assertFailsWith(valid, new byte[]{ TYPE_LOG, VERSION_RUN, 0, 0, 1, 0, 2, 2, 2, 1, 'h', 2, 2, 0, 0 },
            "has version=3 (type 'L')");
    }

    @Test
    void shouldNameWhatIsWrongInDamagedCompactRecords()
    {
        final byte[] valid = compactPrefix(0);
        final byte[] tooLong = concat(compactPrefix(0), new byte[]{ (byte)0x81, (byte)0x81, (byte)0x81, (byte)0x81,
            (byte)0x81, (byte)0x81, (byte)0x81, (byte)0x81, (byte)0x81, (byte)0x81, (byte)0x81, 0, 0, 0, 0, 0, 0 });
        final byte[] cutShort = concat(compactPrefix(0), new byte[]{ 2, 2, 2, 2, 2, 0, (byte)0x85 });
        final byte[] bodyPastTheEnd = concat(compactPrefix(0), new byte[]{ 2, 2, 2, 2, 2, 0, 0, 9, 1, 2 });
        final byte[] noPreviousHandler = concat(compactPrefix(FLAG_SAME_HANDLER), new byte[]{ 2, 2, 2, 2, 2, 0, 0 });
        assertFailsWith(valid, tooLong, "worker id runs past 10 bytes");
        assertFailsWith(valid, cutShort, "handler length cut short by the end of the excerpt");
        assertFailsWith(valid, bodyPastTheEnd, "body length=9 but remaining=2");
        assertFailsWith(valid, noPreviousHandler, "no result record comes before it");
        assertFailsWith(valid, new byte[]{ TYPE_RESULT, VERSION_COMPACT, 0, 0, 1 }, "below the minimum=11");
        assertFailsWith(valid, new byte[]{ TYPE_LOG, VERSION_COMPACT, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
            "has version=2 (type 'L')");
    }

    /**
     * A journal whose first excerpt is a valid result (so it opens) and whose second holds {@code damaged}: reading
     * the second fails with a message holding {@code expected} and the excerpt's index.
     */
    private void assertFailsWith(final byte[] validHandlerAndBody, final byte[] damaged, final String expected)
    {
        final Path journalDir = dir.resolve("damaged-" + expected.hashCode());
        try (ChronicleQueue queue = Queues.open(journalDir); ExcerptAppender appender = queue.createAppender())
        {
            write(appender, bytes -> bytes.write(concat(validHandlerAndBody,
                new byte[]{ 2, 2, 2, 2, 2, 0, 1, 'h', 0 })));
            write(appender, bytes -> bytes.write(damaged));
        }
        try (JournalTailer tailer = JournalTailer.open(journalDir))
        {
            assertEquals("h", ((ResultRecord)tailer.next().record()).handler());
            final JournalFormatException ex = assertThrows(JournalFormatException.class, tailer::next);
            assertTrue(ex.getMessage().contains(expected) && ex.getMessage().contains("index="), ex.getMessage());
        }
    }

    private static List<JournalRecord> readAll(final ResultJournal journal)
    {
        final List<JournalRecord> read = new ArrayList<>();
        try (JournalTailer tailer = journal.tailer())
        {
            for (JournalEntry e = tailer.next(); e != null; e = tailer.next())
            {
                read.add(e.record());
            }
        }
        return read;
    }

    private static byte[] compactPrefix(final int flags)
    {
        return new byte[]{ TYPE_RESULT, VERSION_COMPACT, 0, (byte)flags };
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void write(final ExcerptAppender appender, final Consumer<Bytes<?>> body)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            body.accept(dc.wire().bytes());
        }
    }

    /**
     * @return a record in the version-1 layout, written field by field from the descriptor's offsets.
     */
    private static byte[] fixedRecord(final byte type, final int status, final int workerId, final long jobId,
        final long submitted, final long completed, final int attempt, final String key, final String handler,
        final byte[] body)
    {
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        final byte[] handlerBytes = handler.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer out = ByteBuffer.allocate(MIN_LENGTH + keyBytes.length + handlerBytes.length + body.length)
            .order(ByteOrder.nativeOrder());
        out.put(TYPE_OFFSET, type).put(VERSION_OFFSET, VERSION).put(STATUS_OFFSET, (byte)status)
            .put(RESERVED_OFFSET, (byte)0).putInt(WORKER_OFFSET, workerId).putLong(JOB_ID_OFFSET, jobId)
            .putLong(SUBMITTED_OFFSET, submitted).putLong(COMPLETED_OFFSET, completed).putInt(ATTEMPT_OFFSET, attempt);
        out.position(KEY_LENGTH_OFFSET);
        out.putInt(keyBytes.length).put(keyBytes).putInt(handlerBytes.length).put(handlerBytes).putInt(body.length)
            .put(body);
        return out.array();
    }
}
