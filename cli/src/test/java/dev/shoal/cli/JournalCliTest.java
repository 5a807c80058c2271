package dev.shoal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.shoal.journal.JournalStatus;
import dev.shoal.journal.LogRecord;
import dev.shoal.journal.ResultJournal;
import dev.shoal.journal.ResultRecord;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code shoal journal tail} and {@code stats}.
 */
@Timeout(60)
class JournalCliTest
{
    private static final int RESULTS = 500;

    @TempDir
    Path dir;

    private static CliRun run(final String... args)
    {
        return CliRun.run(args);
    }

    private Path journalWithEveryKindOfRecord()
    {
        final Path journalDir = dir.resolve("journal");
        try (ResultJournal journal = ResultJournal.open(journalDir))
        {
            for (int i = 0; i < RESULTS; i++)
            {
                final JournalStatus status = i % 50 == 7 ? JournalStatus.THREW : JournalStatus.OK;
                final byte[] body = status == JournalStatus.OK ? new byte[]{ (byte)i, 0, -1 } :
                    ("java.lang.IllegalStateException: \"bad\" \\ input " + i + "\n\tat x.Y(Y.java:1)\u0001")
                    .getBytes(StandardCharsets.UTF_8);
                journal.append(new ResultRecord("key-" + i, i, "h", status, 1, i % 3, body, 10L, 20L));
                journal.append(new LogRecord(i % 3, i, "line " + i + " with \"quotes\" and tab\t", 30L));
            }
        }
        return journalDir;
    }

    /**
     * {@code --follow} started before the pool has made its journal waits for it, then prints each record as it is
     * appended (it failed at once: "no journal at DIR: the directory does not exist"). A separate JVM, as a user's
     * second terminal; ended by SIGTERM, as Ctrl-C would.
     */
    @Test
    void shouldFollowAJournalThatDoesNotExistYet() throws Exception
    {
        final Path journalDir = dir.resolve("later");
        try (dev.shoal.testing.ChildJvms children = new dev.shoal.testing.ChildJvms(dir))
        {
            final Process tail = children.start(ShoalCli.class, "journal", "tail", journalDir.toString(), "--follow",
                "--json");
            dev.shoal.testing.ChildJvms.awaitCondition("the tail waiting", java.time.Duration.ofSeconds(30),
                () -> children.output(tail).contains("waiting for a journal at " + journalDir) || !tail.isAlive());
            assertTrue(tail.isAlive(), children.output(tail));
            try (ResultJournal journal = ResultJournal.open(journalDir))
            {
                for (int i = 0; i < 3; i++)
                {
                    journal.append(new ResultRecord("key-" + i, i, "h", JournalStatus.OK, 1, 0, new byte[]{ 1 }, 10L,
                        20L));
                }
                dev.shoal.testing.ChildJvms.awaitCondition("three records followed", java.time.Duration.ofSeconds(30),
                    () -> children.output(tail).contains("\"key\":\"key-2\"") || !tail.isAlive());
                journal.append(new ResultRecord("key-3", 3, "h", JournalStatus.OK, 1, 0, new byte[]{ 1 }, 10L, 20L));
                dev.shoal.testing.ChildJvms.awaitCondition("a later record followed", java.time.Duration.ofSeconds(30),
                    () -> children.output(tail).contains("\"key\":\"key-3\"") || !tail.isAlive());
            }
            final String output = children.output(tail);
            assertTrue(tail.isAlive(), output);
            for (int i = 0; i < 4; i++)
            {
                assertTrue(output.contains("\"key\":\"key-" + i + "\""), output);
            }
        }
    }

    @Test
    void shouldPrintEveryRecordAsOneValidJsonObjectPerLine()
    {
        final Path journalDir = journalWithEveryKindOfRecord();
        final CliRun r = run("journal", "tail", journalDir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        final List<String> lines = r.out().lines().toList();
        assertEquals(2 * RESULTS, lines.size());
        long previousIndex = Long.MIN_VALUE;
        for (int n = 0; n < lines.size(); n++)
        {
            final Map<String, Object> o = Json.parseObject(lines.get(n));
            final long index = (Long)o.get("index");
            assertTrue(index > previousIndex, "indexes ascend");
            previousIndex = index;
            final int i = n / 2;
            if (n % 2 == 0)
            {
                assertEquals("result", o.get("type"));
                assertEquals("key-" + i, o.get("key"));
                assertEquals((long)(i % 3), o.get("worker"));
                if (i % 50 == 7)
                {
                    assertEquals("threw", o.get("status"));
                    assertTrue(((String)o.get("error")).endsWith("input " + i + "\n\tat x.Y(Y.java:1)\u0001"));
                }
                else
                {
                    assertEquals("ok", o.get("status"));
                    assertArrayEquals(new byte[]{ (byte)i, 0, -1 },
                        Base64.getDecoder().decode((String)o.get("result_base64")));
                }
            }
            else
            {
                assertEquals("log", o.get("type"));
                assertEquals("line " + i + " with \"quotes\" and tab\t", o.get("text"));
            }
        }
    }

    @Test
    void shouldStartAtAnIndexAndCountByStatusAndWorker()
    {
        final Path journalDir = journalWithEveryKindOfRecord();
        final String all = run("journal", "tail", journalDir.toString()).out();
        final String tenth = all.lines().skip(10).findFirst().orElseThrow();
        final String index = tenth.substring(0, tenth.indexOf(' '));
        final CliRun from = run("journal", "tail", journalDir.toString(), "--from", index);
        assertEquals(0, from.code(), from.err());
        assertEquals(all.lines().skip(10).toList(), from.out().lines().toList());

        final CliRun stats = run("journal", "stats", journalDir.toString(), "--json");
        assertEquals(0, stats.code(), stats.err());
        final Map<String, Object> o = Json.parseObject(stats.out().strip());
        assertEquals((long)RESULTS, o.get("results"));
        assertEquals((long)RESULTS, o.get("logs"));
        assertEquals(Map.of("ok", 490L, "threw", 10L, "failed", 0L), o.get("by_status"));
        assertEquals(Map.of("0", 167L, "1", 167L, "2", 166L), o.get("results_by_worker"));
    }

    @Test
    void shouldExitOneWithOneLineForAMissingOrForeignDirectory() throws IOException
    {
        final CliRun missing = run("journal", "tail", dir.resolve("nope").toString());
        assertEquals(ShoalCli.EXIT_FAILURE, missing.code());
        assertEquals(1, missing.err().lines().count(), missing.err());
        assertTrue(missing.err().contains("does not exist"), missing.err());

        Files.writeString(dir.resolve("readme.txt"), "not a queue");
        final CliRun foreign = run("journal", "stats", dir.toString());
        assertEquals(ShoalCli.EXIT_FAILURE, foreign.code());
        assertEquals(1, foreign.err().lines().count(), foreign.err());
        assertTrue(foreign.err().contains("not a Chronicle Queue") && foreign.err().contains("readme.txt"),
            foreign.err());
        assertEquals(List.of(dir.resolve("readme.txt")), Files.list(dir).toList(), "nothing written");
    }

    @Test
    void shouldNameTheJournalAndTheIndexOfADamagedRecord() throws IOException
    {
        final Path journalDir = journalWithEveryKindOfRecord();
        final Path cycle = onlyCycleFile(journalDir);
        final byte[] bytes = Files.readAllBytes(cycle);
        // The key's compact field: its length (7) then "key-250". A length of 127 runs past the record's end.
        final byte[] field = "\u0007key-250".getBytes(StandardCharsets.ISO_8859_1);
        final int at = indexOf(bytes, field);
        assertTrue(at >= 0 && indexOf(bytes, field, at + 1) < 0, "the key's field found once");
        bytes[at] = 127;
        Files.write(cycle, bytes);

        final CliRun stats = run("journal", "stats", journalDir.toString());
        assertEquals(ShoalCli.EXIT_FAILURE, stats.code(), stats.out());
        assertEquals(1, stats.err().lines().count(), stats.err());
        final String named = "journal " + journalDir.toAbsolutePath().normalize() + " is damaged at index 0x";
        assertTrue(stats.err().contains(named), stats.err());
        assertTrue(stats.err().contains("key"), "names the field: " + stats.err());

        final CliRun tail = run("journal", "tail", journalDir.toString());
        assertEquals(ShoalCli.EXIT_FAILURE, tail.code());
        assertEquals(2 * 250, tail.out().lines().count(), "every record before the damaged one printed");
        assertTrue(tail.err().contains("is damaged at index 0x"), tail.err());
    }

    @Test
    void shouldWarnOfAnEmptyCycleFileInsteadOfCountingItsRecordsAsNone() throws IOException
    {
        final Path journalDir = journalWithEveryKindOfRecord();
        final Path cycle = onlyCycleFile(journalDir);
        Files.write(cycle, new byte[0]);

        final CliRun stats = run("journal", "stats", journalDir.toString());
        assertEquals(0, stats.code(), stats.err());
        assertTrue(stats.out().contains("results 0 "), stats.out());
        assertTrue(stats.err().contains("warning: cycle file " + cycle.toAbsolutePath().normalize() +
            " is empty (0 bytes)"), stats.err());
        final CliRun tail = run("journal", "tail", journalDir.toString(), "--json");
        assertEquals(0, tail.code(), tail.err());
        assertEquals("", tail.out());
        assertTrue(tail.err().contains("is empty (0 bytes)"), tail.err());
    }

    /**
     * The reviewer's case: a pool appended to a journal whose cycle file was cut short, printed "journaled" and
     * "verified" and exited 0, and none of what it journaled could be read. It now fails before any job runs, with
     * one line naming the journal, the damage and what to do, and leaves the journal as it was.
     */
    @Test
    void shouldRefuseToRunAPoolOnAJournalCutShort() throws IOException
    {
        final Path journalDir = journalWithEveryKindOfRecord();
        final Path cycle = onlyCycleFile(journalDir);
        final int at = indexOf(Files.readAllBytes(cycle), "key-250".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(at > 0, "the key is in the cycle file");
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(cycle,
            java.nio.file.StandardOpenOption.WRITE))
        {
            file.truncate(at); // as truncate -s: half the records gone
        }
        final String before = run("journal", "stats", journalDir.toString()).err();
        assertTrue(before.contains("is damaged at index 0x"), before);

        // In a thread of its own: before the fix, under the tests' -ea, Chronicle's appender failed an assertion
        // writing past the cut, which ended the pool's collector thread, and the pool waited for its jobs forever.
        final CliRun pool = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
            () -> run("demo", "pool", "--jobs", "100", "--journal", journalDir.toString(), "--json"));
        assertEquals(ShoalCli.EXIT_FAILURE, pool.code(), pool.out());
        assertEquals("", pool.out(), "no job ran");
        assertEquals(1, pool.err().lines().count(), pool.err());
        assertTrue(pool.err().contains("journal " + journalDir.toAbsolutePath().normalize() + " is damaged: cycle " +
            "file " + cycle.getFileName()) && pool.err().contains("move the journal aside"), pool.err());
        assertEquals(before, run("journal", "stats", journalDir.toString()).err(), "the journal as it was");
    }

    /**
     * A journal this process cannot write is read quietly: Chronicle failed to open its metadata file for writing,
     * logged a warning with a 30-line stack trace on stderr (outside the command's own output) and only then read it.
     * Made immutable with chattr +i, which stops root too (the tests run as root, whom permissions do not stop).
     */
    @Test
    void shouldReadAJournalThisProcessCannotWriteWithoutAWarning() throws Exception
    {
        final Path journalDir = journalWithEveryKindOfRecord();
        final List<Path> locked;
        try (var files = Files.list(journalDir))
        {
            locked = new java.util.ArrayList<>(files.toList());
        }
        locked.add(journalDir);
        chattr("+i", locked);
        try
        {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(journalDir), "chattr +i took no effect");
            final java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
            final java.io.PrintStream stderr = System.err;
            final CliRun stats;
            final CliRun tail;
            System.setErr(new java.io.PrintStream(logged, true, StandardCharsets.UTF_8));
            try
            {
                stats = run("journal", "stats", journalDir.toString(), "--json");
                tail = run("journal", "tail", journalDir.toString());
            }
            finally
            {
                System.setErr(stderr);
            }
            assertEquals("", logged.toString(StandardCharsets.UTF_8), "nothing logged on stderr");
            assertEquals(0, stats.code(), stats.err());
            assertEquals("", stats.err());
            assertEquals((long)RESULTS, Json.parseObject(stats.out().strip()).get("results"));
            assertEquals(0, tail.code(), tail.err());
            assertEquals("", tail.err());
            assertEquals(2 * RESULTS, tail.out().lines().count());
        }
        finally
        {
            chattr("-i", locked);
        }
    }

    /**
     * A journal with one file this process cannot write: Chronicle fell back to reading it only (after a warning
     * with a stack trace), so the pool ran, journaled nothing and said "journaled 0" with exit 0. Now the open for
     * append is refused before any job runs, naming the file.
     */
    @Test
    void shouldRefuseToAppendToAJournalWithAFileItCannotWrite() throws Exception
    {
        final Path journalDir = journalWithEveryKindOfRecord();
        final Path metadata = journalDir.resolve("metadata.cq4t").toAbsolutePath().normalize();
        chattr("+i", List.of(metadata));
        try
        {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(metadata), "chattr +i took no effect");
            final CliRun pool = assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> run("demo", "pool", "--jobs", "100", "--journal", journalDir.toString()));
            assertEquals(ShoalCli.EXIT_FAILURE, pool.code(), pool.out());
            assertEquals("", pool.out(), "no job ran");
            assertEquals("shoal demo pool: no permission to write journal file " + metadata + " (appending needs " +
                "every file of the journal writable; reading does not)", pool.err().strip());
        }
        finally
        {
            chattr("-i", List.of(metadata));
        }
    }

    /** Runs chattr on the paths; skips the test where it cannot (no chattr, or a file system without the flag). */
    private static void chattr(final String flag, final List<Path> paths) throws IOException, InterruptedException
    {
        final List<String> command = new java.util.ArrayList<>(List.of("chattr", flag));
        paths.forEach(p -> command.add(p.toString()));
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no chattr here: " + ex);
            return;
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assumptions.assumeTrue(process.waitFor() == 0, "chattr " + flag + ": " + output);
    }

    private static Path onlyCycleFile(final Path journalDir) throws IOException
    {
        try (var files = Files.list(journalDir))
        {
            final List<Path> cycles = files.filter(p -> p.getFileName().toString().endsWith(".cq4")).toList();
            assertEquals(1, cycles.size(), "one cycle file: " + cycles);
            return cycles.get(0);
        }
    }

    private static int indexOf(final byte[] bytes, final byte[] part)
    {
        return indexOf(bytes, part, 0);
    }

    private static int indexOf(final byte[] bytes, final byte[] part, final int from)
    {
        for (int i = from; i + part.length <= bytes.length; i++)
        {
            if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length))
            {
                return i;
            }
        }
        return -1;
    }
}
