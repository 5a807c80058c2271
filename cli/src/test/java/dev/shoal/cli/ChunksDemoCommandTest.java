package dev.shoal.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

import dev.shoal.chunks.CsvGenerator;
import dev.shoal.chunks.FileChunks;
import dev.shoal.chunks.LineChecksumJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code shoal demo chunks}: JSON figures against an independent count, sample generation, exit codes.
 */
@Timeout(60)
class ChunksDemoCommandTest
{
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldPrintFiguresMatchingAnIndependentCountOnEveryEdgeCase() throws IOException
    {
        final List<String> contents = List.of("", "\n", "x", "a\n\nb\r\n\r\nlast", "L".repeat(5000) + "\nshort\n");
        for (final String content : contents)
        {
            final Path file = Files.writeString(dir.resolve("f.txt"), content, StandardCharsets.US_ASCII);
            out.getBuffer().setLength(0);
            assertEquals(0, run("--file", file.toString(), "--threads", "--workers", "2", "--chunk-bytes", "3",
                "--json"), err.toString());
            assertFigures(content.getBytes(StandardCharsets.US_ASCII), out.toString());
        }
    }

    @Test
    void shouldCountAGeneratedCsvWithWorkerProcesses() throws IOException
    {
        final Path file = dir.resolve("sample.csv");
        assertEquals(0, run("--generate", "256KB", "--file", file.toString()));
        assertTrue(out.toString().startsWith("wrote 256.0 KiB"), out.toString());
        out.getBuffer().setLength(0);

        assertEquals(0, run("--file", file.toString(), "--workers", "2", "--chunk-bytes", "16KB", "--json"),
            err.toString());
        assertFigures(Files.readAllBytes(file), out.toString());
        assertEquals("2", field(out.toString(), "workers"));
        assertEquals(Long.toString((Files.size(file) + 16383) / 16384), field(out.toString(), "chunks"));
    }

    @Test
    void shouldRunSeveralFilesTwiceOnTheSameWorkers() throws IOException
    {
        final Path a = dir.resolve("a.csv");
        final Path b = dir.resolve("b.csv");
        assertEquals(0, run("--generate", "96KB", "--file", a.toString()));
        assertEquals(0, run("--generate", "64KB", "--file", b.toString(), "--seed", "9"));
        out.getBuffer().setLength(0);

        assertEquals(0, run("--file", a.toString(), "--file", b.toString(), "--runs", "2", "--workers", "2",
            "--chunk-bytes", "16KB", "--json"), err.toString());
        final String[] lines = out.toString().strip().split("\\R");
        assertEquals(4, lines.length, out.toString());
        for (int i = 0; i < lines.length; i++)
        {
            assertFigures(Files.readAllBytes(i % 2 == 0 ? a : b), lines[i]);
            assertEquals(Integer.toString(i + 1), field(lines[i], "run"), lines[i]);
            assertTrue(lines[i].contains("\"warm_workers\":" + (i > 0)), lines[i]);
        }

        out.getBuffer().setLength(0);
        assertEquals(0, run("--file", a.toString(), "--runs", "2", "--workers", "1"), err.toString());
        assertTrue(out.toString().contains("(run 1: fresh JVMs, kept for the next runs)"), out.toString());
        assertTrue(out.toString().contains("(run 2: the same JVMs, warm)"), out.toString());
        assertEquals(2, run("--generate", "1KB", "--file", a.toString(), "--file", b.toString()));
        assertTrue(err.toString().contains("--generate writes one file"), err.toString());
    }

    @Test
    void shouldSayWhenItDiscardedAKeptRunOfTheSameFile() throws IOException
    {
        final Path file = dir.resolve("kept.csv");
        assertEquals(0, run("--generate", "64KB", "--file", file.toString()));
        // A finished run kept (as a killed one would be), with 8 KiB ranges; the demo asks for 16 KiB.
        FileChunks.builder(file).chunkBytes(8192).processes(false).workers(1).keepRegion(true).build()
            .run(LineChecksumJob.class);
        out.getBuffer().setLength(0);
        assertEquals(0, run("--file", file.toString(), "--threads", "--workers", "1", "--chunk-bytes", "16KB"),
            err.toString());
        assertTrue(out.toString().contains("  discarded a kept run of this file and job was discarded"),
            out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("--file", file.toString(), "--threads", "--workers", "1", "--chunk-bytes", "16KB",
            "--json"), err.toString());
        assertFigures(Files.readAllBytes(file), out.toString());
        assertTrue(out.toString().contains("\"discarded_run\":\"\""), "nothing kept by the run before: " + out);
    }

    /**
     * A kept run whose region was damaged (here its magic overwritten) failed every later run of the file with the
     * region's format error alone, which did not say which region nor what to do.
     */
    @Test
    void shouldNameADamagedKeptRunAndHowToRemoveIt() throws IOException
    {
        final Path file = dir.resolve("damaged-" + System.nanoTime() + ".csv");
        assertEquals(0, run("--generate", "64KB", "--file", file.toString()));
        FileChunks.builder(file).chunkBytes(8192).processes(false).workers(1).keepRegion(true).build()
            .run(LineChecksumJob.class);
        final Path region;
        try (var kept = Files.newDirectoryStream(dev.shoal.core.RegionLocation.defaultDirectory(),
            "chunks-" + file.getFileName() + "-*"))
        {
            final java.util.List<Path> regions = new java.util.ArrayList<>();
            kept.forEach(regions::add);
            assertEquals(1, regions.size(), regions.toString());
            region = regions.get(0);
        }
        try
        {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(region,
                java.nio.file.StandardOpenOption.WRITE))
            {
                channel.write(java.nio.ByteBuffer.wrap("NOTSHOAL".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    0);
            }
            err.getBuffer().setLength(0);
            assertEquals(1, run("--file", file.toString(), "--threads", "--workers", "1", "--chunk-bytes", "8KB"));
            assertTrue(err.toString().contains("the kept run of " + file + " cannot be read: its region " + region +
                " is damaged (") && err.toString().contains("delete it (shoal delete --force " + region + ") and " +
                "run again"), err.toString());
            assertTrue(Files.exists(region), "left for the user to look at");
        }
        finally
        {
            Files.deleteIfExists(region);
        }
    }

    @Test
    void shouldNotGenerateOverAnExistingFileUnlessTold() throws IOException
    {
        final Path file = dir.resolve("mine.csv");
        Files.writeString(file, "my own data\n");
        assertEquals(1, run("--generate", "1KB", "--file", file.toString()));
        assertTrue(err.toString().contains("not writing over " + file + ": it exists"), err.toString());
        assertEquals("my own data\n", Files.readString(file), "the file is left alone");
        assertEquals(0, run("--generate", "1KB", "--file", file.toString(), "--overwrite"), err.toString());
        assertTrue(Files.size(file) > 1000, "replaced by the sample");
    }

    @Test
    void shouldPrintRatesInDecimalUnitsAsTheComparisonLinesDo()
    {
        // The demo prints the phases' rate right above "1 worker vs 2: processing 0.76 GB/s vs 0.95 GB/s": the same
        // unit, so one run's rate reads the same on both lines (it printed 906.2 MiB/s above 0.95 GB/s).
        assertEquals("0.95 GB/s", ChunksDemoCommand.rateText(950_200_000));
        assertEquals("2.24 GB/s", ChunksDemoCommand.rateText(2_238_000_000.0));
        assertEquals("0.10 GB/s", ChunksDemoCommand.rateText(100_000_000));
        assertEquals("48.9 MB/s", ChunksDemoCommand.rateText(48_900_000));
        assertEquals("0.0 MB/s", ChunksDemoCommand.rateText(0));
    }

    @Test
    void shouldGenerateTheSameBytesForTheSameSeed() throws IOException
    {
        final Path a = dir.resolve("a.csv");
        final Path b = dir.resolve("b.csv");
        final Path c = dir.resolve("c.csv");
        assertEquals(0, run("--generate", "64KB", "--file", a.toString()));
        assertEquals(0, run("--generate", "64KB", "--file", b.toString()));
        assertEquals(0, run("--generate", "64KB", "--file", c.toString(), "--seed", "5"));

        final byte[] bytes = Files.readAllBytes(a);
        assertArrayEquals(bytes, Files.readAllBytes(b));
        assertFalse(java.util.Arrays.equals(bytes, Files.readAllBytes(c)));
        assertTrue(bytes.length >= 64 * 1024 && bytes.length < 64 * 1024 + 100, "length=" + bytes.length);
        assertTrue(new String(bytes, StandardCharsets.US_ASCII).startsWith(CsvGenerator.HEADER + "\n"));
        assertEquals('\n', bytes[bytes.length - 1]);
    }

    @Test
    void shouldFailWithOneLineWhenTheFileIsMissing()
    {
        final Path missing = dir.resolve("missing.txt");
        assertEquals(1, run("--file", missing.toString()));
        assertEquals("shoal demo chunks: file not found: " + missing + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void shouldNameTheCommandAndTraceOnlyWithVerboseWhenTheFileIsAFolder()
    {
        assertEquals(1, run("--file", dir.toString()));
        assertEquals("shoal demo chunks: " + dir + " is a directory, not a file" + System.lineSeparator(),
            err.toString());

        err.getBuffer().setLength(0);
        assertEquals(1, run("--file", dir.toString(), "--verbose"));
        assertTrue(err.toString().startsWith("shoal demo chunks: " + dir + " is a directory, not a file"),
            err.toString());
        assertTrue(err.toString().contains("at dev.shoal.chunks.FileChunks"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void shouldExitTwoOnUsageErrors()
    {
        assertEquals(2, run("--file", "x", "--chunk-bytes", "lots"));
        assertEquals(2, run("--workers", "2"));
        assertTrue(err.toString().contains("--file"), err.toString());
        assertEquals(2, run("--file", "x", "--chaos", "--threads"));
        assertTrue(err.toString().contains("--chaos needs worker processes"), err.toString());
        final Path missing = Path.of(System.getProperty("java.io.tmpdir"), "shoal-no-such-" + System.nanoTime());
        assertEquals(2, run("--generate", "1MB", "--file", missing.resolve("x.csv").toString()));
        assertTrue(err.toString().contains("--file: folder " + missing + " does not exist"), err.toString());
        assertFalse(Files.exists(missing), "a mistyped path leaves no folder behind");
    }

    /** --chaos on a file of one range killed the worker after the range was done: "0 ranges redone". */
    @Test
    void shouldRefuseChaosOnAFileOfFewerThanThreeRanges() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("tiny.txt"), "a\nb\nc\n");
        assertEquals(2, run("--file", file.toString(), "--chaos"));
        assertTrue(err.toString().contains("--chaos kills a worker a third of the way through, so it needs at " +
            "least 3 ranges: " + file + " is 6 bytes, 1 range of 1048576 bytes; give a smaller --chunk-bytes (at " +
            "most 2)"), err.toString());
        assertEquals("", out.toString());
        // At most 2 is right: 3 ranges of 2 bytes; 4 bytes at 2 are 2 ranges, and 2 bytes can never be 3.
        final Path four = Files.writeString(dir.resolve("four.txt"), "a\nb\n");
        assertEquals(2, run("--file", four.toString(), "--chaos", "--chunk-bytes", "2"));
        assertTrue(err.toString().contains("give a smaller --chunk-bytes (at most 1)"), err.toString());
        final Path two = Files.writeString(dir.resolve("two.txt"), "a\n");
        assertEquals(2, run("--file", two.toString(), "--chaos"));
        assertTrue(err.toString().contains("give a file of at least 3 bytes"), err.toString());
    }

    private int run(final String... args)
    {
        final String[] full = new String[args.length + 2];
        full[0] = "demo";
        full[1] = "chunks";
        System.arraycopy(args, 0, full, 2, args.length);
        final CliRun result = CliRun.run(full);
        out.append(result.out());
        err.append(result.err());
        return result.code();
    }

    private static void assertFigures(final byte[] bytes, final String json)
    {
        long lines = 0;
        long checksum = 0;
        final CRC32C crc = new CRC32C();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++)
        {
            if (i == bytes.length ? start < bytes.length : bytes[i] == '\n')
            {
                crc.reset();
                crc.update(bytes, start, i - start);
                checksum += crc.getValue();
                lines++;
                start = i + 1;
            }
        }
        assertEquals(Long.toString(lines), field(json, "lines"), json);
        assertEquals(Long.toString(bytes.length), field(json, "bytes"), json);
        assertEquals(Long.toUnsignedString(checksum), field(json, "checksum"), json);
        for (final String name : List.of("workers", "chunks", "seconds", "bytes_per_s"))
        {
            assertFalse(field(json, name).isEmpty(), name);
        }
    }

    private static String field(final String json, final String name)
    {
        final Matcher m = Pattern.compile("\"" + name + "\":([0-9.eE-]+)").matcher(json);
        return m.find() ? m.group(1) : "";
    }
}
