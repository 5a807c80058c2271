package dev.shoal.core;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

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
    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryRingInvariantWhenAnyActorIsKilledOrPausedAtAnyWrite()
    {
        final CrashExplorer explorer = new CrashExplorer();
        try
        {
            for (final CrashExplorer.Scenario scenario : RingCrashScenarios.all())
            {
                explorer.explore(scenario, dir, EnumSet.allOf(CrashExplorer.Mode.class));
            }
        }
        finally
        {
            explorer.close();
        }
        final Map<String, String> coverage = new TreeMap<>();
        for (final RingCrashPoint point : RingCrashPoint.values())
        {
            final var modes = explorer.faulted().get(point);
            coverage.put(point.id(), modes == null ? "NEVER STOPPED AT" : modes.toString());
        }
        System.out.println("ring crash exploration: " + explorer.cases() + " cases");
        coverage.forEach((point, modes) -> System.out.println("  " + point + " " + modes));
        explorer.failures().forEach(f -> System.out.println("FAILED " + f));
        assertEquals(0, explorer.failures().size(), explorer.failures().size() + " cases failed, first: " +
            (explorer.failures().isEmpty() ? "" : explorer.failures().get(0)));
        assertTrue(coverage.values().stream().noneMatch("NEVER STOPPED AT"::equals),
            "ring crash points never stopped at: " + coverage);
    }
}
