package dev.shoal.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@link ScheduleHeap} scenarios for the {@link CrashExplorer}. Each actor opens its own handle on its own
 * thread. The run keeps a model of what the acknowledged operations imply: records certainly present, and
 * records an operation cut short may or may not have changed (marked before the call, settled after it
 * returns). {@link HeapRun#finish} checks on a fresh actor, after a {@code recoverDeadLeases}:
 * <ul>
 *   <li>the heap verifies (index, free stack, counts and head key agree with the slot pool) and is clean;</li>
 *   <li>no lease of a killed actor survived the takeover's repair (checked before recoverDeadLeases);</li>
 *   <li>every record certainly present is there exactly once, and nothing the model does not know is;</li>
 *   <li>live actors' leases are still theirs; size() is the number of queued records;</li>
 *   <li>one takeover per killed actor (every heap write is under the lock, so every death holds it).</li>
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

    private static CrashExplorer.Scenario scenario(final String name, final Consumer<HeapRun> script)
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
                final HeapRun run = new HeapRun(dir);
                script.accept(run);
                return run;
            }
        };
    }

    /** One case of a heap scenario. */
    static final class HeapRun implements CrashExplorer.Run
    {
        private final Region region;
        private final List<CrashExplorer.Step> script = new ArrayList<>();
        private final Map<CrashActor, ScheduleHeap> handles = new ConcurrentHashMap<>();
        private final Map<CrashActor, List<ScheduleLease>> leases = new ConcurrentHashMap<>();
        private final Set<Long> deadTokens = ConcurrentHashMap.newKeySet();
        private final Set<String> certain = new HashSet<>();
        private final Set<String> maybe = new HashSet<>();
        private final Map<String, Long> ids = new HashMap<>();

        HeapRun(final Path dir)
        {
            region = Region.create(dir.toString(),
                RegionSpec.builder().add(ScheduleHeap.spec("timers", CAPACITY, PAYLOAD)).build());
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

        private ScheduleHeap heap()
        {
            final CrashActor self = CrashActor.current();
            return handles.computeIfAbsent(self, actor ->
            {
                final ScheduleHeap heap = ScheduleHeap.open(region, "timers");
                actor.owns(heap.token()); // known before any heap write: a death inside is recoverable
                return heap;
            });
        }

        private List<ScheduleLease> leases()
        {
            return leases.computeIfAbsent(CrashActor.current(), a -> new ArrayList<>());
        }

        private void step(final String actor, final Runnable action)
        {
            script.add(new CrashExplorer.Step(actor, action));
        }

        private synchronized void open(final String record)
        {
            certain.remove(record);
            maybe.add(record);
        }

        private synchronized void settle(final String record, final boolean present)
        {
            maybe.remove(record);
            if (present)
            {
                certain.add(record);
            }
            else
            {
                certain.remove(record);
            }
        }

        private synchronized boolean isCertain(final String record)
        {
            return certain.contains(record);
        }

        void push(final String actor, final long key, final String record)
        {
            step(actor, () ->
            {
                open(record);
                final long id = heap().push(key, record.getBytes(StandardCharsets.US_ASCII));
                synchronized (this)
                {
                    ids.put(record, id);
                }
                settle(record, true);
            });
        }

        void poll(final String actor)
        {
            step(actor, () ->
            {
                final ScheduleLease lease = heap().poll();
                if (lease != null)
                {
                    leases().add(lease);
                }
            });
        }

        void reschedule(final String actor, final long key)
        {
            step(actor, () ->
            {
                if (!leases().isEmpty())
                {
                    final ScheduleLease lease = leases().remove(0);
                    final boolean requeued = heap().reschedule(lease, key);
                    settle(text(lease), requeued);
                }
            });
        }

        void complete(final String actor)
        {
            step(actor, () ->
            {
                if (!leases().isEmpty())
                {
                    final ScheduleLease lease = leases().remove(0);
                    final String record = text(lease);
                    if (isCertain(record))
                    {
                        open(record);
                    }
                    heap().complete(lease);
                    settle(record, false);
                }
            });
        }

        void cancel(final String actor, final String record)
        {
            step(actor, () ->
            {
                final Long id;
                synchronized (this)
                {
                    id = ids.get(record);
                }
                if (id != null)
                {
                    if (isCertain(record))
                    {
                        open(record);
                    }
                    heap().cancel(id); // true: gone now; false: it was gone already
                    settle(record, false);
                }
            });
        }

        void replace(final String actor, final String... records)
        {
            step(actor, () ->
            {
                final List<ScheduleRecord> list = new ArrayList<>();
                for (int i = 0; i < records.length; i++)
                {
                    list.add(new ScheduleRecord(100 + i, records[i].getBytes(StandardCharsets.US_ASCII)));
                }
                synchronized (this)
                {
                    maybe.addAll(certain);
                    certain.clear();
                    maybe.addAll(List.of(records));
                }
                final long[] newIds = heap().replaceAll(list);
                synchronized (this)
                {
                    maybe.clear(); // every old record is freed or dropped, every new one queued
                    for (int i = 0; i < records.length; i++)
                    {
                        certain.add(records[i]);
                        ids.put(records[i], newIds[i]);
                    }
                }
            });
        }

        void reclaim(final String actor)
        {
            step(actor, () -> heap().recoverDeadLeases());
        }

        /** The actor dies between operations, holding its leases but not the lock. */
        void die(final String actor)
        {
            step(actor, () ->
            {
                CrashExplorer.killTokens(region, CrashActor.current());
                deadTokens.addAll(CrashActor.current().tokens());
            });
        }

        @Override
        public void recover(final CrashActor self)
        {
            heap().recoverDeadLeases();
        }

        @Override
        public void finish(final CrashExplorer explorer)
        {
            explorer.runFresh("checker", self -> check(), CrashExplorer.STEP_MILLIS);
        }

        private void check()
        {
            final ScheduleHeap heap = heap();
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
            synchronized (this)
            {
                for (final String record : certain)
                {
                    check(seen.containsKey(record), "record " + record + " lost; heap " + seen.keySet());
                }
                for (final String record : seen.keySet())
                {
                    check(certain.contains(record) || maybe.contains(record), "record " + record +
                        " should not be there; certain " + certain + " maybe " + maybe);
                }
            }
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
            final long queued = seen.values().stream().filter(e -> !e.leased()).count();
            check(heap.size() == queued, "size=" + heap.size() + " but queued=" + queued);
            final ScheduleHeapStats stats = heap.stats();
            check(stats.dirtyToken() == 0, "dirty after a clean finish: " + stats.dirtyToken());
            final long deaths = handles.keySet().stream().filter(CrashActor::isKilled).count();
            check(stats.counters().takeovers() == deaths,
                "takeovers=" + stats.counters().takeovers() + " but deaths under the lock=" + deaths);
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
            region.close();
        }
    }
}
