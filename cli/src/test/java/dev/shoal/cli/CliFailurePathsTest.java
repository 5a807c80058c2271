package dev.shoal.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.ParticipantInfo;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.Role;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CLI's failure paths: a bad option value is a usage error (exit 2, one line naming the option), a count over
 * several consumer threads is exact, paths are taken as given, and a region truncated under a running command is
 * named as such.
 */
@Timeout(120)
class CliFailurePathsTest
{
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private ChildJvms children;

    @BeforeEach
    void startChildren()
    {
        children = new ChildJvms(dir);
    }

    @AfterEach
    void stopChildren()
    {
        children.close();
    }

    private static Path emptyFile()
    {
        try
        {
            final Path empty = shared.resolve("empty.csv");
            Files.write(empty, new byte[0]);
            return empty;
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    static Stream<Arguments> badValues()
    {
        final String r = shared.resolve("r").toString();
        final String f = shared.resolve("f.csv").toString();
        return Stream.of(
            Arguments.of("--count", List.of("produce", r, "--ring", "jobs", "--count", "-1")),
            Arguments.of("--size", List.of("produce", r, "--ring", "jobs", "--count", "1", "--size", "-1")),
            Arguments.of("--rate", List.of("produce", r, "--ring", "jobs", "--count", "1", "--rate", "-2")),
            Arguments.of("--count", List.of("produce", r, "--ring", "jobs", "--count", "lots")),
            Arguments.of("--threads", List.of("consume", r, "--ring", "jobs", "--count", "1", "--threads", "0")),
            Arguments.of("--count", List.of("consume", r, "--ring", "jobs", "--count", "-5")),
            Arguments.of("--count", List.of("consume", r, "--ring", "jobs", "--count", "0")),
            Arguments.of("--work-us", List.of("consume", r, "--ring", "jobs", "--count", "1", "--work-us", "-1")),
            Arguments.of("--participants", List.of("create", r + "2", "--array", "a:4", "--participants", "0")),
            Arguments.of("--workers", List.of("demo", "pool", "--workers", "0")),
            Arguments.of("--batch", List.of("demo", "pool", "--batch", "0")),
            Arguments.of("--jobs", List.of("demo", "pool", "--jobs", "0")),
            Arguments.of("--workers", List.of("demo", "scheduler", "--workers", "0")),
            Arguments.of("--records", List.of("demo", "scheduler", "--records", "0")),
            Arguments.of("--seconds", List.of("demo", "scheduler", "--seconds", "-1")),
            Arguments.of("--workers", List.of("demo", "chunks", "--file", f, "--workers", "0")),
            Arguments.of("--chunk-bytes", List.of("demo", "chunks", "--file", f, "--chunk-bytes", "0")),
            // 16777217TB wrapped round to 1 TiB and ran; 8388608TB became a negative size.
            Arguments.of("size too large: '16777217TB'", List.of("demo", "chunks", "--file", f, "--chunk-bytes",
                "16777217TB")),
            Arguments.of("size too large: '8388608TB'", List.of("demo", "chunks", "--file", f, "--generate",
                "8388608TB")),
            Arguments.of("--workers", List.of("demo", "--workers", "0")),
            Arguments.of("--seconds", List.of("demo", "--seconds", "0")),
            Arguments.of("--connect", List.of("agent", "--connect", "nonsense", "--workers", "1")),
            Arguments.of("--connect", List.of("agent", "--connect", "127.0.0.1:99999")),
            Arguments.of("--listen", List.of("demo", "pool", "--listen", "bad", "--jobs", "10")),
            Arguments.of("--listen", List.of("demo", "pool", "--listen", "127.0.0.1:99999", "--jobs", "10")),
            Arguments.of("--listen", List.of("demo", "scheduler", "--listen", "127.0.0.1:x")),
            // 192.0.2.0/24 is for documentation: no interface has it. Aeron's own error came after the start, exit 1.
            Arguments.of("--listen", List.of("demo", "pool", "--listen", "192.0.2.1:7300", "--jobs", "10")),
            Arguments.of("--listen", List.of("demo", "scheduler", "--listen", "192.0.2.1:7300")),
            Arguments.of("--bind", List.of("agent", "--connect", "127.0.0.1:7300", "--bind", "192.0.2.1")),
            Arguments.of("--bind", List.of("agent", "--connect", "127.0.0.1:7300", "--bind", "no.such.host.invalid")),
            // Mixed families ended only as "unreachable" after the connect timeout.
            Arguments.of("is an IPv6 address and the coordinator 127.0.0.1:7300 an IPv4 one", List.of("agent",
                "--connect", "127.0.0.1:7300", "--bind", "[::1]")),
            Arguments.of("--records", List.of("demo", "scheduler", "--records", "100000000")),
            Arguments.of("--seconds", List.of("demo", "scheduler", "--seconds", "0")),
            // Within --threads' 1..256 alone, but 8 x 256 consumer threads need more participants than a region has.
            Arguments.of("--threads", List.of("demo", "pool", "--workers", "8", "--threads", "256", "--jobs", "10")),
            Arguments.of("--threads", List.of("agent", "--connect", "127.0.0.1:7300", "--workers", "8",
                "--threads", "256")),
            Arguments.of("--max-job-bytes", List.of("agent", "--connect", "127.0.0.1:7300", "--max-job-bytes",
                "100")),
            // Options that mean something only beside another were ignored without a word (a review).
            Arguments.of("--min-hosts needs --listen", List.of("demo", "pool", "--jobs", "10", "--min-hosts", "5")),
            Arguments.of("--host-wait needs --listen", List.of("demo", "pool", "--jobs", "10", "--host-wait", "1")),
            Arguments.of("--remote-window needs --listen", List.of("demo", "scheduler", "--remote-window", "3")),
            Arguments.of("--delay-ms needs --scheduler", List.of("agent", "--connect", "127.0.0.1:7300",
                "--delay-ms", "5")),
            Arguments.of("--registry is for a pool agent", List.of("agent", "--connect", "127.0.0.1:7300",
                "--scheduler", "--registry", "x")),
            Arguments.of("--threads is for a pool agent", List.of("agent", "--connect", "127.0.0.1:7300",
                "--scheduler", "--threads", "7")),
            // Sizes take units here as in --chunk-bytes and --generate: 2MB is read as a size, then out of range.
            Arguments.of("--max-job-bytes: 2097152 (must be 64 to 1048576)", List.of("agent", "--connect",
                "127.0.0.1:7300", "--max-job-bytes", "2MB")),
            // Absurd values that hung or inverted a command's meaning (a user's review).
            Arguments.of("--rate", List.of("produce", r, "--ring", "jobs", "--count", "2", "--rate", "1e-300")),
            Arguments.of("--work-us", List.of("consume", r, "--ring", "jobs", "--count", "1", "--work-us",
                "99999999999")),
            Arguments.of("--work-us", List.of("demo", "pool", "--jobs", "1", "--work-us", "99999999999")),
            Arguments.of("--delay-ms", List.of("demo", "scheduler", "--delay-ms", "9000000000000000000")),
            Arguments.of("--delay-ms", List.of("agent", "--connect", "127.0.0.1:7300", "--scheduler", "--delay-ms",
                "9000000000000000000")),
            Arguments.of("region name or path is empty", List.of("create", "", "--array", "a:4")),
            // A trailing colon was dropped by split(":") and the value taken as if it were not there.
            Arguments.of("--heap expects NAME:CAPACITY:PAYLOAD_BYTES, got 'h:10:8:'",
                List.of("create", r + "-heap", "--heap", "h:10:8:")),
            Arguments.of("--ring expects NAME:CAPACITY:SLOT_BYTES, got 'j:8:16:'",
                List.of("create", r + "-ring", "--ring", "j:8:16:")),
            Arguments.of("--array expects NAME:LENGTH[:padded], got 'a:4:'", List.of("create", r + "-array",
                "--array", "a:4:")),
            Arguments.of("--array expects NAME:LENGTH[:padded], got 'a:4:padded:'", List.of("create", r + "-padded",
                "--array", "a:4:padded:")),

            Arguments.of("at most 200 allowed", List.of("create", "n".repeat(201), "--array", "a:4")),
            // An empty path was the current folder: a journal written into it, a folder read as a file.
            Arguments.of("an empty path", List.of("demo", "pool", "--jobs", "1", "--journal", "")),
            // An empty file ran as "0 rows ... verified".
            Arguments.of("is empty: give a file with rows", List.of("demo", "--file", emptyFile().toString())),
            // --chaos on a sample of fewer than 3 ranges killed its worker after the last range: nothing redone.
            Arguments.of("so it needs at least 3 ranges of 4194304 bytes: give --size 12MB or more",
                List.of("demo", "--chaos", "--size", "5MB")),
            // Never a blank --file for plain demo: before the check it made a sample of that name (300 MB, here).
            Arguments.of("an empty path", List.of("demo", "chunks", "--file", " ")),
            Arguments.of("an empty path", List.of("demo", "--file", "")),
            Arguments.of("an empty path", List.of("journal", "stats", "")));
    }

    @Test
    void shouldCallNoCommandAUsageError()
    {
        for (final String[] args : new String[][]{ {}, { "journal" } })
        {
            final CliRun result = CliRun.run(args);
            assertEquals(ShoalCli.EXIT_USAGE, result.code(), String.join(" ", args));
            assertTrue(result.err().startsWith("Usage: shoal"), result.err());
            assertEquals("", result.out());
        }
        final CliRun help = CliRun.run("journal", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().startsWith("Usage: shoal journal"), help.out());
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badValues")
    void shouldExitTwoWithOneLineNamingTheOption(final String option, final List<String> args)
    {
        final CliRun result = CliRun.run(args.toArray(new String[0]));
        assertEquals(ShoalCli.EXIT_USAGE, result.code(), result.err());
        assertEquals(1, result.err().strip().lines().count(), "one line: " + result.err());
        assertTrue(result.err().contains(option), result.err());
        assertEquals("", result.out());
    }

    @Test
    void shouldWaitForTheWholeCountOverSeveralThreads() throws Exception
    {
        final Path path = dir.resolve("count");
        try (Region region = Region.create(path.toString(), RegionSpec.builder().jobRing("jobs", 64, 16).build()))
        {
            final CompletableFuture<CliRun> consume = CompletableFuture.supplyAsync(() ->
                CliRun.run("consume", path.toString(), "--ring", "jobs", "--count", "1", "--threads", "2", "--json"));
            ChildJvms.awaitCondition("two consumer threads attached", CHILD_TIMEOUT,
                () -> consumers(region) == 2 || consume.isDone());
            assertFalse(consume.isDone(), () -> "consume ended before any job was offered: " + consume.join());
            try (JobProducer producer = JobRing.open(region, "jobs").producer())
            {
                assertTrue(producer.offer(new byte[8], 0, 8));
            }
            final CliRun result = consume.get(60, TimeUnit.SECONDS);
            assertEquals(0, result.code(), result.err());
            assertEquals(1L, Json.parseObject(result.out().strip()).get("jobs"));
        }
    }

    @Test
    void shouldTakeExactlyTheCountWithJobsLeftOver()
    {
        final Path path = dir.resolve("exact");
        try (Region region = Region.create(path.toString(), RegionSpec.builder().jobRing("jobs", 2048, 16).build()))
        {
            assertEquals(0, CliRun.run("produce", path.toString(), "--ring", "jobs", "--count", "1200").code());
            final CliRun result = CliRun.run("consume", path.toString(), "--ring", "jobs", "--count", "1000",
                "--threads", "4", "--json");
            final Map<String, Object> o = Json.parseObject(result.ok().strip());
            assertEquals(1000L, o.get("jobs"));
            assertEquals(200, JobRing.open(region, "jobs").size(), "the rest stays in the ring");
        }
    }

    private static long consumers(final Region region)
    {
        return region.participants().snapshot().stream()
            .filter(p -> p.role() == Role.CONSUMER && p.alive()).map(ParticipantInfo::index).count();
    }

    @Test
    void shouldTakePathsAsGivenAndCreateFoldersOnlyWhenAsked()
    {
        final Path missing = dir.resolve("missing/deeper/r");
        final CliRun refused = CliRun.run("create", missing.toString(), "--array", "a:4");
        assertEquals(ShoalCli.EXIT_FAILURE, refused.code());
        assertTrue(refused.err().contains("does not exist") && refused.err().contains("--parents"), refused.err());
        assertFalse(Files.exists(dir.resolve("missing")), "no folder made");

        assertEquals(0, CliRun.run("create", missing.toString(), "--array", "a:4", "--parents").code());
        assertTrue(Files.isRegularFile(missing));

        final CliRun directory = CliRun.run("create", dir.toString(), "--array", "a:4");
        assertEquals(ShoalCli.EXIT_FAILURE, directory.code());
        assertTrue(directory.err().contains("is a directory"), directory.err());
        final CliRun inspect = CliRun.run("inspect", dir.toString());
        assertTrue(inspect.err().contains("is a directory"), inspect.err());
        for (final String force : new String[]{ "", "--force" })
        {
            final CliRun delete = force.isEmpty() ? CliRun.run("delete", dir.toString()) :
                CliRun.run("delete", dir.toString(), force);
            assertEquals(ShoalCli.EXIT_FAILURE, delete.code(), delete.err());
            assertEquals("shoal delete: " + dir + " is a directory, not a region file", delete.err().strip());
            assertTrue(Files.isDirectory(dir), "the folder is left alone");
        }
    }

    @Test
    void shouldDeleteTheSideFolderOfAChunkedRunWithItsRegion() throws IOException
    {
        final Path path = dir.resolve("chunks-run");
        CliRun.run("create", path.toString(), "--array", "a:4").ok();
        final Path side = dir.resolve("chunks-run.d");
        Files.createDirectories(side);
        Files.writeString(side.resolve("worker-0.log"), "log");
        Files.writeString(side.resolve("range-3"), "spilled result");
        Files.writeString(side.resolve("range-3.tmp-42-1"), "half written");
        final String out = CliRun.run("delete", path.toString()).ok();
        assertFalse(Files.exists(path));
        assertFalse(Files.exists(side), out);
        assertTrue(out.contains("deleted " + side), out);
    }

    @Test
    void shouldKeepAFolderBesideTheRegionThatNoChunkedRunWrote() throws IOException
    {
        // A region named like a user's own folder minus ".d": the folder and what the user keeps there stay.
        final Path path = dir.resolve("nginx");
        CliRun.run("create", path.toString(), "--array", "a:4").ok();
        final Path side = dir.resolve("nginx.d");
        Files.createDirectories(side.resolve("sites"));
        Files.writeString(side.resolve("important.conf"), "precious");
        Files.writeString(side.resolve("worker-0.log"), "a run's log");
        for (final String force : new String[]{ "", "--force" })
        {
            if (!force.isEmpty())
            {
                CliRun.run("create", path.toString(), "--array", "a:4").ok();
            }
            final String out = force.isEmpty() ? CliRun.run("delete", path.toString()).ok() :
                CliRun.run("delete", path.toString(), force).ok();
            assertFalse(Files.exists(path), out);
            assertEquals("precious", Files.readString(side.resolve("important.conf")), out);
            assertTrue(Files.isDirectory(side.resolve("sites")), out);
            assertTrue(out.contains("kept " + side + ": it holds files no chunked run wrote"), out);
        }
        assertFalse(Files.exists(side.resolve("worker-0.log")), "what a run writes there goes");
    }

    @Test
    void shouldSayWhatWentWrongWithAPath()
    {
        assertEquals("permission denied: /dev/shm/shoal",
            ShoalCli.oneLine(new java.nio.file.AccessDeniedException("/dev/shm/shoal")));
        final java.nio.file.AccessDeniedException denied = new java.nio.file.AccessDeniedException("/x");
        assertEquals("cannot create folder /x: permission denied: /x",
            ShoalCli.oneLine(new java.io.UncheckedIOException("cannot create folder /x: " + denied, denied)));
        final Path fifoLike = Path.of("/dev/null");
        final CliRun result = CliRun.run("demo", "chunks", "--file", fifoLike.toString());
        assertEquals(ShoalCli.EXIT_FAILURE, result.code());
        assertTrue(result.err().contains("not a regular file"), result.err());
    }

    /**
     * A user's review: delete --force removed a FIFO (and, as root, would remove a device node such as /dev/null);
     * demo --file FIFO and demo chunks --generate --overwrite into a FIFO waited for ever.
     */
    @Test
    void shouldRefuseFilesThatAreNotRegularBeforeOpeningThem() throws Exception
    {
        final Path fifo = dir.resolve("fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");

        final CliRun forced = CliRun.run("delete", fifo.toString(), "--force");
        assertEquals(ShoalCli.EXIT_FAILURE, forced.code(), forced.out());
        assertTrue(forced.err().contains("not a regular file"), forced.err());
        assertTrue(Files.exists(fifo), "a FIFO is never a region: not deleted, even with --force");

        final CliRun demo = assertTimeoutPreemptively(Duration.ofSeconds(30),
            () -> CliRun.run("demo", "--file", fifo.toString(), "--jobs", "10", "--seconds", "1"));
        assertEquals(ShoalCli.EXIT_FAILURE, demo.code(), demo.out());
        assertTrue(demo.err().contains("not a regular file"), demo.err());

        final CliRun generate = assertTimeoutPreemptively(Duration.ofSeconds(30),
            () -> CliRun.run("demo", "chunks", "--generate", "1KB", "--overwrite", "--file", fifo.toString()));
        assertEquals(ShoalCli.EXIT_FAILURE, generate.code(), generate.out());
        assertTrue(generate.err().contains("not a regular file"), generate.err());

        // inspect said "file length=0 smaller than the header length=4096 (empty file)".
        final CliRun inspect = assertTimeoutPreemptively(Duration.ofSeconds(30),
            () -> CliRun.run("inspect", fifo.toString()));
        assertEquals(ShoalCli.EXIT_FAILURE, inspect.code(), inspect.out());
        assertTrue(inspect.err().contains("is not a regular file") && inspect.err().contains("not a region"),
            inspect.err());

        // A folder: the rename into place failed naming the temporary file.
        final CliRun folder = CliRun.run("demo", "chunks", "--generate", "1KB", "--overwrite", "--file",
            dir.toString());
        assertEquals(ShoalCli.EXIT_FAILURE, folder.code(), folder.out());
        assertTrue(folder.err().contains("not writing a sample over " + dir + ": it is a directory"), folder.err());
    }

    @Test
    void shouldNameATruncationUnderRunningCommands() throws IOException
    {
        final Path path = dir.resolve("truncated");
        final long length;
        try (Region region = Region.create(path.toString(), RegionSpec.builder().jobRing("jobs", 1024, 64).build()))
        {
            length = region.length();
        }
        final Process producer = children.start(ShoalCli.class, "produce", path.toString(), "--ring", "jobs",
            "--count", "1000000000", "--rate", "1000000");
        final Process consumer = children.start(ShoalCli.class, "consume", path.toString(), "--ring", "jobs",
            "--count", "1000000000", "--threads", "2");
        try (Region region = Region.open(path.toString()))
        {
            final JobRing ring = JobRing.open(region, "jobs");
            // Truncate once the ring's code is compiled, as it is in any process that has run for a moment: HotSpot
            // turns the fault of an access past the new end into an InternalError in compiled code and in
            // interpreted reads and writes, but an interpreted CAS faults inside the VM and kills the JVM (seen at
            // 1 000 jobs, with the consumer's casHead still interpreted; docs/failure-model.md). A million jobs, a
            // second or so at this rate: far past the compile thresholds even when a loaded machine's JIT lags.
            ChildJvms.awaitCondition("jobs flowing", CHILD_TIMEOUT, () -> ring.completed() > 1_000_000);
        }
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.setLength(100);
        }
        for (final Process p : List.of(producer, consumer))
        {
            assertEquals(ShoalCli.EXIT_FAILURE, children.await(p, CHILD_TIMEOUT), children.output(p));
            final String output = children.output(p);
            assertTrue(output.contains("was truncated to 100 bytes while in use; expected " + length), output);
            assertFalse(output.contains("\tat "), "no stack trace: " + output);
        }
    }
}
