package dev.shoal.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.shoal.core.Participant;
import dev.shoal.core.Region;
import dev.shoal.core.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

class ShoalCliTest
{
    @TempDir
    Path dir;

    static CliRun run(final String... args)
    {
        return CliRun.run(args);
    }

    @Test
    void shouldCreateAndInspectAsJson()
    {
        final String path = dir.resolve("r").toString();
        final CliRun created = run("create", path, "--array", "offsets:8", "--array", "counters:2:padded");
        assertEquals(0, created.code(), created.err());
        final CliRun inspected = run("inspect", path, "--json");
        assertEquals(0, inspected.code(), inspected.err());
        final String json = inspected.out().trim();
        assertTrue(json.startsWith("{\"header\":{") && json.endsWith("}"), json);
        assertTrue(json.contains("\"name\":\"offsets\",\"kind\":\"array\""), json);
        assertTrue(json.contains("\"padded\":true"), json);
        assertTrue(json.contains("\"participants\":[]"), json);
        assertEquals(1, json.lines().count(), "one JSON object on one line");
    }

    /** inspect left out the heap's free slots, dirty word and repairs, which stats() had all along. */
    @Test
    void shouldShowTheHeapsFreeSlotsDirtyWordAndRepairsInInspect()
    {
        final String path = dir.resolve("h").toString();
        assertEquals(0, run("create", path, "--heap", "timers:10:8").code());
        final CliRun text = run("inspect", path);
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains(" leases=0 free_slots=10 "), text.out());
        assertTrue(text.out().contains(" lock_owner=null dirty_token=0 "), text.out());
        assertTrue(text.out().contains(" takeovers=0 repairs=0"), text.out());
        final CliRun json = run("inspect", path, "--json");
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().contains("\"free_slots\":10,"), json.out());
        assertTrue(json.out().contains("\"dirty_token\":0,"), json.out());
        assertTrue(json.out().contains("\"repairs\":0"), json.out());
    }

    @Test
    void shouldShowParticipantsInInspect()
    {
        final String path = dir.resolve("p").toString();
        assertEquals(0, run("create", path, "--array", "a:1").code());
        try (Region region = Region.open(path); Participant ignored = region.attach(Role.CONSUMER))
        {
            final CliRun text = run("inspect", path);
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("consumer") && text.out().contains("true"), text.out());
            final CliRun json = run("inspect", path, "--json");
            assertTrue(json.out().contains("\"pid\":" + ProcessHandle.current().pid()), json.out());
            assertTrue(json.out().contains("\"heartbeat_age_ms\":"), json.out());

            final CliRun refused = run("delete", path);
            assertEquals(1, refused.code());
            assertTrue(refused.err().contains("live participant"), refused.err());
        }
        assertEquals(0, run("delete", path).code());
        assertFalse(Files.exists(Path.of(path)));
    }

    @Test
    void shouldExitOneWithOneLineForCorruptFile() throws Exception
    {
        final Path bad = dir.resolve("bad");
        Files.write(bad, new byte[8192]);
        final CliRun r = run("inspect", bad.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().trim().lines().count(), r.err());
        assertTrue(r.err().contains("header.magic=0x0"), r.err());
        final CliRun verbose = run("inspect", bad.toString(), "--verbose");
        assertTrue(verbose.err().contains("RegionFormatException"), verbose.err());
    }

    /** A user's review: a ring whose words are corrupt was shown with error=... inline, and inspect exited 0. */
    @Test
    void shouldExitOneWhenAStructureCannotBeReadYetPrintTheReport() throws Exception
    {
        final Path path = dir.resolve("corrupt-ring");
        assertEquals(0, run("create", path.toString(), "--ring", "jobs:16:32", "--array", "a:2").code());
        final long ring;
        try (Region region = Region.open(path.toString()))
        {
            ring = region.structures().stream().filter(s -> s.name().equals("jobs")).findFirst().orElseThrow()
                .offset();
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path,
            java.nio.file.StandardOpenOption.WRITE))
        {
            final java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder());
            head.putLong(0, 5); // the head past the tail (0): no crash leaves this
            ch.write(head, ring + dev.shoal.core.JobRingDescriptor.HEAD_OFFSET);
        }
        for (final String json : new String[]{ "--json", "--verbose" })
        {
            final CliRun r = run("inspect", path.toString(), json);
            assertEquals(ShoalCli.EXIT_FAILURE, r.code(), r.out());
            assertTrue(r.out().contains("\"a\"") || r.out().contains(" a "), "the rest is still shown: " + r.out());
            assertTrue(r.err().contains("1 structure(s) could not be read: jobs: "), r.err());
        }
    }

    /** A heap's size beyond its capacity was printed as a count ("size: 1000") with exit 0. */
    @Test
    void shouldCallAHeapWhoseSizeIsBeyondItsCapacityUnreadable() throws Exception
    {
        final Path path = dir.resolve("corrupt-heap");
        assertEquals(0, run("create", path.toString(), "--heap", "h:8:16").code());
        final long heap;
        try (Region region = Region.open(path.toString()))
        {
            heap = region.structures().get(0).offset();
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path,
            java.nio.file.StandardOpenOption.WRITE))
        {
            final java.nio.ByteBuffer size = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder());
            size.putLong(0, 1000);
            ch.write(size, heap + dev.shoal.core.ScheduleHeapDescriptor.SIZE_OFFSET);
        }
        final CliRun r = run("inspect", path.toString());
        assertEquals(ShoalCli.EXIT_FAILURE, r.code(), r.out());
        assertTrue(r.err().contains("1 structure(s) could not be read: h: heap 'h' header.size=1000 out of range " +
            "0..8"), r.err());
    }

    @Test
    void shouldExitTwoOnUsageErrors()
    {
        assertEquals(2, run("create").code());
        assertEquals(2, run("create", dir.resolve("x").toString(), "--array", "a:b").code());
        assertEquals(2, run("create", dir.resolve("y").toString()).code());
        assertEquals(2, run("frobnicate").code());
        assertEquals(2, run("inspect").code());
    }

    @Test
    void shouldRefuseToDeleteNonRegionWithoutForce() throws Exception
    {
        final Path csv = Files.writeString(dir.resolve("data.csv"), "a,b,c\n");
        final CliRun r = run("delete", csv.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a valid region"), r.err());
        assertTrue(Files.exists(csv));
        assertEquals(0, run("delete", csv.toString(), "--force").code());
        assertFalse(Files.exists(csv));
    }

    @Test
    void shouldReportMissingRegion()
    {
        final CliRun r = run("inspect", dir.resolve("missing").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("region not found"), r.err());
    }

    @Test
    void shouldPrintVersionAndHelp()
    {
        final CliRun v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("shoal "), v.out());
        final CliRun h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("inspect"), h.out());
    }

    @Test
    void shouldRunThePoolDemoWithAndWithoutAJournal()
    {
        final java.util.Map<String, Object> plain = Json.parseObject(run("demo", "pool", "--jobs", "2000", "--batch",
            "8", "--json").ok().strip());
        assertEquals(2000L, plain.get("done"));
        assertEquals(0L, plain.get("wrong"));
        // The same jobs again on the same pool, their results checked too (counted in done and wrong above).
        assertTrue(((Number)plain.get("again_seconds")).doubleValue() > 0, plain.toString());
        assertTrue(((Number)plain.get("again_jobs_per_s")).longValue() > 0, plain.toString());
        final java.util.Map<String, Object> journaled = Json.parseObject(run("demo", "pool", "--jobs", "2000",
            "--journal", dir.resolve("journal").toString(), "--json").ok().strip());
        assertEquals(2000L, journaled.get("journaled"));
        assertFalse(journaled.containsKey("again_seconds"), "no second pass with a journal: " + journaled);
    }
}
