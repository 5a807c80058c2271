package dev.shoal.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.shoal.chunks.CsvGenerator;
import dev.shoal.core.RegionLocation;
import dev.shoal.examples.recipes.Etl;
import dev.shoal.examples.recipes.Longest;
import dev.shoal.examples.recipes.Squares;
import dev.shoal.process.JavaProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The examples whose output a doc shows ({@code <!-- output: FILE -->} right before a plain ``` block) are run
 * as a user runs them, and must print that block. Each runs in child JVMs started by {@link JavaProcess} (the
 * flags of config/jvm, this class path), with {@code -Dshoal.dir} and {@code java.io.tmpdir} pointing into a
 * fresh folder: the regions of a run cannot meet those of anyone else running at the same time, and are
 * deleted with the folder. Standard output is compared; standard error (progress, worker logs) is not.
 *
 * <p>What the comparison normalises, and nothing else (none of the outputs holds a timing or a pid):
 * <ul>
 *   <li>lines of the doc block starting with {@code $ } are the commands that were typed, not output, and a
 *       {@code #} comment at the end of a doc line (after two spaces) is not output either;</li>
 *   <li>recipe 4 ({@code Squares}): its first three lines come from a callback and from {@code mapUnordered},
 *       in an order no one controls (the doc says so): they are compared as a set, the rest in order;</li>
 *   <li>recipe 2 ({@code Longest}): its first line is empty (the newline that ends the progress line it writes
 *       on standard error); the doc shows the terminal, where that line is the progress line, so it is dropped.</li>
 * </ul>
 */
class ExampleOutputTest
{
    private static final Pattern MARKER = Pattern.compile("^\\s*<!-- output: (\\S+\\.java) -->\\s*$");
    private static final String PACKAGE_DIR = "examples/src/main/java/";
    private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private Path regions;
    private final List<Child> children = new ArrayList<>();

    private record Child(String name, Process process, Path out, Path err)
    {
    }

    private record Documented(String where, List<String> lines)
    {
    }

    @BeforeEach
    void folders() throws IOException
    {
        regions = Files.createDirectories(dir.resolve("regions"));
        Files.createDirectories(dir.resolve("tmp"));
    }

    @AfterEach
    void reapChildren() throws InterruptedException
    {
        for (final Child child : children)
        {
            child.process.destroyForcibly();
        }
        for (final Child child : children)
        {
            assertTrue(child.process.waitFor(30, TimeUnit.SECONDS), child.name + " not reaped");
        }
    }

    @Test
    void everyOutputBlockIsCheckedByATestHere() throws IOException
    {
        final Set<String> marked = new TreeSet<>();
        for (final Path doc : DocSnippetsTest.docs())
        {
            for (final String line : Files.readAllLines(doc))
            {
                final Matcher marker = MARKER.matcher(line);
                if (marker.matches())
                {
                    marked.add(marker.group(1));
                }
            }
        }
        assertEquals(Set.of(file(Squares.class), file(Longest.class), file(Etl.class)), marked,
            "each <!-- output: FILE --> needs a test in ExampleOutputTest that runs FILE");
    }

    /** Recipe 4: a pool of 4 worker JVMs, callbacks, an unordered map, a remote failure, the pool's stats. */
    @Test
    @Timeout(120)
    void recipe4PrintsWhatRecipesMdShows() throws Exception
    {
        final Documented doc = documented(Squares.class);
        final List<String> printed = stdout(start(Squares.class), deadline());
        // The callback's line prints on the completion thread whenever 7's result comes back, so anywhere before
        // the last line (pool.join() orders it before the stats), and mapUnordered's two in either order.
        final int free = doc.lines.size() - 1;
        assertEquals(sortedFirst(free, doc.lines), sortedFirst(free, printed), doc.where + ": the output of Squares");
        assertNothingLeftIn(regions);
    }

    /** Recipe 2: the demo's 64 MiB sample CSV, read by 4 worker JVMs in 4 MiB ranges. */
    @Test
    @Timeout(120)
    void recipe2PrintsWhatRecipesMdShows() throws Exception
    {
        final Documented doc = documented(Longest.class);
        final Path sample = dir.resolve("sample.csv");
        CsvGenerator.generate(sample, 64L << 20, CsvGenerator.DEFAULT_SEED);   // as shoal demo chunks --generate 64MB

        final List<String> printed = new ArrayList<>(stdout(start(Longest.class, sample.toString()), deadline()));
        assertEquals("", printed.isEmpty() ? null : printed.remove(0), "the newline ending the progress line");
        assertEquals(doc.lines, printed, doc.where + ": the output of Longest");
        assertNothingLeftIn(regions);
    }

    /** Recipe 3: two workers, a collector and a producer, four JVMs sharing the region "etl" as the doc runs them. */
    @Test
    @Timeout(120)
    void recipe3PrintsWhatRecipesMdShows() throws Exception
    {
        final Documented doc = documented(Etl.class);
        final long deadline = deadline();
        final List<Child> workers = List.of(start(Etl.class, "work"), start(Etl.class, "work"));
        final Child collector = start(Etl.class, "collect", "5");
        final Child producer = start(Etl.class, "produce", "a", "bb", "ccc", "dddd", "eeeee");

        assertEquals(List.of(), stdout(producer, deadline), "the producer prints nothing");
        final List<String> printed = stdout(collector, deadline);
        for (final Child worker : workers)
        {
            assertEquals(List.of(), stdout(worker, deadline), "a worker prints nothing");
        }
        assertEquals(doc.lines, printed, doc.where + ": the output of Etl collect");
        try (Stream<Path> left = Files.list(regions))
        {
            assertEquals(List.of("etl"), left.map(p -> p.getFileName().toString()).toList(),
                "the region outlives the run, as the doc says (deleted with this test's folder)");
        }
    }

    private static long deadline()
    {
        return System.nanoTime() + RUN_LIMIT.toNanos();
    }

    private Child start(final Class<?> main, final String... args)
    {
        final String name = main.getSimpleName() + "-" + children.size();
        final Path out = dir.resolve(name + ".out");
        final Path err = dir.resolve(name + ".err");
        final Process process = JavaProcess.of(main)
            .jvmOption("-D" + RegionLocation.DIRECTORY_PROPERTY + "=" + regions)
            .jvmOption("-Djava.io.tmpdir=" + dir.resolve("tmp"))
            .jvmOption("-Xmx256m")
            .args(args)
            .output(out, err)
            .start();
        final Child child = new Child(name, process, out, err);
        children.add(child);
        return child;
    }

    /**
     * Waits for a child to exit 0 and returns its standard output.
     */
    private static List<String> stdout(final Child child, final long deadline) throws Exception
    {
        final long left = Math.max(0, deadline - System.nanoTime());
        if (!child.process.waitFor(left, TimeUnit.NANOSECONDS))
        {
            fail(child.name + " still running after " + RUN_LIMIT + "; stdout:\n" + read(child.out) + "stderr:\n" +
                read(child.err));
        }
        assertEquals(0, child.process.exitValue(), () -> child.name + " failed; stdout:\n" + read(child.out) +
            "stderr:\n" + read(child.err));
        return Files.readAllLines(child.out, StandardCharsets.UTF_8);
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void assertNothingLeftIn(final Path regions) throws IOException
    {
        try (Stream<Path> left = Files.list(regions))
        {
            assertEquals(List.of(), left.toList(), "the example leaves no region behind");
        }
    }

    private static List<String> sortedFirst(final int count, final List<String> lines)
    {
        final List<String> out = new ArrayList<>(lines);
        out.subList(0, Math.min(count, out.size())).sort(null);
        return out;
    }

    private static String file(final Class<?> example)
    {
        return PACKAGE_DIR + example.getName().replace('.', '/') + ".java";
    }

    /**
     * @return the output block a doc shows after {@code <!-- output: FILE -->} for this example, without its
     * command lines and comments.
     */
    private static Documented documented(final Class<?> example) throws IOException
    {
        final String file = file(example);
        for (final Path doc : DocSnippetsTest.docs())
        {
            final List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i + 1 < lines.size(); i++)
            {
                final Matcher marker = MARKER.matcher(lines.get(i));
                if (!marker.matches() || !marker.group(1).equals(file))
                {
                    continue;
                }
                final String where = DocSnippetsTest.root().relativize(doc) + ":" + (i + 2);
                assertEquals("```", lines.get(i + 1).strip(), where + ": a plain ``` block follows the output marker");
                final List<String> shown = new ArrayList<>();
                for (int j = i + 2; !lines.get(j).strip().equals("```"); j++)
                {
                    if (!lines.get(j).startsWith("$ "))
                    {
                        shown.add(lines.get(j).replaceFirst("\\s{2,}# .*$", "").stripTrailing());
                    }
                }
                return new Documented(where, shown);
            }
        }
        throw new AssertionError("no <!-- output: " + file + " --> in the docs");
    }
}
