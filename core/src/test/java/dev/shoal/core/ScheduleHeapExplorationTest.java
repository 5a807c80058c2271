package dev.shoal.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Crash-point exploration of the {@link ScheduleHeap} protocol, in process, for what the shared
 * {@link CrashExplorer} cannot do with a lock: pausing a lock holder while the others wait. Actors are
 * threads, each with its own heap handle, that run scripted steps one at a time in a fixed schedule. A
 * fault-free run records every actor's crash-point hits; then:
 * <ul>
 *   <li>PAUSE, every (actor, hit): the actor holds still in the hook (holding the lock) while the next step of
 *       another actor is started; that step must wait (no takeover of a live holder) for four liveness-check
 *       periods; then the actor resumes and everything completes exactly.</li>
 *   <li>KILL, the first hit of each distinct point: the actor parks forever in the hook and its participant
 *       generation is bumped (its token is dead, as after SIGKILL); the next acquirer must take over and
 *       repair. ({@link HeapCrashExplorationTest} kills every hit.)</li>
 *   <li>DOUBLE_KILL, for each such victim: the recoverer (the next actor to take the lock, running its own
 *       scripted step) is killed at each of its hits during its repair; a third party must repair again.</li>
 * </ul>
 * After each case a checker actor puts back dead leases, verifies the heap and compares it with a model of
 * what the acknowledged operations imply (a killed operation may or may not have happened). Coverage is
 * printed; a heap crash point never stopped at fails the run.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class ScheduleHeapExplorationTest
{
    private static final int CAPACITY = 8;
    private static final int PAYLOAD = 16;
    private static final long STEP_DEADLINE_MS = 10_000;
    /** How long a step of another actor is given to (wrongly) get past a paused lock holder. */
    private static final long PAUSE_WINDOW_MS = 4 * TimeUnit.NANOSECONDS.toMillis(RegionLock.LIVENESS_CHECK_NANOS);
    private static final ThreadLocal<Actor> CURRENT = new ThreadLocal<>();

    @TempDir
    Path dir;

    private final Set<HeapCrashPoint> reached = ConcurrentHashMap.newKeySet();
    private final Map<HeapCrashPoint, EnumSet<Mode>> stopped = new EnumMap<>(HeapCrashPoint.class);
    private final Map<Mode, Integer> casesByMode = new EnumMap<>(Mode.class);
    private int caseNumber;

    enum Mode
    {
        NONE, KILL, PAUSE, DOUBLE_KILL
    }

    @AfterEach
    void tearDown()
    {
        CrashPoints.install(null);
    }

    // ---- the scenarios -------------------------------------------------------------------------------------

    private static List<Scenario> scenarios()
    {
        final int a = 0;
        final int b = 1;
        final int c = 2;
        return List.of(
            new Scenario("push-poll-reschedule-complete", 3, List.of(
                push(a, 50, "a1"), push(a, 30, "a2"), poll(b), push(a, 10, "a3"), push(a, 20, "a4"),
                reschedule(b, 5), poll(b), complete(b), push(a, 40, "a5"), poll(b), recover(c))),
            new Scenario("cancel-replace", 4, List.of(
                push(a, 5, "x1"), push(a, 6, "x2"), push(a, 7, "x3"), push(a, 8, "x4"), poll(b), poll(b),
                cancel(a, "x1"), cancel(a, "x3"), replace(c, "y1", "y2", "y3"), reschedule(b, 1), complete(b),
                poll(b), recover(3))),
            new Scenario("dead-lease-reclaim", 3, List.of(
                push(a, 1, "k1"), push(a, 2, "k2"), push(a, 3, "k3"), push(a, 4, "k4"), poll(b), poll(b),
                cancel(a, "k1"), die(b), recover(c), poll(a), complete(a))));
    }

    @Test
    void shouldKeepEveryRecordExactlyOnceWhereverAHolderStops()
    {
        CrashPoints.install(this::reached);
        final long start = System.nanoTime();
        final Set<HeapCrashPoint> doubleKillVictims = EnumSet.noneOf(HeapCrashPoint.class);
        for (final Scenario scenario : scenarios())
        {
            final CaseResult clean = run(scenario, new Case(Mode.NONE, -1, -1, -1));
            for (int actor = 0; actor < scenario.actors; actor++)
            {
                final List<HeapCrashPoint> trace = clean.traces.get(actor);
                for (int hit = 1; hit <= trace.size(); hit++)
                {
                    run(scenario, new Case(Mode.PAUSE, actor, hit, -1));
                    if (doubleKillVictims.contains(trace.get(hit - 1)))
                    {
                        continue; // every hit is killed once by HeapCrashExplorationTest; here one per point
                    }
                    final CaseResult killed = run(scenario, new Case(Mode.KILL, actor, hit, -1));
                    if (killed.recoverySpan > 0)
                    {
                        doubleKillVictims.add(trace.get(hit - 1));
                        for (int k = 1; k <= killed.recoverySpan; k++)
                        {
                            run(scenario, new Case(Mode.DOUBLE_KILL, actor, hit, k));
                        }
                    }
                }
            }
        }
        printCoverage(System.nanoTime() - start);
        final List<HeapCrashPoint> neverReached = new ArrayList<>();
        final List<HeapCrashPoint> neverStopped = new ArrayList<>();
        for (final HeapCrashPoint point : HeapCrashPoint.values())
        {
            if (!reached.contains(point))
            {
                neverReached.add(point);
            }
            if (!stopped.containsKey(point))
            {
                neverStopped.add(point);
            }
        }
        assertEquals(List.of(), neverReached, "heap crash points never reached");
        assertEquals(List.of(), neverStopped, "heap crash points never stopped at");
    }

    private void reached(final CrashPoint point)
    {
        if (point instanceof HeapCrashPoint)
        {
            reached.add((HeapCrashPoint)point);
            final Actor actor = CURRENT.get();
            if (actor != null)
            {
                actor.onHit((HeapCrashPoint)point);
            }
        }
    }

    private void printCoverage(final long nanos)
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format("heap crash-point exploration: %d points, %d cases (%s) in %d ms%n",
            HeapCrashPoint.values().length, caseNumber, casesByMode, TimeUnit.NANOSECONDS.toMillis(nanos)));
        for (final HeapCrashPoint point : HeapCrashPoint.values())
        {
            final EnumSet<Mode> modes = stopped.getOrDefault(point, EnumSet.noneOf(Mode.class));
            out.append(String.format("  %-28s reached=%-5s %s%n", point, reached.contains(point), modes));
        }
        System.out.print(out);
    }

    // ---- one case ------------------------------------------------------------------------------------------

    private CaseResult run(final Scenario scenario, final Case c)
    {
        caseNumber++;
        casesByMode.merge(c.mode, 1, Integer::sum);
        final String name = scenario.name + " " + c;
        final Region region = Region.create(dir.resolve("case-" + caseNumber).toString(),
            RegionSpec.builder().add(ScheduleHeap.spec("timers", CAPACITY, PAYLOAD)).build());
        final Model model = new Model();
        final List<Actor> actors = new ArrayList<>();
        try
        {
            for (int i = 0; i <= scenario.actors; i++) // the last one is the checker
            {
                actors.add(new Actor(i, region, model));
            }
            if (c.mode != Mode.NONE)
            {
                actors.get(c.actor).arm(c.hit, c.mode != Mode.PAUSE);
            }
            final Schedule schedule = new Schedule(scenario, c, region, model, actors, name);
            schedule.runSteps();
            final Actor checker = actors.get(scenario.actors);
            checker.send(new Step(checker.index, "check", (self, m) -> check(self, m, schedule, name)));
            final Event event = checker.await(name + " check");
            if (event.kind != Kind.DONE)
            {
                throw new AssertionError(name + ": checker " + event, event.error);
            }
            final Map<Integer, List<HeapCrashPoint>> traces = new HashMap<>();
            actors.forEach(a -> traces.put(a.index, List.copyOf(a.trace)));
            return new CaseResult(traces, schedule.recoverySpan());
        }
        finally
        {
            boolean ended = true;
            for (final Actor actor : actors)
            {
                ended &= actor.finish();
            }
            if (ended)
            {
                region.close(); // only once no actor can touch the mapping again
            }
        }
    }

    /** Drives the steps of one case and handles the stops of its victims. */
    private final class Schedule
    {
        private final Scenario scenario;
        private final Case c;
        private final Region region;
        private final Model model;
        private final List<Actor> actors;
        private final String name;
        private final Set<Integer> ranEarly = new HashSet<>();
        private int kills;
        private final Set<Long> killedTokens = new HashSet<>();
        private Actor recoverer;
        private int recoveryStart;

        Schedule(
            final Scenario scenario, final Case c, final Region region, final Model model, final List<Actor> actors,
            final String name)
        {
            this.scenario = scenario;
            this.c = c;
            this.region = region;
            this.model = model;
            this.actors = actors;
            this.name = name;
        }

        void runSteps()
        {
            final List<Step> steps = scenario.steps;
            for (int i = 0; i < steps.size(); i++)
            {
                final Step step = steps.get(i);
                final Actor actor = actors.get(step.actor);
                if (actor.dead || ranEarly.contains(i))
                {
                    continue;
                }
                if (step.label.equals("die"))
                {
                    markDead(actor);
                    continue;
                }
                actor.send(step);
                final Event event = actor.await(name + " step " + i + " " + step.label);
                if (event.kind == Kind.STOPPED)
                {
                    onStop(actor, event.point, i);
                }
                else if (event.kind == Kind.FAILED)
                {
                    throw new AssertionError(name + ": step " + i + " " + step.label + " failed", event.error);
                }
            }
        }

        private void onStop(final Actor actor, final HeapCrashPoint point, final int stepIndex)
        {
            final Mode mode = actor.index != c.actor ? Mode.DOUBLE_KILL : c.mode == Mode.PAUSE ? Mode.PAUSE : Mode.KILL;
            stopped.computeIfAbsent(point, p -> EnumSet.noneOf(Mode.class)).add(mode);
            if (mode == Mode.PAUSE)
            {
                pause(actor, stepIndex);
                return;
            }
            final long takeoversBefore = takeovers();
            assertEquals(actor.token, lockWord(), name + ": a stopped holder holds the lock");
            kills++;
            killedTokens.add(actor.token);
            markDead(actor);
            if (actor.inflight != null)
            {
                actor.inflight.run();
            }
            final Actor next = nextActor(stepIndex, actor);
            if (actor.index == c.actor && next != null)
            {
                recoverer = next;
                recoveryStart = next.hits;
                if (c.mode == Mode.DOUBLE_KILL)
                {
                    next.arm(next.hits + c.recovererHit, true);
                }
            }
            assertEquals(takeoversBefore, takeovers(), name + ": no takeover before the holder is dead");
        }

        private void pause(final Actor victim, final int stepIndex)
        {
            assertEquals(victim.token, lockWord(), name + ": a paused holder holds the lock");
            final int otherStep = nextStep(stepIndex, victim);
            Actor other = null;
            if (otherStep >= 0)
            {
                final Step step = scenario.steps.get(otherStep);
                other = actors.get(step.actor);
                ranEarly.add(otherStep);
                other.send(step);
                final Event early = other.poll(PAUSE_WINDOW_MS);
                if (early != null)
                {
                    fail(name + ": step " + otherStep + " " + step.label + " got past a paused live holder: " + early);
                }
            }
            assertEquals(0, takeovers(), name + ": a paused live holder was taken over");
            assertEquals(victim.token, lockWord(), name + ": the paused holder still holds the lock");
            victim.resume.countDown();
            expectDone(victim, name + " resumed victim");
            if (other != null)
            {
                expectDone(other, name + " step " + otherStep + " after the pause");
            }
        }

        private void expectDone(final Actor actor, final String what)
        {
            final Event event = actor.await(what);
            if (event.kind != Kind.DONE)
            {
                throw new AssertionError(what + ": " + event, event.error);
            }
        }

        private int nextStep(final int after, final Actor not)
        {
            for (int j = after + 1; j < scenario.steps.size(); j++)
            {
                final Step step = scenario.steps.get(j);
                final Actor actor = actors.get(step.actor);
                if (actor != not && !actor.dead && !step.label.equals("die") && !ranEarly.contains(j))
                {
                    return j;
                }
            }
            return -1;
        }

        private Actor nextActor(final int after, final Actor not)
        {
            final int j = nextStep(after, not);
            return j < 0 ? null : actors.get(scenario.steps.get(j).actor);
        }

        /** Hits of the recoverer from the victim's death to the end of its rebuild (0 when none was seen). */
        int recoverySpan()
        {
            if (recoverer == null || recoverer.dead)
            {
                return 0;
            }
            final List<HeapCrashPoint> trace = recoverer.trace.subList(recoveryStart, recoverer.trace.size());
            int end = trace.indexOf(HeapCrashPoint.REBUILD_REPAIRS_COUNT);
            if (end < 0)
            {
                return 0;
            }
            while (end + 1 < trace.size() && (trace.get(end + 1) == HeapCrashPoint.HEAD_KEY ||
                trace.get(end + 1) == HeapCrashPoint.HEAD_VERSION))
            {
                end++;
            }
            return end + 1;
        }

        void markDead(final Actor actor)
        {
            final AtomicBuffer buffer = region.buffer();
            final int entry = ParticipantDescriptor.entryOffset(
                buffer.getInt(HeaderDescriptor.PARTICIPANTS_OFFSET_OFFSET), ParticipantTable.indexOf(actor.token));
            // Atomic add: the token's generation no longer matches, so the token reads as dead from now on.
            buffer.getAndAddLong(entry + ParticipantDescriptor.GENERATION_OFFSET, 1);
            actor.dead = true;
        }

        long lockWord()
        {
            return region.buffer().getLongVolatile(heapBase() + ScheduleHeapDescriptor.LOCK_OFFSET);
        }

        long takeovers()
        {
            return region.buffer().getLongVolatile(heapBase() + ScheduleHeapDescriptor.TAKEOVERS_OFFSET);
        }

        private int heapBase()
        {
            return (int)region.structure("timers").offset();
        }
    }

    // ---- the invariants ------------------------------------------------------------------------------------

    private void check(final Actor self, final Model model, final Schedule schedule, final String name)
    {
        final ScheduleHeap heap = self.heap;
        // First lock after the last case step: repairs if nobody did. A holder killed under the lock had its
        // leases put back by the takeover's repair, without waiting for recoverDeadLeases.
        for (final ScheduleEntry entry : heap.snapshot())
        {
            if (entry.leased() && schedule.killedTokens.contains(entry.holderToken()))
            {
                fail(name + ": a lease of killed token " + entry.holderToken() + " survived the repair: " + entry);
            }
        }
        heap.recoverDeadLeases();
        heap.verify();
        final List<ScheduleEntry> entries = heap.snapshot();
        final Set<Long> liveTokens = new HashSet<>();
        schedule.actors.stream().filter(a -> !a.dead).forEach(a -> liveTokens.add(a.token));
        final Map<String, ScheduleEntry> seen = new LinkedHashMap<>();
        int queued = 0;
        for (final ScheduleEntry entry : entries)
        {
            final String record = new String(entry.payload(), StandardCharsets.US_ASCII);
            if (seen.put(record, entry) != null)
            {
                fail(name + ": record " + record + " present twice: " + entries);
            }
            if (entry.leased() && !liveTokens.contains(entry.holderToken()))
            {
                fail(name + ": record " + record + " still leased by dead token " + entry.holderToken());
            }
            queued += entry.leased() ? 0 : 1;
        }
        synchronized (model)
        {
            for (final String record : model.certain)
            {
                assertTrue(seen.containsKey(record), name + ": record " + record + " lost; heap holds " +
                    seen.keySet() + ", model " + model);
            }
            for (final String record : seen.keySet())
            {
                assertTrue(model.certain.contains(record) || model.maybe.contains(record),
                    name + ": record " + record + " should not be there; model " + model);
            }
        }
        for (final Actor actor : schedule.actors)
        {
            for (final ScheduleLease lease : actor.dead ? List.<ScheduleLease>of() : actor.leases)
            {
                final ScheduleEntry entry = seen.get(new String(lease.payloadBytes(), StandardCharsets.US_ASCII));
                assertTrue(entry == null || (entry.leased() && entry.holderToken() == actor.token),
                    name + ": a live actor's lease is not leased to it: " + entry);
            }
        }
        assertEquals(queued, heap.size(), name + ": size");
        final ScheduleHeapStats stats = heap.stats();
        assertEquals(0, stats.dirtyToken(), name + ": dirty after a clean finish");
        assertEquals(schedule.kills, stats.counters().takeovers(), name + ": one takeover per dead holder");
        assertTrue(schedule.kills == 0 ? stats.counters().repairs() == 0 : stats.counters().repairs() >= 1,
            name + ": repairs=" + stats.counters().repairs() + " kills=" + schedule.kills);
    }

    // ---- steps and the model -------------------------------------------------------------------------------

    @FunctionalInterface
    interface Action
    {
        void run(Actor self, Model model);
    }

    record Step(int actor, String label, Action action)
    {
    }

    record Scenario(String name, int actors, List<Step> steps)
    {
    }

    record Case(Mode mode, int actor, int hit, int recovererHit)
    {
        @Override
        public String toString()
        {
            return mode + (mode == Mode.NONE ? "" : " actor=" + actor + " hit=" + hit) +
                (recovererHit > 0 ? " recovererHit=" + recovererHit : "");
        }
    }

    record CaseResult(Map<Integer, List<HeapCrashPoint>> traces, int recoverySpan)
    {
    }

    /** What the acknowledged operations imply: records certainly present, and those a killed step left open. */
    static final class Model
    {
        final Set<String> certain = new HashSet<>();
        final Set<String> maybe = new HashSet<>();
        final Map<String, Long> ids = new HashMap<>();

        synchronized void present(final String record)
        {
            maybe.remove(record);
            certain.add(record);
        }

        synchronized void gone(final String record)
        {
            maybe.remove(record);
            certain.remove(record);
        }

        synchronized boolean isCertain(final String record)
        {
            return certain.contains(record);
        }

        synchronized void open(final String record)
        {
            certain.remove(record);
            maybe.add(record);
        }

        @Override
        public synchronized String toString()
        {
            return "certain=" + certain + " maybe=" + maybe;
        }
    }

    private static String text(final ScheduleLease lease)
    {
        return new String(lease.payloadBytes(), StandardCharsets.US_ASCII);
    }

    private static Step push(final int actor, final long key, final String record)
    {
        return new Step(actor, "push " + record, (self, model) ->
        {
            self.inflight = () -> model.open(record);
            final long id = self.heap.push(key, record.getBytes(StandardCharsets.US_ASCII));
            assertTrue(id > 0, "push " + record + " returned " + id);
            synchronized (model)
            {
                model.ids.put(record, id);
            }
            model.present(record);
        });
    }

    private static Step poll(final int actor)
    {
        return new Step(actor, "poll", (self, model) ->
        {
            final ScheduleLease lease = self.heap.poll();
            if (lease != null)
            {
                self.leases.add(lease);
            }
        });
    }

    private static Step reschedule(final int actor, final long key)
    {
        return new Step(actor, "reschedule", (self, model) ->
        {
            if (!self.leases.isEmpty())
            {
                final ScheduleLease lease = self.leases.remove(0);
                final String payload = text(lease); // before: a lease no longer held has no payload to read
                if (self.heap.reschedule(lease, key))
                {
                    model.present(payload);
                }
                else
                {
                    model.gone(payload);
                }
            }
        });
    }

    private static Step complete(final int actor)
    {
        return new Step(actor, "complete", (self, model) ->
        {
            if (!self.leases.isEmpty())
            {
                final ScheduleLease lease = self.leases.remove(0);
                final String record = text(lease);
                if (model.isCertain(record))
                {
                    self.inflight = () -> model.open(record);
                }
                self.heap.complete(lease);
                model.gone(record);
            }
        });
    }

    private static Step cancel(final int actor, final String record)
    {
        return new Step(actor, "cancel " + record, (self, model) ->
        {
            final Long id;
            synchronized (model)
            {
                id = model.ids.get(record);
            }
            if (id != null)
            {
                self.inflight = () -> model.open(record);
                if (self.heap.cancel(id))
                {
                    model.gone(record);
                }
            }
        });
    }

    private static Step replace(final int actor, final String... records)
    {
        return new Step(actor, "replaceAll", (self, model) ->
        {
            final List<ScheduleRecord> list = new ArrayList<>();
            for (int i = 0; i < records.length; i++)
            {
                list.add(new ScheduleRecord(100 + i, records[i].getBytes(StandardCharsets.US_ASCII)));
            }
            self.inflight = () ->
            {
                synchronized (model)
                {
                    model.maybe.addAll(model.certain);
                    model.certain.clear();
                    model.maybe.addAll(List.of(records));
                }
            };
            final long[] ids = self.heap.replaceAll(list);
            if (ids != null)
            {
                synchronized (model)
                {
                    model.certain.clear();
                    model.maybe.clear();
                    for (int i = 0; i < records.length; i++)
                    {
                        model.certain.add(records[i]);
                        model.ids.put(records[i], ids[i]);
                    }
                }
            }
        });
    }

    private static Step recover(final int actor)
    {
        return new Step(actor, "recoverDeadLeases", (self, model) -> self.heap.recoverDeadLeases());
    }

    /** The actor dies outside the lock, holding its leases (run by the schedule, not by the actor). */
    private static Step die(final int actor)
    {
        return new Step(actor, "die", (self, model) ->
        {
        });
    }

    // ---- actors --------------------------------------------------------------------------------------------

    enum Kind
    {
        OPENED, DONE, STOPPED, FAILED
    }

    record Event(Kind kind, HeapCrashPoint point, Throwable error)
    {
    }

    /** Thrown out of the hook on a killed actor's thread once the case is over, so that the thread ends. */
    static final class Killed extends Error
    {
        private static final long serialVersionUID = 1L;

        Killed()
        {
            super("killed at a crash point", null, false, false);
        }
    }

    /** One thread with its own heap handle, running the steps it is sent. */
    static final class Actor
    {
        private static final Step EXIT = new Step(-1, "exit", null);

        final int index;
        final List<HeapCrashPoint> trace = new ArrayList<>();
        final List<ScheduleLease> leases = new ArrayList<>();
        final CountDownLatch resume = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final BlockingQueue<Step> commands = new LinkedBlockingQueue<>();
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final Region region;
        private final Model model;
        private final Thread thread;
        volatile int hits;
        private volatile int stopAt = -1;
        private volatile boolean killAtStop;
        private boolean killed;
        volatile boolean dead;
        ScheduleHeap heap;
        long token;
        Runnable inflight;

        Actor(final int index, final Region region, final Model model)
        {
            this.index = index;
            this.region = region;
            this.model = model;
            this.thread = new Thread(this::loop, "heap-actor-" + index);
            thread.setDaemon(true);
            thread.start();
            final Event opened = await("actor " + index + " open");
            if (opened.kind != Kind.OPENED)
            {
                throw new AssertionError("actor " + index + " did not open: " + opened, opened.error);
            }
        }

        void arm(final int hit, final boolean kill)
        {
            killAtStop = kill;
            stopAt = hit;
        }

        private void loop()
        {
            CURRENT.set(this);
            try
            {
                heap = ScheduleHeap.open(region, "timers");
                token = heap.token();
                events.add(new Event(Kind.OPENED, null, null));
                for (Step step = commands.take(); step != EXIT; step = commands.take())
                {
                    inflight = null;
                    step.action.run(this, model);
                    inflight = null;
                    events.add(new Event(Kind.DONE, null, null));
                }
            }
            catch (final Throwable t)
            {
                if (!killed)
                {
                    events.add(new Event(Kind.FAILED, null, t));
                }
            }
        }

        void onHit(final HeapCrashPoint point)
        {
            trace.add(point);
            final int hit = hits + 1;
            hits = hit;
            if (hit == stopAt)
            {
                final boolean kill = killAtStop;
                events.add(new Event(Kind.STOPPED, point, null));
                if (kill)
                {
                    killed = true;
                    awaitUninterruptibly(release);
                    throw new Killed();
                }
                awaitUninterruptibly(resume);
            }
        }

        void send(final Step step)
        {
            commands.add(step);
        }

        Event await(final String what)
        {
            final Event event = poll(STEP_DEADLINE_MS);
            if (event == null)
            {
                throw new AssertionError(what + ": stalled for " + STEP_DEADLINE_MS + " ms");
            }
            return event;
        }

        Event poll(final long millis)
        {
            try
            {
                return events.poll(millis, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", ex);
            }
        }

        /**
         * Ends the thread: a killed actor leaves its hook by throwing, a live one by its exit command.
         *
         * @return whether the thread ended.
         */
        boolean finish()
        {
            commands.add(EXIT);
            release.countDown();
            resume.countDown();
            try
            {
                thread.join(STEP_DEADLINE_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            return !thread.isAlive();
        }

        private static void awaitUninterruptibly(final CountDownLatch latch)
        {
            boolean interrupted = false;
            while (true)
            {
                try
                {
                    latch.await();
                    break;
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
