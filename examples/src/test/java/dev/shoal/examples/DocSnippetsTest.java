package dev.shoal.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every ```java block of README.md and docs/*.md is a tagged region of a compiled file, not a copy that can drift:
 * the line before the block names it ({@code <!-- snippet: PATH#TAG [PATH#TAG...] -->}), and the block must equal
 * the regions between {@code // tag::TAG[]} and {@code // end::TAG[]} in those files (each region's segments and
 * each file's region joined by one blank line, each dedented, trailing spaces ignored). The files compile in this
 * module (or are product code), so changing a public signature an example uses breaks the build.
 */
class DocSnippetsTest
{
    private static final Pattern MARKER = Pattern.compile("^( *)<!-- snippet: (.*) -->\\s*$");
    private static final Pattern JAVA_FENCE = Pattern.compile("^ *```java\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ *```\\s*$");
    private static final Pattern TAG_LINE = Pattern.compile("^\\s*// (tag|end)::([\\w-]+)\\[]\\s*$");

    static Path root()
    {
        final Path root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isRegularFile(root.resolve("README.md")), "no README.md above " + Path.of("").toAbsolutePath());
        return root;
    }

    static List<Path> docs() throws IOException
    {
        final Path root = root();
        final List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> files = Files.list(root.resolve("docs")))
        {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    @Test
    void everyJavaBlockIsARegionOfACompiledFile() throws IOException
    {
        final List<String> problems = new ArrayList<>();
        int checked = 0;
        for (final Path doc : docs())
        {
            final List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++)
            {
                if (!JAVA_FENCE.matcher(lines.get(i)).matches())
                {
                    continue;
                }
                final String where = root().relativize(doc) + ":" + (i + 1);
                final Matcher marker = i > 0 ? MARKER.matcher(lines.get(i - 1)) : null;
                int end = i + 1;
                while (end < lines.size() && !FENCE.matcher(lines.get(end)).matches())
                {
                    end++;
                }
                if (marker == null || !marker.matches())
                {
                    problems.add(where + ": a java block without a <!-- snippet: FILE#TAG --> line before it");
                    continue;
                }
                final List<String> shown = dedent(lines.subList(i + 1, end));
                final List<String> expected = expected(marker.group(2));
                if (!shown.equals(expected))
                {
                    problems.add(where + ": differs from " + marker.group(2) + firstDifference(shown, expected));
                }
                checked++;
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(checked >= 20, "blocks checked: " + checked);
    }

    private static String firstDifference(final List<String> shown, final List<String> expected)
    {
        for (int i = 0; i < Math.max(shown.size(), expected.size()); i++)
        {
            final String a = i < shown.size() ? shown.get(i) : "<end>";
            final String b = i < expected.size() ? expected.get(i) : "<end>";
            if (!a.equals(b))
            {
                return "; line " + (i + 1) + " of the block:\n  doc:  " + a + "\n  file: " + b;
            }
        }
        return "";
    }

    /**
     * @param marker the references of a snippet line.
     * @return the lines the block must hold.
     */
    static List<String> expected(final String marker) throws IOException
    {
        final List<String> out = new ArrayList<>();
        for (final String ref : marker.trim().split("\\s+"))
        {
            if (!out.isEmpty())
            {
                out.add("");
            }
            out.addAll(region(ref));
        }
        return out;
    }

    private static List<String> region(final String ref) throws IOException
    {
        final int hash = ref.indexOf('#');
        assertTrue(hash > 0, "FILE#TAG expected: " + ref);
        final Path file = root().resolve(ref.substring(0, hash));
        final String tag = ref.substring(hash + 1);
        assertTrue(Files.isRegularFile(file), "no file " + file);
        final List<String> out = new ArrayList<>();
        List<String> segment = null;
        for (final String line : Files.readAllLines(file))
        {
            final Matcher m = TAG_LINE.matcher(line);
            if (m.matches() && m.group(2).equals(tag))
            {
                if (m.group(1).equals("tag"))
                {
                    segment = new ArrayList<>();
                }
                else if (segment != null)
                {
                    if (!out.isEmpty())
                    {
                        out.add("");
                    }
                    out.addAll(dedent(strip(segment)));
                    segment = null;
                }
                continue;
            }
            if (segment != null && !m.matches())
            {
                segment.add(line);
            }
        }
        assertFalse(out.isEmpty(), "no region tagged " + tag + " in " + file);
        return out;
    }

    private static List<String> strip(final List<String> lines)
    {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank())
        {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank())
        {
            to--;
        }
        return lines.subList(from, to);
    }

    static List<String> dedent(final List<String> lines)
    {
        final int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
            .min().orElse(0);
        final List<String> out = new ArrayList<>();
        for (final String line : lines)
        {
            out.add(line.isBlank() ? "" : line.substring(indent).stripTrailing());
        }
        return out;
    }
}
