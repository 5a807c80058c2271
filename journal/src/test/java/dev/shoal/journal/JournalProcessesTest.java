package dev.shoal.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.shoal.process.JavaProcess;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The journal across real JVMs: concurrent appenders, and no network traffic.
 */
@Timeout(90)
class JournalProcessesTest
{
    private static final int WRITERS = 3;
    private static final int PER_WRITER = 20_000;

    @TempDir
    Path dir;

    private ChildJvms children;
    private final List<Process> own = new ArrayList<>();

    @BeforeEach
    void setUp()
    {
        children = new ChildJvms(dir);
    }

    @AfterEach
    void killChildren()
    {
        children.close();
        for (final Process p : own)
        {
            p.destroyForcibly();
            try
            {
                p.waitFor(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void shouldKeepEveryEntryExactlyOnceWhenSeveralJvmsAppendAtOnce()
    {
        final Path journalDir = dir.resolve("journal");
        final List<Process> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++)
        {
            writers.add(children.start(JournalAppendChild.class, journalDir.toString(), String.valueOf(w),
                String.valueOf(PER_WRITER)));
        }
        for (final Process p : writers)
        {
            children.awaitSuccess(p, Duration.ofSeconds(60));
        }
        final Set<String> keys = new HashSet<>();
        final int[] nextPerWriter = new int[WRITERS];
        int logs = 0;
        try (JournalTailer tailer = JournalTailer.open(journalDir))
        {
            for (JournalEntry e = tailer.next(); e != null; e = tailer.next())
            {
                if (e.record() instanceof ResultRecord r)
                {
                    final ByteBuffer body = ByteBuffer.wrap(r.body());
                    final int writer = body.getInt();
                    final int i = body.getInt();
                    assertEquals("w" + writer + "-" + i, r.key(), "body matches key");
                    assertTrue(keys.add(r.key()), "duplicate " + r.key());
                    assertEquals(nextPerWriter[writer]++, i, "each writer's records in its order");
                }
                else
                {
                    logs++;
                }
            }
        }
        assertEquals(WRITERS * PER_WRITER, keys.size());
        assertEquals(WRITERS * (PER_WRITER / 10), logs);
        for (final Process p : writers)
        {
            System.out.println("writer: " + children.output(p).strip());
        }
    }

    @Test
    void shouldNeverTryToReachTheNetwork() throws IOException
    {
        // Control: Chronicle used directly with analytics on does try, and the trap catches it.
        final Path rawHome = Files.createDirectories(dir.resolve("home-raw"));
        final String raw = runTrap("raw", rawHome);
        assertTrue(raw.contains("NET ") && !raw.contains("DONE attempts=0"), "the trap must catch Chronicle's " +
            "analytics when enabled:\n" + raw);
        assertTrue(analyticsFiles(rawHome).size() > 0, "Chronicle marks its analytics in user.home:\n" + raw);

        // Shoal's journal, even with analytics explicitly enabled on the command line: no attempt at all.
        final Path journalHome = Files.createDirectories(dir.resolve("home-journal"));
        final String journal = runTrap("journal", journalHome);
        assertTrue(journal.contains("read=1 completed=1") && journal.contains("reread=1"), journal);
        assertTrue(journal.contains("analytics.disable=true"), journal);
        assertTrue(journal.contains("DONE attempts=0") && !journal.contains("NET "), journal);
        assertEquals(List.of(), analyticsFiles(journalHome), journal);
    }

    /**
     * Runs {@link NetworkTrapChild} without JUnit on its class path (Chronicle mutes its analytics when it sees
     * JUnit, which would make the proof vacuous) and with its own user.home.
     */
    private String runTrap(final String mode, final Path home) throws IOException
    {
        final String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> !e.contains("junit") && !e.contains("opentest4j") && !e.contains("apiguardian"))
            .collect(Collectors.joining(File.pathSeparator));
        final Path out = dir.resolve("trap-" + mode + ".log");
        final Process p = JavaProcess.of(NetworkTrapChild.class).classPath(classPath).jvmOption("-Xmx128m")
            .jvmOption("-Duser.home=" + home).jvmOption("-Dchronicle.analytics.disable=false")
            .args(mode, dir.resolve("queue-" + mode).toString()).output(out, out).start();
        own.add(p);
        try
        {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "trap child " + mode + " did not finish");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
        final String output = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    private static List<String> analyticsFiles(final Path home) throws IOException
    {
        try (Stream<Path> files = Files.list(home))
        {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.contains("chronicle.analytics")).toList();
        }
    }
}
