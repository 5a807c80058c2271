package dev.shoal.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Crash-point exploration: runs a scenario's script once without faults to record every crash point each
 * actor reaches, then once per (actor, hit) and mode with that actor stopped at that hit, and checks the
 * scenario's invariants after each case. The enumeration, not the author, picks the instructions.
 *
 * <p>Modes (see {@link Mode}): the actor is killed there; killed, and the recoverer that repairs after it is
 * killed at each of its own hits (double kill) or paused at each of them while traffic goes on; paused there
 * while others run and recover, then resumed; paused, then killed at its next write after it resumes.
 *
 * <p>Killing is in-process: the actor's thread parks inside the hook for good (it never writes again) and
 * its participants' owner words are cleared, the state a dead process leaves once its entry is reclaimed.
 * The protocols identify actors only by participant token, so this is the state SIGKILL leaves; the
 * cross-process tests in ipc check the same with real processes.
 */
final class CrashExplorer
{
    /** How a case stops its actor. */
    enum Mode
    {
        /** Killed at the point; a recoverer repairs; traffic and a drain follow. */
        KILL,
        /** Killed at the point; the recoverer is killed at each of its own hits; a second recoverer repairs. */
        KILL_TWICE,
        /**
         * Killed at the point; the recoverer is paused at each of its hits while a second recoverer runs in full
         * and the traffic goes on; then it resumes.
         */
        KILL_PAUSE_RECOVERER,
        /**
         * Killed at the point; the recoverer is paused at each of its hits; while it is paused, the traffic's
         * actors are paused in turn at each of their writes, the recoverer resumes and finishes, then the
         * traffic goes on: a stale recoverer acting while another actor is midway through a write.
         */
        KILL_PAUSE_RECOVERER_INTERLEAVED,
        /** Paused at the point while the others run and recover, then resumed. */
        PAUSE,
        /** Paused at the point while the others run and recover, then killed at its next write. */
        PAUSE_THEN_KILL
    }

    /** One scripted step: an actor and what it does. */
    record Step(String actor, Runnable action)
    {
    }

    /** One case's world: a fresh region, the script and the invariants. */
    interface Run extends AutoCloseable
    {
        /**
         * @return the steps, in order.
         */
        List<Step> script();

        /**
         * @return the case's region (to make a killed actor's participants dead).
         */
        Region region();

        /**
         * Makes a stopped actor dead: by default its registered participants.
         *
         * @param actor the killed actor.
         */
        default void kill(final CrashActor actor)
        {
            killTokens(region(), actor);
        }

        /**
         * Repairs after a death, on a fresh actor's thread (e.g. a supervisor's recoverDeadLeases).
         *
         * @param self the recovering actor.
         */
        void recover(CrashActor self);

        /**
         * Drains what is left and checks every invariant; throws AssertionError naming what broke.
         *
         * @param explorer to run steps on fresh actors.
         */
        void finish(CrashExplorer explorer);

        @Override
        void close();
    }

    /** A scenario: makes a fresh {@link Run} per case. */
    interface Scenario
    {
        /**
         * @return the scenario's name.
         */
        String name();

        /**
         * @param dir a folder for the case's region.
         * @param explorer the explorer (for kills and fresh actors).
         * @return a fresh run.
         */
        Run start(Path dir, CrashExplorer explorer);
    }

    static final long STEP_MILLIS = 10_000;
    /** Failures after which the remaining cases are skipped. */
    static final int MAX_FAILURES = 20;

    private final Map<String, CrashActor> actors = new LinkedHashMap<>();
    private final Map<String, List<CrashPoint>> trace = new TreeMap<>();
    private final Map<CrashPoint, EnumMap<Mode, Integer>> faulted = new LinkedHashMap<>();
    private final Set<String> reached = new TreeSet<>();
    private final List<String> failures = new ArrayList<>();
    private volatile String armedActor;
    private volatile int armedHit;
    private volatile boolean armedKill;
    private volatile boolean countingAny;
    private volatile int anyHits;
    private volatile int anyTarget;
    private volatile CrashPoint interleaved;
    private int interleaveStride = 1;
    private long deadline = System.nanoTime() + Long.MAX_VALUE / 2;
    private int skipped;
    private volatile CrashPoint stoppedAt;
    private final List<CrashPoint> killedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Mode currentMode;
    private int cases;
    private int fresh;

    private final Set<String> protocols;
    private volatile boolean scheduling;
    private final Map<CrashPoint, Integer> searchKills = new LinkedHashMap<>();

    /**
     * @param protocols the protocols whose points this explorer counts and stops at (e.g. "ring"); points of
     *                  the others (a participant attach inside a ring scenario) pass through untouched.
     */
    CrashExplorer(final String... protocols)
    {
        this.protocols = Set.of(protocols);
        CrashPoints.install(new CrashPoints.Hook()
        {
            @Override
            public void reached(final CrashPoint point)
            {
                CrashExplorer.this.reached(point);
            }

            @Override
            public void waiting(final CrashPoint next)
            {
                CrashExplorer.this.waiting(next);
            }
        });
    }

    /** A wait loop's turn: a scheduled actor waits for the driver (unnumbered: not a write); others spin on. */
    private void waiting(final CrashPoint next)
    {
        final CrashActor actor = CrashActor.current();
        if (scheduling && actor != null && actor.isScheduled() && protocols.contains(next.protocol()))
        {
            actor.gate(next, true);
        }
    }

    private void reached(final CrashPoint point)
    {
        final CrashActor actor = CrashActor.current();
        if (actor == null || !protocols.contains(point.protocol()))
        {
            return;
        }
        final int hit = actor.nextHit();
        synchronized (this)
        {
            reached.add(point.id());
            trace.computeIfAbsent(actor.name(), k -> new ArrayList<>()).add(point);
        }
        if (scheduling && actor.isScheduled())
        {
            actor.gate(point, false); // the search's driver decides: go on, or die here
            return;
        }
        if (countingAny && !actor.name().startsWith(RECOVERER))
        {
            final int any = ++anyHits;
            if (any == anyTarget)
            {
                interleaved = point;
                actor.stopHere(false);
                return;
            }
        }
        if (actor.name().equals(armedActor) && hit == armedHit)
        {
            armedActor = null;
            stoppedAt = point;
            if (armedKill)
            {
                killedAt.add(point);
            }
            if (currentMode != null)
            {
                synchronized (this)
                {
                    faulted.computeIfAbsent(point, k -> new EnumMap<>(Mode.class))
                        .merge(currentMode, 1, Integer::sum);
                }
            }
            actor.stopHere(armedKill);
        }
    }

    /**
     * @return the actor of that name in the current case, started on first use.
     */
    CrashActor actor(final String name)
    {
        return actors.computeIfAbsent(name, CrashActor::new);
    }

    /**
     * Runs a step on a fresh actor and expects it to finish.
     *
     * @param prefix  a name prefix.
     * @param action  what it does.
     * @param timeout longest wait in ms.
     * @return the actor.
     */
    CrashActor runFresh(final String prefix, final Consumer<CrashActor> action, final long timeout)
    {
        final CrashActor actor = actor(prefix + "#" + (++fresh));
        expectDone(actor, actor.run(() -> action.accept(actor), timeout));
        return actor;
    }

    /**
     * Makes an actor's participants dead: each owner word is rewritten to the identity of a process that is
     * proven gone (this pid with other start ticks: a reused pid), sign kept, as a SIGKILLed process leaves its
     * entries. Liveness then takes its real path ({@link ProcessLiveness#isAlive}) to the verdict.
     */
    static void killTokens(final Region region, final CrashActor actor)
    {
        final var buffer = region.buffer();
        final int table = buffer.getInt(HeaderDescriptor.PARTICIPANTS_OFFSET_OFFSET);
        for (final long token : actor.tokens())
        {
            killEntry(region, ParticipantDescriptor.entryOffset(table, ParticipantTable.indexOf(token)));
        }
    }

    /**
     * Rewrites one entry's owner word (when owned) to a dead process's identity, sign kept.
     */
    static void killEntry(final Region region, final int entry)
    {
        final long dead = ProcessLiveness.identity(ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartTicks() + 1);
        final long owner = region.buffer().getLongVolatile(entry + ParticipantDescriptor.OWNER_OFFSET);
        if (owner != 0)
        {
            region.buffer().putLongVolatile(entry + ParticipantDescriptor.OWNER_OFFSET, owner < 0 ? -dead : dead);
        }
    }

    /**
     * Explores one scenario in every mode given.
     *
     * @param scenario what to run.
     * @param dir      a folder for regions.
     * @param modes    the modes to explore.
     */
    void explore(final Scenario scenario, final Path dir, final Set<Mode> modes)
    {
        final Map<String, List<CrashPoint>> clean = record(scenario, dir, null, null, 0, null, 0);
        for (final Map.Entry<String, List<CrashPoint>> entry : clean.entrySet())
        {
            final String name = entry.getKey();
            if (!isScripted(scenario, name))
            {
                continue;
            }
            for (int hit = 1; hit <= entry.getValue().size(); hit++)
            {
                for (final Mode mode : modes)
                {
                    explorePoint(scenario, dir, mode, name, hit);
                }
            }
        }
    }

    private boolean isScripted(final Scenario scenario, final String name)
    {
        return !name.contains("#");
    }

    private void explorePoint(
        final Scenario scenario, final Path dir, final Mode mode, final String name, final int hit)
    {
        if (failures.size() >= MAX_FAILURES)
        {
            return; // enough to act on; a broken protocol would otherwise cost a drain deadline per case
        }
        if (System.nanoTime() - deadline > 0)
        {
            skipped++;
            return;
        }
        if (mode == Mode.KILL_PAUSE_RECOVERER_INTERLEAVED)
        {
            final Map<String, List<CrashPoint>> after = record(scenario, dir, Mode.KILL, name, hit, null, 0);
            final int recovererHits = after.getOrDefault(RECOVERER, List.of()).size();
            for (int second = 1; second <= recovererHits; second++)
            {
                anyTarget = Integer.MAX_VALUE; // first learn how many traffic writes follow the pause
                record(scenario, dir, Mode.KILL_PAUSE_RECOVERER, name, hit, RECOVERER, second);
                final int traffic = anyHits;
                for (int third = 1; third <= traffic && failures.size() < MAX_FAILURES; third += interleaveStride)
                {
                    anyTarget = third;
                    record(scenario, dir, mode, name, hit, RECOVERER, second);
                }
                anyTarget = 0;
            }
            return;
        }
        if (mode == Mode.KILL_TWICE || mode == Mode.KILL_PAUSE_RECOVERER)
        {
            // First the single kill, to learn the recoverer's hits; then one case per hit.
            final Map<String, List<CrashPoint>> after = record(scenario, dir, Mode.KILL, name, hit, null, 0);
            final int recovererHits = after.getOrDefault(RECOVERER, List.of()).size();
            for (int second = 1; second <= recovererHits; second++)
            {
                record(scenario, dir, mode, name, hit, RECOVERER, second);
            }
            return;
        }
        record(scenario, dir, mode, name, hit, null, 0);
    }

    static final String RECOVERER = "recoverer";

    private Map<String, List<CrashPoint>> record(
        final Scenario scenario, final Path dir, final Mode mode, final String name, final int hit,
        final String secondName, final int secondHit)
    {
        final String label = scenario.name() + " " + (mode == null ? "clean" : mode + " " + name + "@" + hit +
            (secondName == null ? "" : " then " + secondName + "@" + secondHit));
        currentMode = mode;
        final Run run = begin(scenario, dir);
        try
        {
            runCase(run, mode, name, hit, secondName, secondHit);
            run.finish(this);
        }
        catch (final AssertionError | RuntimeException ex)
        {
            failures.add(label + (anyTarget > 0 && anyTarget < Integer.MAX_VALUE ? " interleaved@" + anyTarget +
                (interleaved == null ? "" : " " + interleaved.id()) : "") + " [stopped at " +
                (stoppedAt == null ? "-" : stoppedAt.id()) + "]: " + ex);
            System.out.println("FAILED " + failures.get(failures.size() - 1));
        }
        finally
        {
            end(run, label);
        }
        synchronized (this)
        {
            return new TreeMap<>(trace);
        }
    }

    /** Starts a case: a fresh run of the scenario, every per-case record cleared. */
    private Run begin(final Scenario scenario, final Path dir)
    {
        cases++;
        synchronized (this)
        {
            trace.clear();
        }
        stoppedAt = null;
        interleaved = null;
        countingAny = false;
        anyHits = 0;
        killedAt.clear();
        fresh = 0;
        return scenario.start(dir.resolve("case" + cases), this);
    }

    /** Ends a case: every actor resumed and stopped, the region closed unless an actor may still touch it. */
    private void end(final Run run, final String label)
    {
        boolean ended = true;
        armedActor = null;
        scheduling = false;
        for (final CrashActor actor : actors.values())
        {
            actor.resume();
        }
        for (final CrashActor actor : actors.values())
        {
            ended &= actor.stop();
        }
        actors.clear();
        if (ended)
        {
            run.close();
        }
        else
        {
            // An actor still runs (stalled inside a call): unmapping under it would crash the JVM, so the
            // case's region stays mapped until the JVM exits.
            failures.add(label + ": an actor did not end; its region is left mapped");
        }
    }

    private void runCase(
        final Run run, final Mode mode, final String name, final int hit, final String secondName,
        final int secondHit)
    {
        if (mode != null)
        {
            arm(name, hit, mode != Mode.PAUSE && mode != Mode.PAUSE_THEN_KILL);
        }
        final List<Step> deferred = new ArrayList<>();
        CrashActor stopped = null;
        CrashActor pausedRecoverer = null;
        CrashActor pausedTraffic = null;
        for (final Step step : run.script())
        {
            final CrashActor actor = actor(step.actor());
            if (actor.isKilled())
            {
                continue; // a dead actor's steps never run
            }
            if (actor.isPaused())
            {
                deferred.add(step);
                continue;
            }
            final CrashActor.Outcome outcome = actor.run(step.action(), STEP_MILLIS);
            if (outcome != CrashActor.Outcome.STOPPED)
            {
                expectDone(actor, outcome);
                continue;
            }
            if (pausedRecoverer != null && actor.isPaused())
            {
                // Interleaved: the recoverer acts on what it read before its pause while this actor is midway
                // through a write; then the traffic goes on around the still paused actor.
                countingAny = false;
                pausedRecoverer.resume();
                expectDone(pausedRecoverer, pausedRecoverer.await(STEP_MILLIS));
                pausedRecoverer = null;
                pausedTraffic = actor;
                continue;
            }
            stopped = actor;
            if (actor.isKilled())
            {
                run.kill(actor);
                pausedRecoverer = recoverAfterDeath(run, mode, secondName, secondHit);
                if (pausedRecoverer != null)
                {
                    // Two recoverers: a second one runs in full while the first is paused mid-repair.
                    runFresh(RECOVERER + "2", run::recover, STEP_MILLIS);
                    anyHits = 0;
                    countingAny = anyTarget > 0; // count (and maybe stop at) the traffic's writes from here
                }
            }
            else
            {
                runFresh("bystander", run::recover, STEP_MILLIS); // a recoverer must leave a live actor alone
            }
        }
        if (stopped != null && stopped.isPaused())
        {
            resumePaused(run, stopped, mode);
            if (!stopped.isKilled())
            {
                for (final Step step : deferred)
                {
                    expectDone(stopped, stopped.run(step.action(), STEP_MILLIS));
                }
            }
        }
        countingAny = false;
        if (pausedTraffic != null)
        {
            pausedTraffic.resume();
            expectDone(pausedTraffic, pausedTraffic.await(STEP_MILLIS));
            for (final Step step : deferred)
            {
                expectDone(pausedTraffic, pausedTraffic.run(step.action(), STEP_MILLIS));
            }
        }
        if (pausedRecoverer != null)
        {
            pausedRecoverer.resume();
            expectDone(pausedRecoverer, pausedRecoverer.await(STEP_MILLIS));
        }
        if (mode != null && stopped == null)
        {
            throw new AssertionError("the armed hit was never reached (the scenario is not deterministic)");
        }
    }

    private CrashActor recoverAfterDeath(
        final Run run, final Mode mode, final String secondName, final int secondHit)
    {
        final CrashActor recoverer = actor(RECOVERER);
        if (secondName != null)
        {
            arm(secondName, secondHit, mode == Mode.KILL_TWICE);
        }
        final CrashActor.Outcome outcome = recoverer.run(() -> run.recover(recoverer), STEP_MILLIS);
        if (outcome != CrashActor.Outcome.STOPPED)
        {
            expectDone(recoverer, outcome);
            return null;
        }
        if (recoverer.isKilled())
        {
            run.kill(recoverer);
            runFresh("recoverer2", run::recover, STEP_MILLIS);
            return null;
        }
        return recoverer; // paused: the script's traffic runs on, then it resumes
    }

    private void resumePaused(final Run run, final CrashActor stopped, final Mode mode)
    {
        if (mode == Mode.PAUSE_THEN_KILL)
        {
            arm(stopped.name(), stopped.hitsSoFar() + 1, true);
        }
        stopped.resume();
        final CrashActor.Outcome outcome = stopped.await(STEP_MILLIS);
        if (outcome == CrashActor.Outcome.STOPPED)
        {
            run.kill(stopped);
            runFresh("recoverer", run::recover, STEP_MILLIS);
            return;
        }
        armedActor = null;
        expectDone(stopped, outcome);
    }

    private void arm(final String name, final int hit, final boolean kill)
    {
        armedHit = hit;
        armedKill = kill;
        armedActor = name;
    }

    private static void expectDone(final CrashActor actor, final CrashActor.Outcome outcome)
    {
        if (outcome == CrashActor.Outcome.FAILED)
        {
            throw new AssertionError("actor " + actor.name() + " failed: " + actor.failure(), actor.failure());
        }
        if (outcome == CrashActor.Outcome.STOPPED)
        {
            throw new AssertionError("actor " + actor.name() + " stopped unexpectedly");
        }
    }

    /**
     * @return how many actors of this case were killed just before a counter add that follows their decision
     *     (abandon or abort counted late): the one documented counter window, one count low per such death.
     */
    int countWindowKills()
    {
        return (int)killedAt.stream().filter(COUNT_WINDOWS::contains).count();
    }

    /**
     * For {@link CrashSearch}: starts a case whose actors the search schedules; each waits at every crash point
     * of the explored protocols until the search's driver decides.
     */
    Run beginScheduled(final Scenario scenario, final Path dir)
    {
        currentMode = null;
        final Run run = begin(scenario, dir);
        scheduling = true;
        return run;
    }

    /**
     * For {@link CrashSearch}: the schedule is over; actors started from here (the drainer) run freely.
     */
    void stopScheduling()
    {
        scheduling = false;
    }

    /**
     * For {@link CrashSearch}: ends a case as {@link #explore}'s cases end.
     */
    void endScheduled(final Run run, final String label)
    {
        end(run, label);
    }

    /**
     * For {@link CrashSearch}: an actor was killed at {@code point}.
     */
    synchronized void searchKilled(final CrashPoint point)
    {
        killedAt.add(point);
        searchKills.merge(point, 1, Integer::sum);
    }

    /**
     * Records a failed case.
     */
    void fail(final String text)
    {
        failures.add(text);
        System.out.println("FAILED " + text);
    }

    /**
     * @return per point, how many search cases killed an actor there.
     */
    synchronized Map<CrashPoint, Integer> searchKills()
    {
        return new LinkedHashMap<>(searchKills);
    }

    private static final Set<CrashPoint> COUNT_WINDOWS = Set.of(RingCrashPoint.ABANDON_COUNT,
        RingCrashPoint.ABORT_COUNT, RingCrashPoint.TAKE_CORRUPT_COUNT, RingCrashPoint.RECOVER_CORRUPT_COUNT);

    /**
     * @return the failures so far, one line each.
     */
    List<String> failures()
    {
        return failures;
    }

    /**
     * @return cases run so far.
     */
    int cases()
    {
        return cases;
    }

    /**
     * @return ids of points reached by any actor in any case.
     */
    Set<String> reached()
    {
        return reached;
    }

    /**
     * @return per point, how many cases stopped an actor there, by mode.
     */
    Map<CrashPoint, EnumMap<Mode, Integer>> faulted()
    {
        return faulted;
    }

    /**
     * @param stride explore every stride-th traffic write in the interleaved mode (1: every one).
     */
    void interleaveStride(final int stride)
    {
        interleaveStride = stride;
    }

    /**
     * @param seconds time budget: (actor, hit, mode) combinations not started by then are counted as skipped.
     */
    void budget(final long seconds)
    {
        deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    }

    /**
     * @return (actor, hit, mode) combinations skipped for the time budget.
     */
    int skipped()
    {
        return skipped;
    }

    /**
     * Removes the hook.
     */
    void close()
    {
        CrashPoints.install(null);
    }
}
