package dev.shoal.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Options that cannot give a useful run are refused before anything runs: an empty {@code --only} ran every
 * workload (about 17 minutes), an unknown one ran none and reported "0 of 24 met", and an {@code --out} that is a
 * file failed only after the whole run.
 */
class BenchCommandTest
{
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        return new CommandLine(new BenchCommand()).setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void shouldRefuseAnEmptyOrUnknownWorkloadAndAFileAsOutputFolder() throws IOException
    {
        assertEquals(2, run("--only", ""));
        assertTrue(err.toString().contains("--only needs workload names"), err.toString());
        assertEquals(2, run("--quick", "--only", "pingpong,nosuch"));
        assertTrue(err.toString().contains("unknown workload 'nosuch' (known: handoff-1p1c-32,"), err.toString());
        final Path file = Files.writeString(dir.resolve("precious.txt"), "keep");
        assertEquals(2, run("--quick", "--only", "counter", "--out", file.toString()));
        assertTrue(err.toString().contains("is a file, not a folder"), err.toString());
        assertEquals("keep", Files.readString(file));
    }
}
