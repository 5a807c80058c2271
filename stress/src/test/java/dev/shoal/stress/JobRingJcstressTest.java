package dev.shoal.stress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.shoal.core.RegionLocation;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs every jcstress test of this module in a short mode, in a child JVM started from this class path, and fails
 * on any FORBIDDEN outcome seen, any test that failed or errored, or any test that did not run.
 *
 * <p>Short mode: {@code -m quick -iters 1 -time 200 -f 1 -sc false} and {@code -jvmArgs} (one VM configuration,
 * with and without biased locking, instead of jcstress's full set). About 45 s on two cores, of which jcstress's
 * own VM probing is some 17 s. The full run is {@code java -jar stress/target/jcstress.jar -m stress}
 * ({@code docs/stress.md}). The console log and HTML report stay in {@code target/jcstress-junit}.
 *
 * <p>Tagged soak: it runs in {@code mvn -Psoak verify}, which CI runs on every change, not in the default
 * {@code mvn verify}, which must stay near 6 minutes on two cores.
 */
@Tag("soak")
class JobRingJcstressTest
{
    private static final long RUN_SECONDS = 150;
    private static final List<String> TESTS = List.of(
        "AbandonRaceStress", "EmptyBoundaryStress", "ExactlyOnceStress", "FifoStress", "FullBoundaryStress",
        "LastSlotStress");
    /** Four actors: jcstress cannot schedule it with fewer CPUs and says so instead of running it. */
    private static final String FOUR_ACTORS = "ExactlyOnceFourActorsStress";
    private static final Pattern TEST_LINE = Pattern.compile("^\\.+ \\[(\\w+)] dev\\.shoal\\.stress\\.(\\w+)");
    private static final Pattern ROW = Pattern.compile(
        "^\\s*(.+?)\\s+([\\d,]+)\\s+([\\d.]+%)\\s+(Acceptable|Forbidden|Interesting|Unknown)\\s+(.*)$");

    private final Path work = Path.of("target", "jcstress-junit");
    private Path regions;
    private Process jcstress;

    @BeforeEach
    void createFolders() throws IOException
    {
        deleteRecursively(work);
        Files.createDirectories(work);
        // Region files on tmpfs: creating one forces it to its file, which on a disk would be a real flush.
        final Path parent = RegionLocation.defaultDirectory();
        Files.createDirectories(parent);
        regions = Files.createTempDirectory(parent, "stress-junit-");
    }

    @AfterEach
    void cleanUp() throws IOException, InterruptedException
    {
        if (jcstress != null && jcstress.isAlive())
        {
            jcstress.descendants().forEach(ProcessHandle::destroyForcibly); // the forked VMs this run started
            jcstress.destroyForcibly();
            jcstress.waitFor(10, TimeUnit.SECONDS);
        }
        deleteRecursively(regions);
    }

    @Test
    @Timeout(value = RUN_SECONDS + 30, unit = TimeUnit.SECONDS)
    void shouldSeeNoForbiddenOutcome() throws IOException, InterruptedException
    {
        final Path log = work.resolve("jcstress.out");
        final String flag = StressMain.CORE_FLAGS;
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(flag.split(" ")));
        command.addAll(List.of(
            "-cp", System.getProperty("java.class.path"),
            StressMain.class.getName(),
            "-m", "quick", "-iters", "1", "-time", "200", "-f", "1", "-sc", "false", "-v",
            "-t", "dev\\.shoal\\.stress\\..*",
            "-r", "results",
            "-jvmArgs", flag + " -D" + StressRing.DIRECTORY_PROPERTY + "=" + regions.toAbsolutePath()));
        final long start = System.nanoTime();
        jcstress = new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        final boolean finished = jcstress.waitFor(RUN_SECONDS, TimeUnit.SECONDS);
        final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertTrue(finished, "jcstress still running after " + RUN_SECONDS + " s; log: " + log.toAbsolutePath());

        final Summary summary = Summary.parse(lines);
        System.out.println("jcstress finished in " + seconds + " s (exit " + jcstress.exitValue() + "):");
        summary.report.forEach(System.out::println);

        assertTrue(summary.sawRunResults, "no RUN RESULTS section; log: " + log.toAbsolutePath());
        assertEquals(List.of(), summary.forbidden, "FORBIDDEN outcomes seen");
        assertEquals(List.of(), summary.notOk, "tests that failed or errored");
        assertEquals(0, jcstress.exitValue(), "jcstress exit code; log: " + log.toAbsolutePath());
        final List<String> expected = new ArrayList<>(TESTS);
        if (Runtime.getRuntime().availableProcessors() >= 4)
        {
            expected.add(FOUR_ACTORS);
        }
        for (final String test : expected)
        {
            assertTrue(summary.passed.contains(test), test + " did not run; log: " + log.toAbsolutePath());
        }
    }

    /**
     * What the {@code RUN RESULTS} section of a verbose jcstress log says: per test its status and, across all
     * configurations, each outcome with its count and expectation.
     */
    private static final class Summary
    {
        private final List<String> passed = new ArrayList<>();
        private final List<String> notOk = new ArrayList<>();
        private final List<String> forbidden = new ArrayList<>();
        private final List<String> report = new ArrayList<>();
        private boolean sawRunResults;

        static Summary parse(final List<String> lines)
        {
            final Summary summary = new Summary();
            String test = null;
            for (final String line : lines)
            {
                if (line.startsWith("RUN RESULTS:"))
                {
                    summary.sawRunResults = true;
                    continue;
                }
                if (!summary.sawRunResults)
                {
                    continue;
                }
                if (line.contains("Failed tests:") || line.contains("Error tests:"))
                {
                    if (!line.contains("No matches."))
                    {
                        summary.notOk.add(line.trim());
                    }
                    continue;
                }
                final Matcher header = TEST_LINE.matcher(line);
                if (header.find())
                {
                    test = header.group(2);
                    summary.report.add("  " + test + " [" + header.group(1) + "]");
                    (header.group(1).equals("OK") ? summary.passed : summary.notOk).add(test);
                    continue;
                }
                final Matcher row = ROW.matcher(line);
                if (test != null && row.matches() && !row.group(1).trim().equals("RESULT"))
                {
                    final long samples = Long.parseLong(row.group(2).replace(",", ""));
                    summary.report.add(String.format("    %-12s %12d  %-10s %s",
                        row.group(1).trim(), samples, row.group(4), row.group(5)));
                    if (samples > 0 && row.group(4).equals("Forbidden"))
                    {
                        summary.forbidden.add(test + ": " + row.group(1).trim() + " x" + samples);
                    }
                }
            }
            return summary;
        }
    }

    private static void deleteRecursively(final Path root) throws IOException
    {
        if (root == null || !Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
