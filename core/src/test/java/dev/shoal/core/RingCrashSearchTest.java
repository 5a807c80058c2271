package dev.shoal.core;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedule search of the job ring ({@link CrashSearch}): the ring scenarios' actors run at once under seeded
 * random schedules with random kills, the invariants of {@link RingCrashScenarios} checked after each case.
 * The seed of each run is printed; {@code -Dshoal.search.seed=S -Dshoal.search.cases=1
 * -Dshoal.crash.scenarios=NAME} replays one case (scenario names exact, comma-separated).
 */
class RingCrashSearchTest
{
    @TempDir(cleanup = CleanupMode.ALWAYS)
    Path diskDir;

    /** The bounded search of {@code mvn verify}. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldKeepEveryRingInvariantUnderRandomSchedulesAndKills() throws java.io.IOException
    {
        search(Long.getLong("shoal.search.seconds", 6));
    }

    /** The longer search of {@code -Psoak}. */
    @Test
    @Tag("soak")
    @Timeout(value = 3600, unit = TimeUnit.SECONDS)
    void shouldKeepEveryRingInvariantInALongSearch() throws java.io.IOException
    {
        search(Long.getLong("shoal.search.soak.seconds", 180));
    }

    private void search(final long seconds) throws java.io.IOException
    {
        // The participant table's writes are points too, so attaching and leaving interleave with the ring's writes;
        // kills land on the ring's points only (an in-process actor killed inside its own attach would leave its
        // entry to this live JVM; deaths inside attach are ParticipantCrashExplorationTest's).
        final CrashExplorer explorer = new CrashExplorer("ring", "participants", ScriptPoint.PROTOCOL);
        CrashSearch.runFor("ring", explorer, new CrashSearch(explorer, "ring"), RingCrashScenarios.searchable(),
            seconds, diskDir, List.of(RingCrashPoint.values()));
    }
}
