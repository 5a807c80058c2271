package dev.shoal.core;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash-point exploration of the schedule heap on the shared {@link CrashExplorer}: every hit of every
 * scripted actor of {@link HeapCrashScenarios#killed()} killed, and in {@link HeapCrashScenarios#repair()}
 * the recoverer killed again at each hit of its repair. The explorer's pause modes expect the others to make
 * progress while an actor is paused, which a lock (by design) forbids; pauses of a heap lock holder are
 * explored by {@link ScheduleHeapExplorationTest}, which checks that the others wait instead.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HeapCrashExplorationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryHeapRecordExactlyOnceWhenAnyHolderIsKilledAtAnyWrite()
    {
        final CrashExplorer explorer = new CrashExplorer("heap");
        try
        {
            for (final CrashExplorer.Scenario scenario : HeapCrashScenarios.killed())
            {
                explorer.explore(scenario, dir, EnumSet.of(CrashExplorer.Mode.KILL));
            }
            explorer.explore(HeapCrashScenarios.repair(), dir,
                EnumSet.of(CrashExplorer.Mode.KILL, CrashExplorer.Mode.KILL_TWICE));
        }
        finally
        {
            explorer.close();
        }
        final Map<HeapCrashPoint, String> coverage = new EnumMap<>(HeapCrashPoint.class);
        for (final HeapCrashPoint point : HeapCrashPoint.values())
        {
            final var modes = explorer.faulted().get(point);
            coverage.put(point, modes == null ? "NEVER STOPPED AT" : modes.toString());
        }
        System.out.println("heap crash exploration (CrashExplorer): " + explorer.cases() + " cases, " +
            HeapCrashPoint.values().length + " points");
        coverage.forEach((point, modes) -> System.out.println("  " + point.id() + " " + modes));
        explorer.failures().forEach(f -> System.out.println("FAILED " + f));
        assertEquals(0, explorer.failures().size(), explorer.failures().size() + " cases failed, first: " +
            (explorer.failures().isEmpty() ? "" : explorer.failures().get(0)));
        assertTrue(coverage.values().stream().noneMatch("NEVER STOPPED AT"::equals),
            "heap crash points never stopped at: " + coverage);
    }
}
