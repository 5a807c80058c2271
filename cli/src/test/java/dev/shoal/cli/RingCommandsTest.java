package dev.shoal.cli;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RingCommandsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAccountForEveryJobThroughProduceAndConsume()
    {
        final String path = dir.resolve("cli").toString();
        try (Region region = Region.create(path, RegionSpec.builder().jobRing("jobs", 2048, 32).build()))
        {
            final String produced = CliRun.run("produce", path, "--ring", "jobs", "--count", "2000", "--size",
                "32", "--json").ok();
            final String consumed = CliRun.run("consume", path, "--ring", "jobs", "--until-drained",
                "--threads", "2", "--json").ok();
            final long expectedSum = 1999L * 2000 / 2;
            assertEquals(2000, field(produced, "jobs"), produced);
            assertEquals(expectedSum, field(produced, "id_sum"), produced);
            assertEquals(2000, field(consumed, "jobs"), consumed);
            assertEquals(expectedSum, field(consumed, "id_sum"), consumed);
            assertEquals(0, field(consumed, "bad_payloads"), consumed);
            final JobRing ring = JobRing.open(region, "jobs");
            assertEquals(2000, ring.completed());
        }
    }

    @Test
    void shouldRejectJobLargerThanSlot()
    {
        final String path = dir.resolve("cli2").toString();
        try (Region region = Region.create(path, RegionSpec.builder().jobRing("jobs", 8, 16).build()))
        {
            final CliRun result = CliRun.run("produce", path, "--ring", "jobs", "--count", "1", "--size", "17");
            assertEquals(ShoalCli.EXIT_USAGE, result.code());
            assertTrue(result.err().contains("--size"), result.err());
            assertEquals(0, JobRing.open(region, "jobs").submitted());
        }
    }

    private static long field(final String json, final String key)
    {
        final Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Long.parseLong(m.group(1));
    }
}
