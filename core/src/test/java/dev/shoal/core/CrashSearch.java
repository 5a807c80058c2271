package dev.shoal.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Schedule search on the {@link CrashExplorer}: where {@code explore} stops one actor (or two) at each hit of a
 * script run in its written order, this runs every scripted actor at once, each on its own thread with its own
 * steps in script order, and lets exactly one of them past a crash point at a time. A seeded random strategy
 * picks which, and may kill the picked actor at its point instead (a recoverer then starts, scheduled like
 * everyone else, so it too can be paused for long or killed midway). So the search reaches interleavings no
 * script spells out: several actors midway through their writes at once, a recoverer paused while a newcomer
 * reuses what it read, deaths of two or three actors in one case.
 *
 * <p>Every shared write of an explored protocol (the explorer's: the ring's and the participant table's in
 * {@link RingCrashSearchTest}, the heap's and the table's in {@link HeapCrashSearchTest}) has a crash point
 * before it, so the order in which actors pass points is the order of their writes; what an actor reads between
 * two of its points, it reads while every other actor waits. An actor spinning in a wait loop (a lock's waiter)
 * waits at {@link CrashPoints#waiting} instead: given a turn it goes once round its loop, and gets no other until
 * some actor wrote or died, so a waiter cannot starve the holder it waits for; when every actor left waits, they
 * take turns until time moves one (a dead holder is taken over after the liveness check's delay) or, after a few
 * milliseconds, paused actors resume. The strategy is drawn per case from its seed:
 * <ul>
 *   <li>two cases in three: priorities (PCT): each actor gets a random priority and the highest waiting one
 *       goes on, so one actor runs ahead while the others wait at their points; at up to three random
 *       decisions the actor about to go is demoted below everyone (a long pause at an arbitrary point);</li>
 *   <li>otherwise a random walk: a uniformly random waiting actor goes on at each decision;</li>
 *   <li>0 to 3 kills at random decisions, and in half the cases a recoverer started at a random decision
 *       while nobody died (it must leave live actors alone); besides, an actor let past {@link ScriptPoint#DIE}
 *       dies there, as its script says (when is still the schedule's choice);</li>
 *   <li>half the recoverers pause at a random one of their first {@value #PAUSE_WITHIN} points for a random number
 *       of decisions, then act on what they read before.</li>
 * </ul>
 * After {@value #FAIR_AFTER} decisions every case falls back to the random walk, so no schedule starves an
 * actor that another waits for; a case still running after {@value #MAX_DECISIONS} decisions fails (a livelock).
 * Then the scenario's {@code finish} drains and checks its invariants as after any explored case. A failure
 * names the seed; {@code -Dshoal.search.seed=S -Dshoal.search.cases=1} replays it (time-driven paths such as
 * a consumer's lease scan may still take another turn).
 */
final class CrashSearch
{
    static final int FAIR_AFTER = 2_000;
    /** How many turns an actor that finds the participant table full waits for an entry before it gives up. */
    static final int ENTRY_TURNS = 64;
    static final int MAX_DECISIONS = 50_000;
    /** A pausing recoverer pauses at one of its first this many crash points. */
    static final int PAUSE_WITHIN = 16;
    /** The last decisions kept in a failure's text. */
    private static final int LOG_TAIL = 240;

    private final CrashExplorer explorer;
    /** The points a kill may land on; the others are scheduling points only. */
    private final Predicate<CrashPoint> killable;
    /**
     * Per scenario, the most decisions a case took so far: the range change points and kills are drawn from (the
     * most, not the last: a case cut short by an early kill would otherwise pull the next ones' kills early too).
     */
    private final Map<String, Integer> decisionsSeen = new HashMap<>();
    private long decisions;
    private int cases;
    private int kills;

    /**
     * @param explorer the explorer whose protocols' points the actors wait at.
     * @param killable the protocols whose points a kill may land on (a kill drawn for another protocol's point
     *                 waits for the next decision at one of these).
     */
    CrashSearch(final CrashExplorer explorer, final String... killable)
    {
        this(explorer, point -> Set.of(killable).contains(point.protocol()));
    }

    /**
     * @param explorer the explorer whose protocols' points the actors wait at.
     * @param killable the points a kill may land on (a kill drawn for another point waits for the next decision
     *                 at one of these).
     */
    CrashSearch(final CrashExplorer explorer, final Predicate<CrashPoint> killable)
    {
        this.explorer = explorer;
        this.killable = killable;
    }

    /**
     * Searches {@code scenarios} in turn, one case each per seed, for {@code seconds} (every scenario at least
     * once), in a folder under {@code /dev/shm} when there is one, else in {@code fallbackDir}. Reads
     * {@code shoal.search.seed} (the first seed; default the clock), {@code shoal.search.cases} (the most cases) and
     * {@code shoal.crash.scenarios} (exact names, comma-separated: only those).
     *
     * Then prints the kills per point (every point of {@code reported}, killed or not) and fails on any failed case.
     *
     * @param what a name for the printed lines.
     * @throws AssertionError when a case failed, no scenario has a name asked for, or none was searched.
     */
    static void runFor(
        final String what, final CrashExplorer explorer, final CrashSearch search,
        final List<CrashExplorer.Scenario> scenarios, final long seconds, final Path fallbackDir,
        final Collection<? extends CrashPoint> reported)
        throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        final Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ?
            Files.createTempDirectory(shm, "shoal-search-") : fallbackDir;
        final long base = Long.getLong("shoal.search.seed", System.nanoTime());
        final int maxCases = Integer.getInteger("shoal.search.cases", Integer.MAX_VALUE);
        final List<String> only = List.of(System.getProperty("shoal.crash.scenarios", "").split(","));
        final List<CrashExplorer.Scenario> chosen = scenarios.stream()
            .filter(s -> only.equals(List.of("")) || only.contains(s.name())).toList();
        if (chosen.isEmpty())
        {
            throw new AssertionError("no " + what + " search scenario named " + only);
        }
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        System.out.println(what + " schedule search: seeds from " + base + " for " + seconds + " s");
        try
        {
            for (int i = 0; i < maxCases && explorer.failures().size() < CrashExplorer.MAX_FAILURES &&
                (i < chosen.size() || System.nanoTime() - end < 0); i++)
            {
                search.run(chosen.get(i % chosen.size()), dir, base + i / chosen.size());
            }
        }
        finally
        {
            explorer.close();
            if (dir != fallbackDir)
            {
                org.agrona.IoUtil.delete(dir.toFile(), true);
            }
        }
        final Map<String, Integer> kills = new TreeMap<>();
        reported.forEach(point -> kills.put(point.id(), explorer.searchKills().getOrDefault(point, 0)));
        System.out.println(what + " schedule search: " + search.cases() + " cases, " + search.decisions() +
            " decisions, " + search.kills() + " kills; kills per point: " + kills);
        if (!explorer.failures().isEmpty())
        {
            throw new AssertionError(explorer.failures().size() + " cases failed, first: " +
                explorer.failures().get(0));
        }
        if (search.cases() < Math.min(maxCases, chosen.size()))
        {
            throw new AssertionError("every scenario searched at least once: " + search.cases() + " cases");
        }
    }

    /**
     * Attaches through {@code attach}; while it finds the participant table full, waits for an entry (a death or
     * a close frees one) at {@link CrashPoints#waiting}, a turn at a time under the search, and tries again, for
     * {@value #ENTRY_TURNS} turns.
     *
     * @return what {@code attach} returned.
     * @throws IllegalStateException the table still full after the last turn, or any other refusal at once.
     */
    static <T> T attachWaiting(final Supplier<T> attach)
    {
        for (int turn = 1; ; turn++)
        {
            try
            {
                return attach.get();
            }
            catch (final IllegalStateException ex)
            {
                if (!isTableFull(ex) || turn == ENTRY_TURNS)
                {
                    throw ex;
                }
                CrashPoints.waiting(ParticipantCrashPoint.ATTACH_CLAIM_CAS); // a wait, not a write
            }
        }
    }

    /**
     * @return whether an attach was refused because every participant entry is taken by a live owner.
     */
    static boolean isTableFull(final IllegalStateException ex)
    {
        return String.valueOf(ex.getMessage()).contains("participant table full");
    }

    /** A case's strategy, drawn from its seed. */
    private record Plan(boolean priorities, Set<Integer> changeAt, Set<Integer> killAt, int recoverAt, int estimate)
    {
        static Plan draw(final SplittableRandom random, final int estimate)
        {
            final boolean priorities = random.nextInt(3) != 0;
            final Set<Integer> changeAt = draws(random, priorities ? random.nextInt(4) : 0, estimate);
            final int k = random.nextInt(20);
            final Set<Integer> killAt = draws(random, k < 4 ? 0 : k < 12 ? 1 : k < 18 ? 2 : 3, estimate);
            final int recoverAt = random.nextBoolean() ? 1 + random.nextInt(estimate) : 0;
            return new Plan(priorities, changeAt, killAt, recoverAt, estimate);
        }

        private static Set<Integer> draws(final SplittableRandom random, final int count, final int estimate)
        {
            final Set<Integer> at = new HashSet<>();
            while (at.size() < count)
            {
                at.add(1 + random.nextInt(estimate));
            }
            return at;
        }

        @Override
        public String toString()
        {
            return (priorities ? "priorities, demotions at " + new java.util.TreeSet<>(changeAt) : "random walk") +
                ", kills at " + new java.util.TreeSet<>(killAt) + (recoverAt > 0 ? ", recoverer at " + recoverAt : "");
        }
    }

    /**
     * Runs one case of {@code scenario} under the schedule drawn from {@code seed}.
     *
     * @return whether the case kept every invariant.
     */
    boolean run(final CrashExplorer.Scenario scenario, final Path dir, final long seed)
    {
        cases++;
        final SplittableRandom random = new SplittableRandom(seed);
        final Plan plan = Plan.draw(random, decisionsSeen.getOrDefault(scenario.name(), 64));
        final String label = scenario.name() + " search seed=" + seed;
        final List<String> log = new ArrayList<>();
        final CrashExplorer.Run run = explorer.beginScheduled(scenario, dir);
        try
        {
            drive(run, plan, random, log);
            explorer.stopScheduling();
            run.finish(explorer);
            return true;
        }
        catch (final AssertionError | RuntimeException ex)
        {
            final List<String> tail = log.subList(Math.max(0, log.size() - LOG_TAIL), log.size());
            explorer.fail(label + " (" + plan + ") after " + log.size() + " decisions: " + ex +
                "\n    schedule" + (tail.size() < log.size() ? " (last " + LOG_TAIL + ")" : "") + ": " +
                String.join(" ", tail));
            return false;
        }
        finally
        {
            decisions += log.size();
            decisionsSeen.merge(scenario.name(), Math.max(16, log.size()), Math::max);
            explorer.endScheduled(run, label);
        }
    }

    private void drive(
        final CrashExplorer.Run run, final Plan plan, final SplittableRandom random, final List<String> log)
    {
        final List<CrashActor> actors = new ArrayList<>();
        final Map<CrashActor, Double> priority = new HashMap<>();
        final Map<CrashActor, Integer> pauseAt = new HashMap<>();
        final Map<CrashActor, Integer> paused = new HashMap<>(); // actor -> the decision it resumes at
        final int estimate = plan.estimate();
        startScripted(run, actors, priority, random);
        int recoverers = 0;
        int decision = 0;
        boolean killDue = false;
        final Set<CrashActor> blocked = new HashSet<>(); // waiters that took a turn since the last write
        final Stuck stuck = new Stuck();
        while (true)
        {
            awaitQuiet(actors);
            final int now = decision;
            paused.values().removeIf(until -> until <= now); // spans run out: those actors are back in the draw
            final List<CrashActor> gated = new ArrayList<>();
            final List<CrashActor> waiting = new ArrayList<>();
            for (final CrashActor actor : actors)
            {
                if (!actor.isKilled() && actor.gatedAt() != null && !paused.containsKey(actor))
                {
                    (actor.isWaiting() && blocked.contains(actor) ? waiting : gated).add(actor);
                }
            }
            if (gated.isEmpty())
            {
                if (!waiting.isEmpty() && stuck.spin(waiting, !paused.isEmpty(), random))
                {
                    continue; // every actor left waits for a lock: only time (its holder found dead) moves one
                }
                if (paused.isEmpty())
                {
                    break; // every actor ended its steps or died
                }
                paused.clear(); // the others ended, died or wait for them: paused actors resume early
                stuck.end(log);
                log.add("resume");
                continue;
            }
            stuck.end(log);
            if (++decision > MAX_DECISIONS)
            {
                throw new AssertionError("no end after " + MAX_DECISIONS + " decisions, the last " + (MAX_DECISIONS -
                    FAIR_AFTER) + " of them random: a livelock; waiting: " + gated);
            }
            if (decision == plan.recoverAt())
            {
                log.add("recover");
                startRecoverer(run, "recoverer-" + ++recoverers, actors, priority, pauseAt, random);
                continue;
            }
            final boolean fair = !plan.priorities() || decision > FAIR_AFTER;
            CrashActor chosen = choose(gated, priority, fair, random);
            if (!fair && plan.changeAt().contains(decision))
            {
                priority.put(chosen, Collections.min(priority.values()) - 1); // demoted: paused behind everyone
                log.add("demote " + chosen.name());
                chosen = choose(gated, priority, false, random);
            }
            final CrashPoint point = chosen.gatedAt();
            if (chosen.isWaiting())
            {
                blocked.add(chosen); // one more turn of its wait loop: blocked until the next write, if it waits on
                log.add(chosen.name() + "~");
                chosen.go();
                continue;
            }
            blocked.clear(); // a write (or a death) follows: every waiter may find what it waits for
            if (point == ScriptPoint.DIE)
            {
                log.add("DIE " + chosen.name()); // the script's death: no recoverer of its own (see ScriptPoint)
                kill(run, chosen, point);
                continue;
            }
            if (pauseAt.remove(chosen, chosen.hitsSoFar()))
            {
                // Waits here for a random number of decisions (or until every other actor ended or died).
                final int until = decision + 1 + random.nextInt(estimate);
                paused.put(chosen, until);
                log.add("pause " + chosen.name() + "@" + point.id() + " until " + until);
                continue;
            }
            killDue |= plan.killAt().contains(decision);
            if (killDue && killable.test(point))
            {
                killDue = false;
                log.add("KILL " + chosen.name() + "@" + point.id());
                kill(run, chosen, point);
                kills++;
                startRecoverer(run, "recoverer-" + ++recoverers, actors, priority, pauseAt, random);
                continue;
            }
            log.add(chosen.name() + "@" + point.id());
            chosen.go();
        }
        expectEnded(actors);
    }

    /** Starts every scripted actor, each with its own steps in script order. */
    private void startScripted(
        final CrashExplorer.Run run, final List<CrashActor> actors, final Map<CrashActor, Double> priority,
        final SplittableRandom random)
    {
        final Map<String, List<Runnable>> steps = new LinkedHashMap<>();
        for (final CrashExplorer.Step step : run.script())
        {
            steps.computeIfAbsent(step.actor(), k -> new ArrayList<>()).add(step.action());
        }
        for (final Map.Entry<String, List<Runnable>> entry : steps.entrySet())
        {
            start(explorer.actor(entry.getKey()), () -> entry.getValue().forEach(Runnable::run), actors, priority,
                random);
        }
    }

    /** Every actor that was not killed ended its steps without a failure. */
    private static void expectEnded(final List<CrashActor> actors)
    {
        for (final CrashActor actor : actors)
        {
            if (!actor.isKilled())
            {
                final CrashActor.Outcome outcome = actor.await(CrashExplorer.STEP_MILLIS);
                if (outcome != CrashActor.Outcome.DONE)
                {
                    throw new AssertionError("actor " + actor.name() + " " + outcome + ": " + actor.failure(),
                        actor.failure());
                }
            }
        }
    }

    /**
     * Turns of wait loops while every actor left waits on a lock: no write of theirs can free it, only time can
     * (after {@link RegionLock#LIVENESS_CHECK_NANOS} a waiter asks whether the holder is alive).
     */
    private static final class Stuck
    {
        /** With an actor paused (maybe the holder), how long waiters spin before it resumes. */
        private static final long PAUSED_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
        /** With nobody paused, how long waiters may spin before the case fails: a lock that is never freed. */
        private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(2);
        private long since;
        private int turns;

        /**
         * @return true when a waiter took a turn; false when the paused actors should resume instead.
         */
        boolean spin(final List<CrashActor> waiting, final boolean anyPaused, final SplittableRandom random)
        {
            final long now = System.nanoTime();
            if (turns++ == 0)
            {
                since = now;
            }
            if (anyPaused && now - since > PAUSED_NANOS)
            {
                return false;
            }
            if (now - since > LIMIT_NANOS)
            {
                throw new AssertionError("every actor left has waited " + TimeUnit.NANOSECONDS.toMillis(now - since) +
                    " ms for a lock nobody frees: " + waiting);
            }
            waiting.get(random.nextInt(waiting.size())).go();
            return true;
        }

        void end(final List<String> log)
        {
            if (turns > 0)
            {
                log.add("stuck~" + turns);
                turns = 0;
            }
        }
    }

    private static CrashActor choose(
        final List<CrashActor> gated, final Map<CrashActor, Double> priority, final boolean fair,
        final SplittableRandom random)
    {
        if (fair)
        {
            return gated.get(random.nextInt(gated.size()));
        }
        CrashActor best = gated.get(0);
        for (final CrashActor actor : gated)
        {
            if (priority.get(actor) > priority.get(best))
            {
                best = actor;
            }
        }
        return best;
    }

    /**
     * Starts a recoverer; in half the cases it will pause at a random one of its first {@value #PAUSE_WITHIN}
     * points for a random number of decisions (or until every other actor has ended or died), as the explorer's
     * paused-recoverer modes do at each hit, so that it acts late on what it read before, maybe while another
     * actor is midway through a write.
     */
    private void startRecoverer(
        final CrashExplorer.Run run, final String name, final List<CrashActor> actors,
        final Map<CrashActor, Double> priority, final Map<CrashActor, Integer> pauseAt, final SplittableRandom random)
    {
        final CrashActor recoverer = explorer.actor(name);
        if (random.nextBoolean())
        {
            pauseAt.put(recoverer, 1 + random.nextInt(PAUSE_WITHIN));
        }
        start(recoverer, () -> run.recover(recoverer), actors, priority, random);
    }

    /** Starts a scheduled actor's steps and waits until it reaches its first point or ends. */
    private void start(
        final CrashActor actor, final Runnable steps, final List<CrashActor> actors,
        final Map<CrashActor, Double> priority, final SplittableRandom random)
    {
        actor.schedule(Thread.currentThread());
        actors.add(actor);
        priority.put(actor, random.nextDouble());
        actor.submit(steps);
        awaitQuiet(actors);
    }

    private void kill(final CrashExplorer.Run run, final CrashActor actor, final CrashPoint point)
    {
        actor.killAtGate();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CrashExplorer.STEP_MILLIS);
        while (!actor.isKilled())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("actor " + actor.name() + " did not stop at " + point.id());
            }
            Thread.onSpinWait();
        }
        explorer.searchKilled(point);
        run.kill(actor);
    }

    /**
     * Waits until no scheduled actor is stepping: each waits at a point, has ended its steps, or is dead.
     *
     * @throws AssertionError when one neither reaches a point nor ends within the step timeout (it spins on
     *     something a waiting actor must do, outside any point, or stalls).
     */
    private static void awaitQuiet(final List<CrashActor> actors)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CrashExplorer.STEP_MILLIS);
        int spins = 0;
        while (true)
        {
            CrashActor busy = null;
            for (final CrashActor actor : actors)
            {
                if (actor.isRunning())
                {
                    busy = actor;
                    break;
                }
            }
            if (busy == null)
            {
                return;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("actor " + busy.name() + " neither reached a crash point nor ended within " +
                    CrashExplorer.STEP_MILLIS + " ms");
            }
            if (++spins < 200)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(20_000); // woken early when the actor reaches a point or ends
            }
        }
    }

    /**
     * @return cases run.
     */
    int cases()
    {
        return cases;
    }

    /**
     * @return scheduling decisions made over all cases.
     */
    long decisions()
    {
        return decisions;
    }

    /**
     * @return actors killed over all cases.
     */
    int kills()
    {
        return kills;
    }
}
