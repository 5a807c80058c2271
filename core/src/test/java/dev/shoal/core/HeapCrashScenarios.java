package dev.shoal.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.agrona.concurrent.NoOpIdleStrategy;

/**
 * {@link ScheduleHeap} scenarios for the {@link CrashExplorer} and the {@link CrashSearch}. Each actor maps the
 * region itself and opens its own handle on its own thread. The run keeps a {@link HeapModel} of what the
 * acknowledged operations imply: records certainly present, and records an operation cut short, or overlapping
 * another on the same record, may or may not have changed. {@link HeapRun#finish} checks on a fresh actor, after
 * a {@code recoverDeadLeases}:
 * <ul>
 *   <li>the heap verifies (index, free stack, counts and head key agree with the slot pool) and is clean;</li>
 *   <li>no lease of a killed actor survived the takeover's repair (checked before recoverDeadLeases);</li>
 *   <li>every record certainly present is there exactly once, and nothing the model does not know is;</li>
 *   <li>live actors' leases are still theirs; size() is the number of queued records;</li>
 *   <li>one takeover per actor killed holding the lock (every heap write is under it), less those killed after
 *       taking it over and before counting that.</li>
 * </ul>
 * Actors named with a {@code #} set the stage and are not explored (the explorer skips them).
 */
final class HeapCrashScenarios
{
    private static final int CAPACITY = 8;
    private static final int PAYLOAD = 16;

    private HeapCrashScenarios()
    {
    }

    /**
     * @return the scenarios explored with every hit killed.
     */
    static List<CrashExplorer.Scenario> killed()
    {
        return List.of(
            scenario("heap-push-poll-reschedule", r ->
            {
                r.push("A", 50, "a1");
                r.push("A", 30, "a2");
                r.poll("B");
                r.push("A", 10, "a3");
                r.push("A", 20, "a4");
                r.reschedule("B", 5);
                r.poll("B");
                r.complete("B");
                r.push("A", 40, "a5");
                r.poll("B");
            }),
            scenario("heap-cancel-replace", r ->
            {
                r.push("A", 5, "x1");
                r.push("A", 6, "x2");
                r.push("A", 7, "x3");
                r.push("A", 8, "x4");
                r.poll("B");
                r.poll("B");
                r.cancel("A", "x1");
                r.cancel("A", "x3");
                r.replace("C", "y1", "y2", "y3");
                r.reschedule("B", 1);
                r.complete("B");
                r.poll("B");
            }),
            scenario("heap-dead-lease-reclaim", r ->
            {
                r.push("A", 1, "k1");
                r.push("A", 2, "k2");
                r.push("A", 3, "k3");
                r.push("A", 4, "k4");
                r.poll("B");
                r.poll("B");
                r.cancel("A", "k1");
                r.die("B");
                r.reclaim("C");
                r.poll("A");
                r.complete("A");
            }));
    }

    /**
     * @return a short scenario explored with its recoverer killed (or paused) at each of its repair's hits: a
     *     dead holder's lease and drop wait in the pool, so the repair requeues and frees too.
     */
    static CrashExplorer.Scenario repair()
    {
        return scenario("heap-repair", r ->
        {
            r.push("setup#", 3, "s1");
            r.push("setup#", 2, "s2");
            r.push("setup#", 4, "s3");
            r.poll("setup#");
            r.poll("setup#");
            r.cancel("setup#", "s1");
            r.die("setup#");
            r.push("A", 1, "n1");
            r.poll("A");
        });
    }

    /**
     * @return the scenarios of the schedule search ({@link HeapCrashSearchTest}): each actor's steps in order,
     *     the actors at once, so pushes, polls, reschedules, cancels and a replaceAll of different actors meet
     *     at the lock in every order, with takeovers from actors killed anywhere in between.
     */
    static List<CrashExplorer.Scenario> searchable()
    {
        return List.of(
            searched("heap-mixed", r ->
            {
                r.push("A", 50, "a1");
                r.push("A", 30, "a2");
                r.push("A", 10, "a3");
                r.cancel("A", "a2");
                r.poll("A");
                r.complete("A");
                r.poll("B");
                r.reschedule("B", 5);
                r.poll("B");
                r.complete("B");
                r.poll("B");
                r.reschedule("B", 60);
                r.push("C", 40, "c1");
                r.poll("C");
                r.complete("C");
                r.push("C", 15, "c2");
                r.cancel("C", "c1");
            }),
            searched("heap-replace-race", r ->
            {
                r.push("A", 7, "a1");
                r.push("A", 3, "a2");
                r.poll("A");
                r.reschedule("A", 9);
                r.push("A", 1, "a3");
                r.poll("B");
                r.poll("B");
                r.complete("B");
                r.reschedule("B", 2);
                r.replace("C", "y1", "y2", "y3");
                r.push("C", 4, "c1");
                r.cancel("C", "y1");
                r.poll("C");
            }),
            searched("heap-die-reclaim", r ->
            {
                r.push("A", 1, "k1");
                r.push("A", 2, "k2");
                r.push("A", 3, "k3");
                r.poll("A");
                r.complete("A");
                r.poll("B");
                r.poll("B");
                r.die("B");
                r.push("C", 5, "c1");
                r.reclaim("C");
                r.poll("C");
                r.reschedule("C", 6);
                r.cancel("C", "c1");
            }),
            searched("heap-full", r ->
            {
                for (int i = 1; i <= 5; i++)
                {
                    r.push("A", 10 + i, "a" + i);
                    r.push("B", 20 - i, "b" + i);
                }
                r.poll("C");
                r.poll("C");
                r.reschedule("C", 1);
                r.complete("C");
                r.cancel("A", "a1");
                r.cancel("B", "b5");
            }),
            // Four entries for three actors and every recoverer: a recoverer (closing when done) or the checker
            // that finds them taken waits for one, so recoverers take dead actors' entries over while the dead
            // tokens may still name the lock's holder or leases' holders.
            scenario("heap-tight", 4, r ->
            {
                r.push("A", 2, "a1");
                r.push("A", 1, "a2");
                r.poll("A");
                r.reschedule("A", 9);
                r.poll("A");
                r.complete("A");
                r.poll("B");
                r.poll("B");
                r.die("B");
                r.push("C", 3, "c1");
                r.cancel("C", "a1");
                r.poll("C");
                r.complete("C");
                r.replace("C", "z1", "z2");
            }),
            searched("heap-take-wait", HeapCrashScenarios::takeWait));
    }

    /**
     * Takers that wait (take with a timeout) on an empty heap for pushes that come while they wait, one of them
     * dying holding what it took: each turn of a taker's wait loop comes after another actor's write.
     */
    private static void takeWait(final HeapRun r)
    {
        r.take("A", 40);
        r.complete("A");
        r.take("A", 40);
        r.reschedule("A", 7);
        r.take("B", 40);
        r.die("B");
        r.push("C", 3, "c1");
        r.push("C", 2, "c2");
        r.push("C", 1, "c3");
        r.reclaim("C");
        r.take("C", 40);
        r.complete("C");
    }

    /** An explorer's scenario: the actors run one at a time, on one mapping of the region. */
    private static CrashExplorer.Scenario scenario(final String name, final Consumer<HeapRun> script)
    {
        return scenario(name, -1, script);
    }

    /** A search's scenario: each actor maps the region itself (see {@link HeapRun#heap()}), default table. */
    private static CrashExplorer.Scenario searched(final String name, final Consumer<HeapRun> script)
    {
        return scenario(name, 0, script);
    }

    /**
     * @param participants for a search, a tight participant table of this size (actors and recoverers that find it
     *                     full wait for an entry) or 0 for the default; -1 for the explorer.
     */
    private static CrashExplorer.Scenario scenario(
        final String name, final int participants, final Consumer<HeapRun> script)
    {
        return new CrashExplorer.Scenario()
        {
            @Override
            public String name()
            {
                return name;
            }

            @Override
            public CrashExplorer.Run start(final Path dir, final CrashExplorer explorer)
            {
                final HeapRun run = new HeapRun(dir, participants);
                script.accept(run);
                return run;
            }
        };
    }

    /** One case of a heap scenario. */
    static final class HeapRun implements CrashExplorer.Run
    {
        private final Path path;
        /** Whether the table is tight: an actor that finds it full waits for an entry, then sits the case out. */
        private final boolean tight;
        /** Whether each actor maps the region itself (the search), or all share {@link #region} (the explorer). */
        private final boolean ownMappings;
        private final Region region;
        private final int lockWord;
        private final List<CrashExplorer.Step> script = new ArrayList<>();
        private final Map<CrashActor, Region> mappings = new ConcurrentHashMap<>();
        private final Map<CrashActor, ScheduleHeap> handles = new ConcurrentHashMap<>();
        /** Actors a tight table kept out for {@link CrashSearch#ENTRY_TURNS} turns: their later steps do nothing. */
        private final Set<CrashActor> satOut = ConcurrentHashMap.newKeySet();
        private final Map<CrashActor, List<ScheduleLease>> leases = new ConcurrentHashMap<>();
        private final Set<Long> deadTokens = ConcurrentHashMap.newKeySet();
        private final HeapModel model = new HeapModel();
        private final Map<String, Long> ids = new ConcurrentHashMap<>();
        /** Actors killed holding the heap's lock, and those of them killed before counting their takeover. */
        private final AtomicInteger killedHolding = new AtomicInteger();
        private final AtomicInteger killedUncounted = new AtomicInteger();

        HeapRun(final Path dir, final int participants)
        {
            path = dir;
            tight = participants > 0;
            ownMappings = participants >= 0;
            final RegionSpec.Builder spec = RegionSpec.builder().add(ScheduleHeap.spec("timers", CAPACITY, PAYLOAD));
            region = Region.create(dir.toString(), tight ? spec.participants(participants).build() : spec.build());
            lockWord = (int)region.structure("timers").offset() + ScheduleHeapDescriptor.LOCK_OFFSET;
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

        /**
         * The calling actor's handle. Under the search, on its own mapping of the file as a process would have (a
         * Region's monitor, held through an attach, is never shared by two actors); the explorer's actors, one at a
         * time, share one (a mapping per actor per case cost its thousand cases a second or two). Not
         * computeIfAbsent: the attach inside passes crash points, where a scheduled actor waits while others look
         * up their own handles.
         */
        private ScheduleHeap heap()
        {
            final CrashActor self = CrashActor.current();
            final ScheduleHeap existing = handles.get(self);
            if (existing != null || satOut.contains(self))
            {
                return existing;
            }
            final Region mine = ownMappings ?
                mappings.computeIfAbsent(self, a -> Region.open(path.toString())) : region;
            final ScheduleHeap heap;
            try
            {
                heap = tight ? CrashSearch.attachWaiting(() -> ScheduleHeap.open(mine, "timers")) :
                    ScheduleHeap.open(mine, "timers");
            }
            catch (final IllegalStateException ex)
            {
                if (!tight || !CrashSearch.isTableFull(ex))
                {
                    throw ex;
                }
                satOut.add(self);
                return null; // sits the case out: its steps do nothing
            }
            self.owns(heap.token()); // known before any heap write: a death inside is recoverable
            handles.put(self, heap);
            return heap;
        }

        private List<ScheduleLease> leases()
        {
            return leases.computeIfAbsent(CrashActor.current(), a -> new ArrayList<>());
        }

        /** A step on the actor's heap handle; none when a tight table kept it out. */
        private void step(final String actor, final Consumer<ScheduleHeap> action)
        {
            script.add(new CrashExplorer.Step(actor, () ->
            {
                final ScheduleHeap heap = heap();
                if (heap != null)
                {
                    action.accept(heap);
                }
            }));
        }

        void push(final String actor, final long key, final String record)
        {
            step(actor, heap ->
            {
                final HeapModel.Ticket ticket = model.open(record);
                final long id = heap.push(key, record.getBytes(StandardCharsets.US_ASCII));
                if (id != ScheduleHeap.FULL)
                {
                    ids.put(record, id);
                }
                model.settle(ticket, id != ScheduleHeap.FULL);
            });
        }

        void poll(final String actor)
        {
            step(actor, heap ->
            {
                final ScheduleLease lease = heap.poll(); // a lease changes no record's presence
                if (lease != null)
                {
                    leases().add(lease);
                }
            });
        }

        /** Waits up to {@code millis} for a due record (ScheduleHeap#take), as poll when one comes. */
        void take(final String actor, final long millis)
        {
            step(actor, heap ->
            {
                final ScheduleLease lease = heap.take(Duration.ofMillis(millis), NoOpIdleStrategy.INSTANCE);
                if (lease != null)
                {
                    leases().add(lease);
                }
            });
        }

        void reschedule(final String actor, final long key)
        {
            step(actor, heap ->
            {
                if (!leases().isEmpty())
                {
                    final ScheduleLease lease = leases().remove(0);
                    final HeapModel.Ticket ticket = model.open(text(lease));
                    model.settle(ticket, heap.reschedule(lease, key));
                }
            });
        }

        void complete(final String actor)
        {
            step(actor, heap ->
            {
                if (!leases().isEmpty())
                {
                    final ScheduleLease lease = leases().remove(0);
                    final HeapModel.Ticket ticket = model.open(text(lease));
                    heap.complete(lease);
                    model.settle(ticket, false);
                }
            });
        }

        void cancel(final String actor, final String record)
        {
            step(actor, heap ->
            {
                final Long id = ids.get(record);
                if (id != null)
                {
                    final HeapModel.Ticket ticket = model.open(record);
                    heap.cancel(id); // true: gone now; false: it was gone already
                    model.settle(ticket, false);
                }
            });
        }

        void replace(final String actor, final String... records)
        {
            step(actor, heap ->
            {
                final List<ScheduleRecord> list = new ArrayList<>();
                for (int i = 0; i < records.length; i++)
                {
                    list.add(new ScheduleRecord(100 + i, records[i].getBytes(StandardCharsets.US_ASCII)));
                }
                final HeapModel.Replace replace = model.openReplace(records);
                final long[] newIds = heap.replaceAll(list);
                for (int i = 0; i < records.length; i++)
                {
                    ids.put(records[i], newIds[i]);
                }
                model.settleReplace(replace);
            });
        }

        void reclaim(final String actor)
        {
            step(actor, ScheduleHeap::recoverDeadLeases);
        }

        /** The actor dies between operations, holding its leases but not the lock. */
        void die(final String actor)
        {
            script.add(new CrashExplorer.Step(actor, () ->
            {
                CrashExplorer.killTokens(region, CrashActor.current());
                deadTokens.addAll(CrashActor.current().tokens());
            }));
        }

        /**
         * A killed actor's operation ends where it stopped: whatever it did to its records is fixed (the heap's
         * next holder repairs but changes no record's presence), so it no longer overlaps later operations.
         */
        @Override
        public void kill(final CrashActor actor)
        {
            if (actor.tokens().contains(region.buffer().getLongVolatile(lockWord)))
            {
                killedHolding.incrementAndGet();
                if (actor.killedAt() == ParticipantCrashPoint.LOCK_TAKEOVER_COUNT)
                {
                    killedUncounted.incrementAndGet();
                }
            }
            CrashExplorer.killTokens(region, actor);
            model.abandon(actor);
        }

        @Override
        public void recover(final CrashActor self)
        {
            final ScheduleHeap heap = heap();
            if (heap != null) // else a tight table kept it out: a later recoverer, or the checker, repairs
            {
                heap.recoverDeadLeases();
                if (tight)
                {
                    heap.close(); // leaves its entry to the next recoverer, as a supervisor's pass would
                }
            }
        }

        @Override
        public void finish(final CrashExplorer explorer)
        {
            explorer.runFresh("checker", self -> check(), CrashExplorer.STEP_MILLIS);
        }

        private void check()
        {
            final ScheduleHeap heap = heap();
            check(heap != null, "the checker found no participant entry free or dead");
            final Set<Long> killed = new HashSet<>();
            handles.forEach((actor, handle) ->
            {
                if (actor.isKilled())
                {
                    killed.addAll(actor.tokens());
                }
            });
            for (final ScheduleEntry entry : heap.snapshot())
            {
                if (entry.leased() && killed.contains(entry.holderToken()))
                {
                    throw new AssertionError("a lease of killed token " + entry.holderToken() +
                        " survived the repair: " + entry);
                }
            }
            heap.recoverDeadLeases();
            heap.verify();
            final Map<String, ScheduleEntry> seen = collect(heap.snapshot(), killed);
            model.check(seen.keySet());
            leases.forEach((actor, held) ->
            {
                for (final ScheduleLease lease : actor.isKilled() ? List.<ScheduleLease>of() : held)
                {
                    final ScheduleEntry entry = seen.get(text(lease));
                    check(deadTokens.contains(lease.heap().token()) || entry == null ||
                        (entry.leased() && entry.holderToken() == lease.heap().token()),
                        "a live actor's lease is no longer its own: " + entry);
                }
            });
            final Set<String> heldByLive = new HashSet<>();
            leases.forEach((actor, held) -> held.forEach(lease -> heldByLive.add(lease.heap().token() + "/" +
                text(lease))));
            seen.forEach((record, entry) -> check(!entry.leased() || heldByLive.contains(entry.holderToken() + "/" +
                record), "record " + record + " leased by a live handle that holds no lease of it: " + entry));
            final long queued = seen.values().stream().filter(e -> !e.leased()).count();
            check(heap.size() == queued, "size=" + heap.size() + " but queued=" + queued);
            final ScheduleHeapStats stats = heap.stats();
            check(stats.dirtyToken() == 0, "dirty after a clean finish: " + stats.dirtyToken());
            final int deaths = killedHolding.get();
            final int uncounted = killedUncounted.get();
            check(stats.counters().takeovers() == deaths - uncounted, "takeovers=" + stats.counters().takeovers() +
                " but deaths holding the lock=" + deaths + ", " + uncounted + " of them before counting a takeover");
        }

        private Map<String, ScheduleEntry> collect(final List<ScheduleEntry> entries, final Set<Long> killed)
        {
            final Map<String, ScheduleEntry> seen = new LinkedHashMap<>();
            for (final ScheduleEntry entry : entries)
            {
                final String record = new String(entry.payload(), StandardCharsets.US_ASCII);
                check(seen.put(record, entry) == null, "record " + record + " present twice: " + entries);
                check(!entry.leased() || !(killed.contains(entry.holderToken()) ||
                    deadTokens.contains(entry.holderToken())), "record " + record + " leased by a dead holder");
            }
            return seen;
        }

        private static void check(final boolean condition, final String what)
        {
            if (!condition)
            {
                throw new AssertionError(what);
            }
        }

        private static String text(final ScheduleLease lease)
        {
            return new String(lease.payloadBytes(), StandardCharsets.US_ASCII);
        }

        @Override
        public void close()
        {
            mappings.values().forEach(Region::close);
            region.close();
        }
    }
}
