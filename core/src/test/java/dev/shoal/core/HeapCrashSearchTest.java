package dev.shoal.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedule search of the {@link ScheduleHeap} ({@link CrashSearch}): the actors of
 * {@link HeapCrashScenarios#searchable()} run at once, passing the heap's points, the lock's (its waiters
 * included, see {@link CrashPoints#waiting}) and the participant table's one at a time under seeded random
 * schedules, killed at heap and lock points, with {@link HeapCrashScenarios.HeapRun}'s invariants checked after
 * each case. Replay: {@code -Dshoal.search.seed=S -Dshoal.search.cases=1 -Dshoal.crash.scenarios=NAME}.
 */
class HeapCrashSearchTest
{
    @TempDir(cleanup = CleanupMode.ALWAYS)
    Path diskDir;

    /** The bounded search of {@code mvn verify}. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldKeepEveryHeapRecordUnderRandomSchedulesAndKills() throws java.io.IOException
    {
        search(Long.getLong("shoal.search.heap.seconds", 3));
    }

    /** The longer search of {@code -Psoak}. */
    @Test
    @Tag("soak")
    @Timeout(value = 3600, unit = TimeUnit.SECONDS)
    void shouldKeepEveryHeapRecordInALongSearch() throws java.io.IOException
    {
        search(Long.getLong("shoal.search.heap.soak.seconds", 60));
    }

    private void search(final long seconds) throws java.io.IOException
    {
        // Heap writes are points, and so are the lock's and the participant table's, so that attaching, waiting
        // for the lock and taking it over interleave with the heap's writes; kills land on heap and lock points
        // (an in-process actor killed inside its own attach would leave its entry to this live JVM).
        final List<CrashPoint> killable = new ArrayList<>(List.of(HeapCrashPoint.values()));
        killable.addAll(EnumSet.of(ParticipantCrashPoint.LOCK_ACQUIRE_CAS, ParticipantCrashPoint.LOCK_TAKEOVER_CAS,
            ParticipantCrashPoint.LOCK_TAKEOVER_COUNT, ParticipantCrashPoint.LOCK_RELEASE_CAS));
        final CrashExplorer explorer = new CrashExplorer("heap", "participants");
        CrashSearch.runFor("heap", explorer, new CrashSearch(explorer, killable::contains),
            HeapCrashScenarios.searchable(), seconds, diskDir, killable);
    }
}
