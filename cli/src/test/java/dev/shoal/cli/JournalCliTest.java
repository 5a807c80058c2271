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
}
