package dev.shoal.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every ```java block of README.md and docs/*.md (not docs/bench/) is a tagged region of a compiled file, not a
 * copy that can drift: the line right before the block names it ({@code <!-- snippet: PATH#TAG [PATH#TAG...] -->}),
 * and the block must equal the regions between {@code // tag::TAG[]} and {@code // end::TAG[]} in those files.
 * Tag lines are left out; the segments of one tag, and the regions of one marker, are joined by one blank line;
 * each region and the block are dedented by their common indentation; trailing spaces are ignored. The files
 * compile in this module (or are product code), so changing a public signature an example uses breaks the build.
 */
class DocSnippetsTest
{
    private static final Pattern MARKER = Pattern.compile("^\\s*<!-- snippet: (.*) -->\\s*$");
    private static final Pattern JAVA_FENCE = Pattern.compile("^\\s*```\\s*java\\b.*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*$");
    private static final Pattern TAG_LINE = Pattern.compile("^\\s*// (tag|end)::([\\w-]+)\\[]\\s*$");
    private static final String EXAMPLES = "examples/src/main/java";
    /** README.md 2, guide.md 9, recipes.md 5, chunks.md 2, journal.md 1, schedule-heap.md 1, crash-points.md 1. */
    private static final int AT_LEAST = 21;

    static Path root()
    {
        final Path here = Path.of("").toAbsolutePath();
        final Path root = here.getParent();
        assertTrue(Files.isRegularFile(root.resolve("README.md")), "no README.md above " + here);
        return root;
    }

    /**
     * @return README.md and docs/*.md (the folders below docs/ hold generated benchmark reports, not docs).
     */
    static List<Path> docs() throws IOException
    {
        final Path root = root();
        final List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> files = Files.list(root.resolve("docs")))
        {
            files.filter(f -> f.toString().endsWith(".md") && Files.isRegularFile(f)).sorted().forEach(docs::add);
        }
        return docs;
    }

    @Test
    void everyJavaBlockIsTheTaggedRegionsItNames() throws IOException
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
                int end = i + 1;
                while (end < lines.size() && !FENCE.matcher(lines.get(end)).matches())
                {
                    end++;
                }
                final Matcher marker = i > 0 ? MARKER.matcher(lines.get(i - 1)) : null;
                if (marker == null || !marker.matches())
                {
                    problems.add(where + ": a ```java block without <!-- snippet: FILE#TAG --> on the line before it");
                }
                else
                {
                    final List<String> shown = dedent(lines.subList(i + 1, end));
                    final List<String> expected = expected(marker.group(1));
                    if (!shown.equals(expected))
                    {
                        problems.add(where + ": the block differs from " + marker.group(1) +
                            " (- the doc, + the code):\n" + diff(shown, expected, i + 2));
                    }
                    checked++;
                }
                i = end;
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " doc block(s) out of date:\n" + String.join("\n", problems));
        assertTrue(checked >= AT_LEAST, "java blocks checked: " + checked + ", expected at least " + AT_LEAST);
    }

    @Test
    void everyTaggedRegionOfTheExamplesIsShownInADoc() throws IOException
    {
        final Set<String> shown = new TreeSet<>();
        for (final Path doc : docs())
        {
            for (final String line : Files.readAllLines(doc))
            {
                final Matcher marker = MARKER.matcher(line);
                if (marker.matches())
                {
                    shown.addAll(List.of(marker.group(1).trim().split("\\s+")));
                }
            }
        }
        final Set<String> unused = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root().resolve(EXAMPLES)))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".java")).toList())
            {
                for (final String line : Files.readAllLines(file))
                {
                    final Matcher tag = TAG_LINE.matcher(line);
                    final String ref = root().relativize(file) + "#" + (tag.matches() ? tag.group(2) : "");
                    if (tag.matches() && tag.group(1).equals("tag") && !shown.contains(ref))
                    {
                        unused.add(ref);
                    }
                }
            }
        }
        assertEquals(Set.of(), unused, "example regions no doc shows: remove them, or show them");
    }

    @Test
    void aDifferenceIsShownAsALineDiffWithTheDocsLineNumbers()
    {
        final List<String> doc = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l");
        final List<String> code = List.of("a", "b", "c", "D", "e", "f", "g", "h", "i", "j", "k", "l", "m");
        assertEquals("""
                @@ line 11
                  b
                  c
                - d
                + D
                  e
                  f
                @@ line 20
                  k
                  l
                + m
            """, diff(doc, code, 10));
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
        assertTrue(Files.isRegularFile(file), "no file " + file + " (named by " + ref + ")");
        final List<String> out = new ArrayList<>();
        List<String> segment = null;
        for (final String line : Files.readAllLines(file))
        {
            final Matcher m = TAG_LINE.matcher(line);
            if (m.matches())
            {
                if (m.group(2).equals(tag))
                {
                    if (m.group(1).equals("tag"))
                    {
                        assertNull(segment, "tag::" + tag + " opened twice in " + file);
                        segment = new ArrayList<>();
                    }
                    else
                    {
                        assertNotNull(segment, "end::" + tag + " without its tag:: in " + file);
                        if (!out.isEmpty())
                        {
                            out.add("");
                        }
                        out.addAll(dedent(strip(segment)));
                        segment = null;
                    }
                }
            }
            else if (segment != null)
            {
                segment.add(line);
            }
        }
        assertNull(segment, "tag::" + tag + " never ended in " + file);
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
        final int indent = lines.stream().filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        final List<String> out = new ArrayList<>();
        for (final String line : lines)
        {
            out.add(line.isBlank() ? "" : line.substring(indent).stripTrailing());
        }
        return out;
    }

    /**
     * A line diff (longest common subsequence): "- " lines only in the doc, "+ " lines only in the code, two lines
     * of context around each change, each hunk headed by the doc's line number where it starts.
     *
     * @param firstLine the doc's line number of the block's first line.
     */
    static String diff(final List<String> doc, final List<String> code, final int firstLine)
    {
        final int n = doc.size();
        final int m = code.size();
        final int[][] common = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--)
        {
            for (int j = m - 1; j >= 0; j--)
            {
                common[i][j] = doc.get(i).equals(code.get(j)) ?
                    common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        final List<String> ops = new ArrayList<>();
        final List<Integer> docLine = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m)
        {
            docLine.add(firstLine + i);
            if (i < n && j < m && doc.get(i).equals(code.get(j)))
            {
                ops.add("  " + doc.get(i++));
                j++;
            }
            else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1]))
            {
                ops.add("- " + doc.get(i++));
            }
            else
            {
                ops.add("+ " + code.get(j++));
            }
        }
        final boolean[] shown = new boolean[ops.size()];
        for (int k = 0; k < ops.size(); k++)
        {
            if (!ops.get(k).startsWith("  "))
            {
                for (int x = Math.max(0, k - 2); x <= Math.min(ops.size() - 1, k + 2); x++)
                {
                    shown[x] = true;
                }
            }
        }
        final StringBuilder out = new StringBuilder();
        for (int k = 0; k < ops.size(); k++)
        {
            if (shown[k])
            {
                if (k == 0 || !shown[k - 1])
                {
                    out.append("    @@ line ").append(docLine.get(k)).append('\n');
                }
                out.append("    ").append(ops.get(k)).append('\n');
            }
        }
        return out.toString();
    }
}
