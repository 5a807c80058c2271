package dev.shoal.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random operation sequences against a {@link PriorityQueue} ordered by (key, insertion order). Every failure
 * message starts with the seed and the step, so a failing sequence can be replayed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScheduleHeapModelTest
{
    @TempDir
    Path dir;

    /** One record of the model. */
    private static final class Rec
    {
        final long id;
        long key;
        long seq;
        final byte[] payload;
        boolean dropped;

        Rec(final long id, final long key, final long seq, final byte[] payload)
        {
            this.id = id;
            this.key = key;
            this.seq = seq;
            this.payload = payload;
        }
    }

    @ParameterizedTest(name = "seed={0} capacity={1}")
    @CsvSource({ "1, 1", "2, 7", "3, 64", "42, 200", "20240601, 33", "777, 1000" })
    void shouldBehaveLikeAPriorityQueue(final long seed, final int capacity)
    {
        final int payloadBytes = 12;
        try (Region region = Region.create(dir.resolve("model-" + seed).toString(),
            RegionSpec.builder().add(ScheduleHeap.spec("h", capacity, payloadBytes)).build());
            ScheduleHeap heap = ScheduleHeap.open(region, "h"))
        {
            run(heap, new Random(seed), "seed=" + seed + " capacity=" + capacity, capacity, payloadBytes);
        }
    }

    private static void run(
        final ScheduleHeap heap, final Random random, final String seed, final int capacity, final int payloadBytes)
    {
        final ModelRun run = new ModelRun(heap, random, capacity, payloadBytes);
        for (int step = 0; step < 4000; step++)
        {
            final String at = seed + " step=" + step + ": ";
            run.step(at, random.nextInt(100), random.nextInt(20));
            assertEquals(run.model.size(), heap.size(), at + "size");
            if (step % 500 == 0)
            {
                heap.verify();
            }
        }
        heap.verify();
        final long[] remaining = new long[run.model.size()];
        for (int i = 0; !run.model.isEmpty(); i++)
        {
            remaining[i] = run.model.poll().id;
        }
        final long[] polled = new long[remaining.length];
        for (int i = 0; i < polled.length; i++)
        {
            polled[i] = heap.poll().id();
        }
        assertEquals(Arrays.toString(remaining), Arrays.toString(polled), seed + " final drain");
        assertFalse(heap.size() > 0, seed + " empty at the end");
    }

    /** The heap under test, the model, and one method per operation. */
    private static final class ModelRun
    {
        final ScheduleHeap heap;
        final Random random;
        final int capacity;
        final int payloadBytes;
        final PriorityQueue<Rec> model = new PriorityQueue<>(
            Comparator.<Rec>comparingLong(r -> r.key).thenComparingLong(r -> r.seq));
        final Map<Long, Rec> byId = new HashMap<>();
        final List<ScheduleLease> leases = new ArrayList<>();
        final Map<ScheduleLease, Rec> leased = new HashMap<>();
        /** Leases no longer held (completed or rescheduled) and new ones: polled into again. */
        final List<ScheduleLease> spares = new ArrayList<>();
        final List<Long> knownIds = new ArrayList<>();
        long seq;

        ModelRun(final ScheduleHeap heap, final Random random, final int capacity, final int payloadBytes)
        {
            this.heap = heap;
            this.random = random;
            this.capacity = capacity;
            this.payloadBytes = payloadBytes;
        }

        void step(final String at, final int op, final long key)
        {
            if (op < 35)
            {
                push(at, key);
            }
            else if (op < 55)
            {
                pollDue(at, op < 45 ? Long.MAX_VALUE : key);
            }
            else if (op < 70 && !leases.isEmpty())
            {
                reschedule(at, key);
            }
            else if (op < 78 && !leases.isEmpty())
            {
                final ScheduleLease lease = leases.remove(random.nextInt(leases.size()));
                heap.complete(lease);
                byId.remove(leased.remove(lease).id);
                spares.add(lease);
            }
            else if (op < 90 && !knownIds.isEmpty())
            {
                cancel(at);
            }
            else if (op < 93)
            {
                replaceAll(at);
            }
            else
            {
                final ScheduleEntry head = heap.peek();
                final Rec expected = model.peek();
                assertEquals(expected == null ? null : expected.id, head == null ? null : head.id(), at + "peek");
                assertEquals(expected == null ? Long.MAX_VALUE : expected.key, heap.peekKey(), at + "peekKey");
            }
        }

        void push(final String at, final long key)
        {
            final byte[] payload = new byte[random.nextInt(payloadBytes + 1)];
            random.nextBytes(payload);
            final long id = heap.push(key, payload);
            if (model.size() + leases.size() >= capacity)
            {
                assertEquals(ScheduleHeap.FULL, id, at + "push when full");
                return;
            }
            assertTrue(id > 0, at + "push id=" + id);
            final Rec rec = new Rec(id, key, ++seq, payload);
            model.add(rec);
            byId.put(id, rec);
            knownIds.add(id);
        }

        void pollDue(final String at, final long now)
        {
            final ScheduleLease lease;
            if (random.nextBoolean())
            {
                lease = heap.pollDue(now);
            }
            else
            {
                // The allocation-free form, into a lease completed or rescheduled earlier, or a new one.
                final ScheduleLease into = spares.isEmpty() ? heap.newLease() : spares.remove(spares.size() - 1);
                final boolean polled = heap.pollDue(now, into);
                assertEquals(polled, into.isActive(), at + "pollDue into: active iff polled");
                lease = polled ? into : null;
                if (!polled)
                {
                    spares.add(into);
                }
            }
            final Rec head = model.peek();
            if (head == null || head.key > now)
            {
                assertNull(lease, at + "pollDue(" + now + ") expected nothing");
                return;
            }
            model.poll();
            assertNotNull(lease, at + "pollDue(" + now + ") expected id=" + head.id);
            assertEquals(head.id, lease.id(), at + "pollDue id");
            assertEquals(head.key, lease.key(), at + "pollDue key");
            assertArrayEquals(head.payload, lease.payloadBytes(), at + "pollDue payload");
            leases.add(lease);
            leased.put(lease, head);
        }

        void reschedule(final String at, final long key)
        {
            final ScheduleLease lease = leases.remove(random.nextInt(leases.size()));
            final Rec rec = leased.remove(lease);
            final boolean requeued = heap.reschedule(lease, key);
            spares.add(lease);
            assertEquals(!rec.dropped, requeued, at + "reschedule id=" + rec.id);
            if (requeued)
            {
                rec.key = key;
                rec.seq = ++seq;
                model.add(rec);
            }
            else
            {
                byId.remove(rec.id);
            }
        }

        void cancel(final String at)
        {
            final long id = random.nextInt(10) == 0 ? random.nextLong() : knownIds.get(
                random.nextInt(knownIds.size()));
            final Rec rec = byId.get(id);
            final boolean expected = rec != null && !rec.dropped;
            assertEquals(expected, heap.cancel(id), at + "cancel id=" + id);
            if (expected && model.remove(rec))
            {
                byId.remove(id);
            }
            else if (expected)
            {
                rec.dropped = true; // leased: dropped until its holder is done
            }
        }

        void replaceAll(final String at)
        {
            final int count = random.nextInt(capacity + 1);
            final List<ScheduleRecord> records = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                records.add(new ScheduleRecord(random.nextInt(20), new byte[]{ (byte)i }));
            }
            final long[] ids = heap.replaceAll(records);
            if (count > capacity - leases.size())
            {
                assertNull(ids, at + "replaceAll of " + count + " beside " + leases.size() + " leases");
                return;
            }
            assertNotNull(ids, at + "replaceAll");
            for (final Rec rec : model)
            {
                byId.remove(rec.id);
            }
            model.clear();
            leased.values().forEach(rec -> rec.dropped = true);
            for (int i = 0; i < count; i++)
            {
                final Rec rec = new Rec(ids[i], records.get(i).key(), ++seq, records.get(i).payload());
                model.add(rec);
                byId.put(rec.id, rec);
                knownIds.add(rec.id);
            }
        }
    }
}
