package dev.shoal.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.shoal.pool.TestHandlers;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A keyed batch run whose parent JVM is SIGKILLed mid-run, then resumed: the output equals an uninterrupted
 * run's, and only the jobs missing from the journal run again.
 */
@Timeout(120)
class JournalResumeTest
{
    private static final int JOBS = 3_000;
    /**
     * Per job: the first run takes about 3 s on 2 workers, so the 2 s left after a third is journaled outlast a
     * check of the journal (a Chronicle queue opened and read) on a loaded machine; at 500 us it was 0.5 s.
     */
    private static final long WORK_MICROS = 2_000;

    @TempDir
    Path dir;

    private ChildJvms children;

    @BeforeEach
    void setUp()
    {
        children = new ChildJvms(dir);
    }

    @AfterEach
    void killChildren()
    {
        children.close();
    }

    @Test
    void shouldFinishOnlyTheMissingJobsAfterTheParentIsKilled() throws IOException
    {
        final Path journalDir = dir.resolve("journal");
        final Path firstOut = dir.resolve("first.txt");
        final Process first = children.start(KeyedBatchChild.class, journalDir.toString(),
            dir.resolve("region-1").toString(), firstOut.toString(), String.valueOf(JOBS), String.valueOf(WORK_MICROS),
            "true");
        ChildJvms.awaitCondition("a third of the results journaled", Duration.ofSeconds(60),
            () -> okKeys(journalDir) >= JOBS / 3);
        children.kill(first); // SIGKILL of the pool's parent, mid-run
        assertFalse(Files.exists(firstOut), "the killed run must not have finished:\n" + children.output(first));

        final Map<String, Integer> before = okKeyCounts(journalDir);
        assertTrue(before.size() < JOBS, "killed before the end: " + before.size());
        final Path secondOut = dir.resolve("second.txt");
        final Process second = children.start(KeyedBatchChild.class, journalDir.toString(),
            dir.resolve("region-2").toString(), secondOut.toString(), String.valueOf(JOBS), String.valueOf(WORK_MICROS),
            "true");
        children.awaitSuccess(second, Duration.ofSeconds(90));

        assertEquals(reference(), Files.readString(secondOut, StandardCharsets.UTF_8), "equals an uninterrupted run");
        final int missing = JOBS - before.size();
        assertTrue(children.output(second).contains("journaled=" + missing + " resumed=" + before.size()),
            "ran only the " + missing + " missing jobs:\n" + children.output(second));
        final Map<String, Integer> after = okKeyCounts(journalDir);
        assertEquals(JOBS, after.size());
        after.forEach((key, n) -> assertEquals(1, n, "key " + key + " completed once"));
    }

    private static String reference()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < JOBS; i++)
        {
            sb.append(KeyedBatchChild.line(i, TestHandlers.mix(i)));
        }
        return sb.toString();
    }

    private static int okKeys(final Path journalDir)
    {
        if (!Files.exists(journalDir.resolve(JournalDirectory.METADATA_FILE)))
        {
            return 0;
        }
        return okKeyCounts(journalDir).size();
    }

    private static Map<String, Integer> okKeyCounts(final Path journalDir)
    {
        final Map<String, Integer> counts = new HashMap<>();
        try (JournalTailer tailer = JournalTailer.open(journalDir))
        {
            for (JournalEntry e = tailer.next(); e != null; e = tailer.next())
            {
                if (e.record() instanceof ResultRecord r && r.status() == JournalStatus.OK)
                {
                    counts.merge(r.key(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }
}
