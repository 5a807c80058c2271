package dev.shoal.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The examples whose output the docs show ({@code <!-- output: FILE -->} before a plain ``` block) are run, and
 * print exactly those lines. Lines are compared as a multiset: an example's callbacks and completions print in
 * an order no one controls, and the docs say so where it matters.
 */
class ExampleOutputTest
{
    private static final Pattern MARKER = Pattern.compile("^<!-- output: (.*\\.java) -->\\s*$");

    @Test
    @Timeout(120)
    void examplesPrintWhatTheDocsShow() throws Exception
    {
        int run = 0;
        for (final Path doc : DocSnippetsTest.docs())
        {
            final List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i + 1 < lines.size(); i++)
            {
                final Matcher marker = MARKER.matcher(lines.get(i));
                if (!marker.matches())
                {
                    continue;
                }
                assertEquals("```", lines.get(i + 1).strip(), doc + ":" + (i + 2) + ": an output block follows");
                int end = i + 2;
                while (!lines.get(end).strip().equals("```"))
                {
                    end++;
                }
                final List<String> shown = new ArrayList<>(lines.subList(i + 2, end));
                final List<String> printed = run(marker.group(1));
                shown.sort(null);
                printed.sort(null);
                assertEquals(shown, printed, doc.getFileName() + ":" + (i + 1) + ": the output of " + marker.group(1));
                run++;
            }
        }
        assertTrue(run >= 1, "examples run: " + run);
    }

    /**
     * Runs an example's {@code main} in this JVM (its worker processes are separate JVMs) and returns what it
     * printed on standard output.
     */
    private static List<String> run(final String file) throws Exception
    {
        final String name = file.replaceFirst("^examples/src/main/java/", "").replaceFirst("\\.java$", "")
            .replace('/', '.');
        final Method main = Class.forName(name).getMethod("main", String[].class);
        final PrintStream original = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try
        {
            main.invoke(null, (Object)new String[0]);
        }
        finally
        {
            System.setOut(original);
        }
        return new ArrayList<>(out.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
