package dev.shoal.cli.crossprocess;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.shoal.cli.demo.SchedulerDemo;
import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.RegionSpec;
import org.agrona.IoUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduler demo end to end, with chaos: workers killed (one in the middle of a sift) and replaced.
 */
class SchedulerDemoTest
{
    @Test
    @Timeout(60)
    void shouldKeepEveryRecordExactlyOnceThroughChaos()
    {
        final SchedulerDemo.Result result;
        final java.nio.file.Path logs;
        try (SchedulerDemo demo = new SchedulerDemo(new SchedulerDemo.Config(2, 2_000, 3, true, 0, 42)))
        {
            logs = demo.logDir();
            result = demo.run();
        }
        assertFalse(java.nio.file.Files.exists(logs), "the worker log folder goes with a run that went well");
        assertEquals(0, result.lost(), result.toString());
        assertEquals(0, result.duplicated(), result.toString());
        assertTrue(result.consistent(), result.toString());
        assertTrue(result.kills() >= 1, result.toString());
        assertTrue(result.takeovers() + result.redelivered() >= 1, result.toString());
        assertTrue(result.pops() > 0 && result.reschedules() > 0, result.toString());
    }

    @Test
    @Timeout(60)
    void shouldRemoveWhatADemoKilledWithSigkillLeft() throws Exception
    {
        // A demo JVM killed with SIGKILL leaves its region and its log folder, both named by its pid.
        final Process gone = new ProcessBuilder("true").start();
        assertEquals(0, gone.waitFor());
        final Path region = RegionLocation.defaultDirectory().resolve("scheduler-demo-" + gone.pid());
        Region.create(region.toString(), RegionSpec.builder().longArray("a", 1).build()).close();
        final Path logs = Files.createTempDirectory("shoal-scheduler-" + gone.pid() + "-");
        Files.writeString(logs.resolve("worker-0.log"), "left");
        final Path live = RegionLocation.defaultDirectory().resolve("scheduler-demo-" + ProcessHandle.current().pid() +
            "-not-this-run");
        Region.create(live.toString(), RegionSpec.builder().longArray("a", 1).build()).close();
        try (SchedulerDemo demo = new SchedulerDemo(new SchedulerDemo.Config(1, 10, 1, false, 0, 42)))
        {
            assertFalse(Files.exists(region), "the killed demo's region");
            assertFalse(Files.exists(logs), "the killed demo's log folder");
            assertTrue(Files.exists(live), "a live pid's region stays");
        }
        finally
        {
            Region.delete(live.toString());
            Region.delete(region.toString());
            IoUtil.delete(logs.toFile(), true);
        }
    }
}
