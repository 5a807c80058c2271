package dev.shoal.core;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Crash-point exploration of the participant table and the region lock (in-process, every hit of every actor
 * in every mode), and of region creation (a real child JVM halted at each point: a creator's liveness is its
 * process's).
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ParticipantCrashExplorationTest
{
    private static final int CAPACITY = 3;
    private static final long RECOVERY_DEADLINE_MS = 5_000;

    @TempDir
    Path dir;

    @Test
    void shouldLeakNoEntryAndNeverShareTheLockWhereverAnActorStops()
    {
        final CrashExplorer explorer = new CrashExplorer("participants");
        try
        {
            explorer.explore(new TableScenario(), dir, EnumSet.of(CrashExplorer.Mode.KILL,
                CrashExplorer.Mode.KILL_TWICE, CrashExplorer.Mode.PAUSE, CrashExplorer.Mode.PAUSE_THEN_KILL));
        }
        finally
        {
            explorer.close();
        }
        final Map<String, String> coverage = new TreeMap<>();
        for (final ParticipantCrashPoint point : ParticipantCrashPoint.values())
        {
            final var modes = explorer.faulted().get(point);
            coverage.put(point.id(), modes == null ? "NEVER STOPPED AT" : modes.toString());
        }
        System.out.println("participant crash exploration: " + explorer.cases() + " cases");
        coverage.forEach((point, modes) -> System.out.println("  " + point + " " + modes));
        assertEquals(List.of(), explorer.failures());
        assertTrue(coverage.values().stream().noneMatch("NEVER STOPPED AT"::equals), coverage.toString());
    }

    /**
     * A ghost (dead) holds the lock and an entry; three actors attach (the third takes the ghost's entry over),
     * take the lock in turn (the first takes it over), detach; a fourth attaches into a freed entry.
     */
    private static final class TableScenario implements CrashExplorer.Scenario
    {
        @Override
        public String name()
        {
            return "attach-lock-detach";
        }

        @Override
        public CrashExplorer.Run start(final Path dir, final CrashExplorer explorer)
        {
            return new TableRun(dir);
        }
    }

    private static final class TableRun implements CrashExplorer.Run
    {
        private final Path dir;
        private final Region region;
        private final int lockWord;
        private final Map<String, Participant> participants = new ConcurrentHashMap<>();
        private final Map<String, Region> mappings = new ConcurrentHashMap<>();
        private final Map<String, RegionLock> locks = new ConcurrentHashMap<>();
        private final Set<String> stoppedInAttach = ConcurrentHashMap.newKeySet();
        private final List<CrashExplorer.Step> script = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private final Set<String> dead = ConcurrentHashMap.newKeySet();
        /** Who holds the lock as far as the script knows: set after acquiring, cleared after releasing. */
        private volatile String holder = "ghost";

        TableRun(final Path dir)
        {
            this.dir = dir;
            this.region = Region.create(dir.toString(),
                RegionSpec.builder().scheduleHeap("h", 4, 8).participants(CAPACITY).build());
            this.lockWord = (int)region.structure("h").offset() + ScheduleHeapDescriptor.LOCK_OFFSET;
            // A ghost: a process that died holding the lock and an entry, so that the script itself takes both
            // over (and every takeover write is a point the enumeration stops at).
            final Participant ghost = region.attach(Role.SUPERVISOR);
            region.buffer().putLongVolatile(lockWord, ghost.token());
            final int table = region.buffer().getInt(HeaderDescriptor.PARTICIPANTS_OFFSET_OFFSET);
            CrashExplorer.killEntry(region, ParticipantDescriptor.entryOffset(table, ghost.index()));
            dead.add("ghost");
            for (final String actor : new String[]{ "A", "B", "C" })
            {
                attach(actor);
            }
            lockCycle("A");
            lockCycle("B");
            detach("A");
            attach("D");
            lockCycle("D");
            detach("B");
            lockCycle("C");
            detach("C");
            detach("D");
        }

        private void attach(final String actor)
        {
            script.add(new CrashExplorer.Step(actor, () ->
            {
                final CrashActor self = CrashActor.current();
                stoppedInAttach.add(actor);
                // Each actor maps the file itself, as a process would (and a Region's monitor is never shared).
                final Region mine = mappings.computeIfAbsent(actor, a -> Region.open(dir.toString()));
                final Participant participant;
                try
                {
                    participant = mine.attach(Role.CONSUMER);
                }
                catch (final IllegalStateException ex)
                {
                    // Full of live participants: right while one is paused (alive). The checker proves at the
                    // end that no entry leaked.
                    stoppedInAttach.remove(actor);
                    return;
                }
                stoppedInAttach.remove(actor);
                self.owns(participant.token());
                participants.put(actor, participant);
                locks.put(actor, new RegionLock(region.buffer(), lockWord, lockWord + 8, region.participants(),
                    participant.token()));
            }));
        }

        private void lockCycle(final String actor)
        {
            script.add(new CrashExplorer.Step(actor, () ->
            {
                final RegionLock lock = locks.get(actor);
                if (lock == null)
                {
                    return;
                }
                final RegionLock.Acquisition got = lock.tryAcquire(30, TimeUnit.MILLISECONDS);
                if (got == RegionLock.Acquisition.TIMED_OUT)
                {
                    return; // a live holder is paused: waiting is right
                }
                final String before = holder;
                if (got == RegionLock.Acquisition.ACQUIRED && before != null)
                {
                    problem(actor + " acquired the lock while " + before + " held it");
                }
                if (got == RegionLock.Acquisition.TAKEN_OVER && (before == null || !dead.contains(before)))
                {
                    problem(actor + " took the lock over from " + before + ", which is not dead");
                }
                holder = actor;
                lock.release();
                holder = null;
            }));
        }

        private void detach(final String actor)
        {
            script.add(new CrashExplorer.Step(actor, () ->
            {
                final Participant participant = participants.remove(actor);
                if (participant != null)
                {
                    locks.remove(actor);
                    participant.close();
                }
            }));
        }

        private synchronized void problem(final String text)
        {
            problems.add(text);
        }

        @Override
        public List<CrashExplorer.Step> script()
        {
            return script;
        }

        @Override
        public Region region()
        {
            return region;
        }

        @Override
        public void kill(final CrashActor actor)
        {
            CrashExplorer.killTokens(region, actor);
            if (stoppedInAttach.contains(actor.name()))
            {
                // Died inside attach, before it had a token: its entry is the one owned by this process that no
                // live actor holds.
                final int table = region.buffer().getInt(HeaderDescriptor.PARTICIPANTS_OFFSET_OFFSET);
                final Set<Integer> held = ConcurrentHashMap.newKeySet();
                participants.values().forEach(p -> held.add(p.index()));
                for (int i = 0; i < CAPACITY; i++)
                {
                    final int entry = ParticipantDescriptor.entryOffset(table, i);
                    final long owner = region.buffer().getLongVolatile(entry + ParticipantDescriptor.OWNER_OFFSET);
                    if (!held.contains(i) && Math.abs(owner) == ProcessLiveness.currentIdentity())
                    {
                        CrashExplorer.killEntry(region, entry);
                    }
                }
            }
            participants.entrySet().removeIf(e -> e.getKey().equals(actor.name()));
            locks.remove(actor.name());
            dead.add(actor.name()); // if it held the lock, the next waiter must take it over
        }

        @Override
        public void recover(final CrashActor self)
        {
            region.participants().reclaimDead();
        }

        @Override
        public void finish(final CrashExplorer explorer)
        {
            explorer.runFresh("checker", self ->
            {
                final List<Participant> fresh = new ArrayList<>();
                for (int i = 0; i < CAPACITY; i++)
                {
                    fresh.add(region.attach(Role.SUPERVISOR)); // no entry may leak: all must be attachable
                }
                final RegionLock lock = new RegionLock(region.buffer(), lockWord, lockWord + 8,
                    region.participants(), fresh.get(0).token());
                final RegionLock.Acquisition got = lock.tryAcquire(5, TimeUnit.SECONDS);
                final RegionLock.Acquisition expected = holder == null ?
                    RegionLock.Acquisition.ACQUIRED : RegionLock.Acquisition.TAKEN_OVER;
                if (got != expected)
                {
                    throw new AssertionError("checker got " + got + " with the lock last held by " + holder +
                        "; expected " + expected + (got == RegionLock.Acquisition.TIMED_OUT ? " (a stall)" : ""));
                }
                lock.release();
                fresh.forEach(Participant::close);
            }, CrashExplorer.STEP_MILLIS);
            if (!problems.isEmpty())
            {
                throw new AssertionError(String.join("; ", problems));
            }
        }

        @Override
        public void close()
        {
            mappings.values().forEach(Region::close);
            region.close();
            Region.delete(dir.toString());
        }
    }

    @Test
    void shouldCreateAndOpenTheRegionWhereverItsCreatorDied() throws Exception
    {
        final List<String> failures = new ArrayList<>();
        final Map<String, String> coverage = new TreeMap<>();
        for (final RegionCrashPoint point : RegionCrashPoint.values())
        {
            final Path path = dir.resolve("region-" + point.name().toLowerCase());
            if (point == RegionCrashPoint.SWEEP_DELETE)
            {
                // A dead creator's leftover for the sweeper to find.
                final String dead = ProcessLiveness.currentPid() + "-" + (ProcessLiveness.currentStartTicks() + 1);
                Files.write(path.resolveSibling("." + path.getFileName() + ".creating." + dead + ".1"), new byte[8]);
            }
            final int status = runChild(point, path);
            if (status != 86)
            {
                failures.add(point + ": child exited " + status + " instead of dying at the point");
                coverage.put(point.id(), "NEVER STOPPED AT");
                continue;
            }
            coverage.put(point.id(), "{HALT=1}");
            final long start = System.nanoTime();
            try (Region region = Region.openOrCreate(path.toString(), RegionCreatorChild.SPEC))
            {
                region.checkIntact();
                assertEquals(0, region.longArray("a").get(0));
            }
            final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (millis > RECOVERY_DEADLINE_MS)
            {
                failures.add(point + ": openOrCreate after the death took " + millis + " ms");
            }
            try (Stream<Path> files = Files.list(dir))
            {
                final List<Path> left = files.filter(p -> p.getFileName().toString().contains(".creating."))
                    .toList();
                if (!left.isEmpty())
                {
                    failures.add(point + ": creation files left: " + left);
                }
            }
        }
        System.out.println("region creation crash exploration: " + coverage.size() + " cases (child JVMs halted)");
        coverage.forEach((point, modes) -> System.out.println("  " + point + " " + modes));
        assertEquals(List.of(), failures);
    }

    private static int runChild(final RegionCrashPoint point, final Path path) throws IOException,
        InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--sun-misc") || arg.startsWith("--enable-native"))
            {
                command.add(arg);
            }
        }
        final String exports = "java.base/jdk.internal.misc=ALL-UNNAMED";
        if (!command.contains(exports) && !command.contains("--add-exports=" + exports))
        {
            command.add("--add-exports");
            command.add(exports);
        }
        command.add("-Dshoal.test.crashpoints=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RegionCreatorChild.class.getName());
        command.add(point.name());
        command.add(path.toString());
        final Process child = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(path.resolveSibling(path.getFileName() + ".log").toFile()).start();
        try
        {
            if (!child.waitFor(30, TimeUnit.SECONDS))
            {
                return -1;
            }
            return child.exitValue();
        }
        finally
        {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
