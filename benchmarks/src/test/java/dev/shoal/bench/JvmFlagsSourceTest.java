package dev.shoal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.shoal.bench.jmh.JmhForks;
import dev.shoal.process.JvmFlags;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every copy of the JVM flags against their one source, config/jvm/*.args (see docs/architecture.md): what the
 * pool passes its workers, the jar manifests, the JMH forks' constants and the flag blocks in the docs. Runs in
 * the benchmarks module, the one whose class path holds every other module.
 */
final class JvmFlagsSourceTest
{
    private static final Pattern MARKED_BLOCK = Pattern.compile(
        "<!-- flags: (config/jvm/[\\w.-]+) -->\\s*\\n\\s*```\\s*\\n(.*?)\\n\\s*```", Pattern.DOTALL);
    private static final Pattern FLAG_IN_DOCS = Pattern.compile("--add-(?:exports|opens)[ =]([\\w./-]+=ALL-UNNAMED)");

    private static Path root;

    @BeforeAll
    static void findRoot()
    {
        root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isDirectory(root.resolve("config/jvm")),
            "no config/jvm above " + Path.of("").toAbsolutePath());
    }

    private static List<String> args(final String file) throws IOException
    {
        return JvmFlags.parse(Files.readString(root.resolve("config/jvm").resolve(file)));
    }

    @Test
    void workersGetTheFilesOfTheModulesOnTheClassPath() throws IOException
    {
        final List<String> expected = new ArrayList<>(args("core.args"));
        expected.addAll(args("journal.args"));
        if (Runtime.version().feature() >= 24)
        {
            expected.addAll(args("journal-jdk24.args"));
        }
        assertEquals(expected, JvmFlags.required());
        assertEquals(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"), args("core.args"),
            "a user of shoal-core needs Agrona's one flag, nothing more");
    }

    @Test
    void jmhForksSpellOutCoreArgs() throws IOException
    {
        assertEquals(args("core.args"), List.of(JmhForks.ADD_EXPORTS, JmhForks.AGRONA_EXPORT));
    }

    @Test
    void manifestsCarryTheExportsAndOpensOfTheFiles() throws IOException
    {
        final List<String> all = new ArrayList<>(args("core.args"));
        all.addAll(args("journal.args"));
        final String parent = Files.readString(root.resolve("pom.xml"));
        assertEquals(targets(all, "--add-exports"), property(parent, "shoal.manifest.exports"));
        assertEquals(targets(all, "--add-opens"), property(parent, "shoal.manifest.opens"));
        final String stress = Files.readString(root.resolve("stress/pom.xml"));
        assertEquals(targets(args("core.args"), "--add-exports"), property(stress, "shoal.manifest.exports"));
        assertEquals(List.of(), property(stress, "shoal.manifest.opens"));
        for (final String module : List.of("cli", "benchmarks", "stress"))
        {
            final String pom = Files.readString(root.resolve(module).resolve("pom.xml"));
            assertFalse(pom.contains("<Add-Exports>") || pom.contains("<transformers>"),
                module + "/pom.xml configures the shade plugin itself; it is configured once, in the parent");
        }
    }

    /** The manifest form of an option's values: "module/package" separated by spaces. */
    private static List<String> targets(final List<String> args, final String option)
    {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < args.size(); i++)
        {
            if (args.get(i).equals(option))
            {
                out.add(args.get(i + 1).replace("=ALL-UNNAMED", ""));
            }
        }
        return out;
    }

    private static List<String> property(final String pom, final String name)
    {
        final Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</").matcher(pom);
        assertTrue(m.find(), name + " missing");
        final String value = m.group(1).trim();
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }

    @Test
    void docsShowTheFilesAsTheyAre() throws IOException
    {
        for (final String doc : List.of("README.md", "docs/guide.md"))
        {
            final String text = Files.readString(root.resolve(doc));
            final Matcher m = MARKED_BLOCK.matcher(text);
            final List<String> shown = new ArrayList<>();
            while (m.find())
            {
                shown.add(m.group(1));
                assertEquals(JvmFlags.parse(Files.readString(root.resolve(m.group(1)))), JvmFlags.parse(m.group(2)),
                    doc + ": the block marked " + m.group(1));
            }
            assertEquals(List.of("config/jvm/core.args", "config/jvm/journal.args"), shown, doc);
        }
    }

    @Test
    void docsNameNoFlagTheFilesDoNotHave() throws IOException
    {
        final List<String> all = new ArrayList<>(args("core.args"));
        all.addAll(args("journal.args"));
        final List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md"),
            root.resolve("benchmarks/README.md")));
        try (Stream<Path> files = Files.list(root.resolve("docs")))
        {
            files.filter(f -> f.toString().endsWith(".md")).forEach(docs::add);
        }
        final List<String> stale = new ArrayList<>();
        for (final Path doc : docs)
        {
            final Matcher m = FLAG_IN_DOCS.matcher(Files.readString(doc));
            while (m.find())
            {
                if (!all.contains(m.group(1)))
                {
                    stale.add(root.relativize(doc) + ": " + m.group());
                }
            }
        }
        assertEquals(List.of(), stale);
    }
}
