package dev.shoal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The rules of docs/architecture.md, read from the sources of every module: what each module's main code may
 * import, which module's packages it may reach, no package in two modules, no package cycle, and what each
 * library module's pom brings to a user. Runs in the CLI module (the top library module) and reads its siblings.
 */
final class ModuleRulesTest
{
    /** Modules in build order, each with the modules its main code may use. */
    private static final Map<String, List<String>> MAY_USE = Map.of(
        "core", List.of(),
        "pool", List.of("core"),
        "journal", List.of("pool", "core"),
        "remote", List.of("pool", "core"),
        "cli", List.of("remote", "journal", "pool", "core"),
        "examples", List.of("remote", "journal", "pool", "core"),
        "benchmarks", List.of("cli", "remote", "journal", "pool", "core"),
        "stress", List.of("core"));

    /** Outside packages each library module's main code may import (besides java.* and Shoal's own). */
    private static final Map<String, List<String>> THIRD_PARTY = Map.of(
        "core", List.of("org.agrona."),
        "pool", List.of("org.agrona.", "jdk.incubator.vector."), // the JDK's own, for the JDK 25 split only
        "journal", List.of("org.agrona.", "net.openhft.", "com.sun.jna."),
        "remote", List.of("org.agrona.", "io.aeron."),
        "cli", List.of("org.agrona.", "net.openhft.", "picocli.", "com.fasterxml.jackson."));

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?;",
        Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(dev\\.shoal(?:\\.[a-z]\\w*)+)\\.[A-Z]");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    private static Path root;
    /** Per module: source file to its package and the names it refers to. */
    private static final Map<String, List<Source>> SOURCES = new TreeMap<>();

    private record Source(Path file, String pkg, List<String> refs)
    {
    }

    @BeforeAll
    static void readSources() throws IOException
    {
        root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.readString(root.resolve("pom.xml")).contains("<module>cli</module>"),
            "expected the project root above " + Path.of("").toAbsolutePath());
        for (final String module : MAY_USE.keySet())
        {
            final Path dir = root.resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(dir), dir + " is missing");
            final List<Source> sources = new ArrayList<>();
            // src/main/java25: main code too, compiled by a JDK 25 where one is at hand (pool's vector split).
            for (final Path tree : List.of(dir, root.resolve(module).resolve("src/main/java25")))
            {
                if (!Files.isDirectory(tree))
                {
                    continue;
                }
                try (Stream<Path> files = Files.walk(tree))
                {
                    for (final Path file : files.filter(f -> f.toString().endsWith(".java")).toList())
                    {
                        sources.add(read(file));
                    }
                }
            }
            SOURCES.put(module, sources);
        }
    }

    private static Source read(final Path file) throws IOException
    {
        final String text = Files.readString(file);
        final String code = COMMENT.matcher(text).replaceAll(" ");
        final Matcher pkg = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE).matcher(code);
        final String name = pkg.find() ? pkg.group(1) : "";
        final List<String> refs = new ArrayList<>();
        final Matcher imports = IMPORT.matcher(code);
        while (imports.find())
        {
            refs.add(packageOf(imports.group(1)));
        }
        final Matcher qualified = QUALIFIED.matcher(code.replaceAll("(?m)^(import|package) .*$", ""));
        while (qualified.find())
        {
            refs.add(qualified.group(1));
        }
        return new Source(file, name, refs);
    }

    /** The package part of an imported name: the segments before the first capitalised one. */
    private static String packageOf(final String name)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String part : name.split("\\."))
        {
            if (!part.isEmpty() && Character.isUpperCase(part.charAt(0)))
            {
                break;
            }
            sb.append(sb.length() == 0 ? "" : ".").append(part);
        }
        return sb.toString();
    }

    private static Map<String, String> owners()
    {
        final Map<String, String> owner = new HashMap<>();
        final List<String> split = new ArrayList<>();
        SOURCES.forEach((module, sources) -> sources.forEach(s ->
        {
            final String before = owner.putIfAbsent(s.pkg(), module);
            if (before != null && !before.equals(module))
            {
                split.add(s.pkg() + " in " + before + " and " + module);
            }
        }));
        assertEquals(List.of(), split, "a package lives in two modules");
        return owner;
    }

    @Test
    void eachModuleUsesOnlyTheModulesBelowIt()
    {
        final Map<String, String> owner = owners();
        final List<String> wrong = new ArrayList<>();
        SOURCES.forEach((module, sources) ->
        {
            for (final Source s : sources)
            {
                for (final String ref : s.refs())
                {
                    final String target = owner.get(ref);
                    if (ref.startsWith("dev.shoal.") && target == null)
                    {
                        wrong.add(root.relativize(s.file()) + " refers to " + ref + ", which no module holds");
                    }
                    else if (target != null && !target.equals(module) && !MAY_USE.get(module).contains(target))
                    {
                        wrong.add(root.relativize(s.file()) + " (" + module + ") uses " + ref + " (" + target + ")");
                    }
                }
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void libraryModulesImportOnlyTheirOwnThirdParties()
    {
        final List<String> wrong = new ArrayList<>();
        THIRD_PARTY.forEach((module, allowed) ->
        {
            for (final Source s : SOURCES.get(module))
            {
                for (final String ref : s.refs())
                {
                    final String dotted = ref + ".";
                    if (!dotted.startsWith("java.") && !dotted.startsWith("dev.shoal.") &&
                        allowed.stream().noneMatch(dotted::startsWith))
                    {
                        wrong.add(root.relativize(s.file()) + " (" + module + ") imports " + ref);
                    }
                }
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void noPackageCycles()
    {
        final Map<String, Set<String>> edges = new TreeMap<>();
        SOURCES.values().forEach(sources -> sources.forEach(s ->
        {
            final Set<String> out = edges.computeIfAbsent(s.pkg(), k -> new TreeSet<>());
            s.refs().stream().filter(r -> r.startsWith("dev.shoal.") && !r.equals(s.pkg())).forEach(out::add);
        }));
        final List<Set<String>> cycles = new ArrayList<>();
        for (final String start : edges.keySet())
        {
            // Packages that reach start and that start reaches form its cycle (small graph: two searches each).
            final Set<String> forward = reach(start, edges);
            final Set<String> cycle = new TreeSet<>();
            for (final String other : forward)
            {
                if (reach(other, edges).contains(start))
                {
                    cycle.add(other);
                }
            }
            if (!cycle.isEmpty() && !cycles.contains(cycle))
            {
                cycles.add(cycle);
            }
        }
        assertEquals(List.of(), cycles, "packages that depend on each other");
    }

    private static Set<String> reach(final String from, final Map<String, Set<String>> edges)
    {
        final Set<String> seen = new TreeSet<>();
        final Deque<String> todo = new ArrayDeque<>(edges.getOrDefault(from, Set.of()));
        while (!todo.isEmpty())
        {
            final String next = todo.pop();
            if (seen.add(next))
            {
                todo.addAll(edges.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    @Test
    void libraryPomsBringOnlyWhatTheirUsersNeed() throws IOException
    {
        assertEquals(List.of("org.agrona:agrona"), runtimeDependencies("core"));
        assertEquals(List.of("dev.shoal:shoal-core"), runtimeDependencies("pool"));
        assertEquals(List.of("dev.shoal:shoal-pool", "net.java.dev.jna:jna", "net.openhft:chronicle-queue"),
            runtimeDependencies("journal"));
        assertEquals(List.of("dev.shoal:shoal-pool", "io.aeron:aeron-client", "io.aeron:aeron-driver"),
            runtimeDependencies("remote"));
        assertTrue(runtimeDependencies("cli").contains("org.slf4j:slf4j-simple"),
            "the logging binding belongs to the CLI alone");
    }

    /** The dependencies a user of the module gets (neither test nor provided scope), as group:artifact. */
    private static List<String> runtimeDependencies(final String module) throws IOException
    {
        final String pom = Files.readString(root.resolve(module).resolve("pom.xml"));
        final String deps = pom.substring(pom.indexOf("<dependencies>"), pom.indexOf("</dependencies>"));
        final Matcher m = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(deps);
        final List<String> out = new ArrayList<>();
        while (m.find())
        {
            final String d = m.group(1);
            if (!d.contains("<scope>test</scope>") && !d.contains("<scope>provided</scope>"))
            {
                out.add(tag(d, "groupId") + ":" + tag(d, "artifactId"));
            }
        }
        return out.stream().sorted().toList();
    }

    private static String tag(final String xml, final String name)
    {
        final Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        return m.find() ? m.group(1).trim() : "";
    }
}
