package dev.shoal.cli.crossprocess;

import dev.shoal.cli.demo.SchedulerDemo;
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
}
