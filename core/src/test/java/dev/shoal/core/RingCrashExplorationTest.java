package dev.shoal.core;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash-point exploration of the job ring: every scenario × every hit of every actor × every mode, with the
 * invariants of {@link RingCrashScenarios} checked after each case. Fails when any case breaks an invariant
 * or when a ring crash point is never stopped at.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RingCrashExplorationTest
{
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    Path diskDir;

    /** Regions on tmpfs when there is one (as in production): no write-back, thousands of cases per minute. */
    private Path regions() throws java.io.IOException
    {
        final Path shm = Path.of("/dev/shm");
        return java.nio.file.Files.isDirectory(shm) && java.nio.file.Files.isWritable(shm) ?
            java.nio.file.Files.createTempDirectory(shm, "shoal-explore-") : diskDir;
    }

    private static EnumSet<CrashExplorer.Mode> modes()
    {
        final String named = System.getProperty("shoal.crash.modes", "");
        final EnumSet<CrashExplorer.Mode> modes = EnumSet.noneOf(CrashExplorer.Mode.class);
        for (final CrashExplorer.Mode mode : CrashExplorer.Mode.values())
        {
            if (named.isEmpty() || named.contains(mode.name()))
            {
                modes.add(mode);
            }
        }
        return modes;
    }

    /**
     * The bounded sweep of {@code mvn verify}: every point, scenario and mode, with the interleaved mode
     * sampled at every 24th traffic write.
     */
    @Test
    void shouldKeepEveryRingInvariantWhenAnyActorIsKilledOrPausedAtAnyWrite() throws java.io.IOException
    {
        sweep(Integer.getInteger("shoal.crash.stride", 24), 0);
    }

    /**
     * The full sweep of {@code -Psoak}: the interleaved mode at every traffic write, within a time budget.
     */
    @Test
    @Tag("soak")
    @Timeout(value = 3600, unit = TimeUnit.SECONDS)
    void shouldKeepEveryRingInvariantInTheFullSweep() throws java.io.IOException
    {
        sweep(1, Long.getLong("shoal.crash.seconds", 1200));
    }

    private void sweep(final int stride, final long seconds) throws java.io.IOException
    {
        final Path dir = regions();
        final CrashExplorer explorer = new CrashExplorer("ring");
        if (seconds > 0)
        {
            explorer.budget(seconds);
        }
        try
        {
            explorer.interleaveStride(stride);
            final String only = System.getProperty("shoal.crash.scenarios", "");
            for (final CrashExplorer.Scenario scenario : RingCrashScenarios.all())
            {
                if (only.isEmpty() || only.contains(scenario.name()))
                {
                    explorer.explore(scenario, dir, modes());
                }
            }
        }
        finally
        {
            explorer.close();
            org.agrona.IoUtil.delete(dir.toFile(), true);
        }
        final Map<String, String> coverage = new TreeMap<>();
        for (final RingCrashPoint point : RingCrashPoint.values())
        {
            final var modes = explorer.faulted().get(point);
            coverage.put(point.id(), modes == null ? "NEVER STOPPED AT" : modes.toString());
        }
        System.out.println("ring crash exploration: " + explorer.cases() + " cases, interleaving stride " + stride +
            (seconds > 0 ? ", " + explorer.skipped() + " combinations skipped by the " + seconds + " s budget" : ""));
        coverage.forEach((point, modes) -> System.out.println("  " + point + " " + modes));
        explorer.failures().forEach(f -> System.out.println("FAILED " + f));
        assertEquals(0, explorer.failures().size(), explorer.failures().size() + " cases failed, first: " +
            (explorer.failures().isEmpty() ? "" : explorer.failures().get(0)));
        assertTrue(coverage.values().stream().noneMatch("NEVER STOPPED AT"::equals),
            "ring crash points never stopped at: " + coverage);
    }
}
