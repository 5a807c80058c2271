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
        final PriorityQueue<Rec> model = new PriorityQueue<>(
            Comparator.<Rec>comparingLong(r -> r.key).thenComparingLong(r -> r.seq));
        final Map<Long, Rec> byId = new HashMap<>();
        final List<Object[]> leases = new ArrayList<>(); // {ScheduleLease, Rec}
        final List<Long> knownIds = new ArrayList<>();
        long seq = 0;
        final int steps = 4000;
        for (int step = 0; step < steps; step++)
        {
            final String at = seed + " step=" + step + ": ";
            final int op = random.nextInt(100);
            final long key = random.nextInt(20);
            if (op < 35)
            {
                final byte[] payload = new byte[random.nextInt(payloadBytes + 1)];
                random.nextBytes(payload);
                final long id = heap.push(key, payload);
                if (model.size() + leases.size() >= capacity)
                {
                    assertEquals(ScheduleHeap.FULL, id, at + "push when full");
                    continue;
                }
                assertTrue(id > 0, at + "push id=" + id);
                final Rec rec = new Rec(id, key, ++seq, payload);
                model.add(rec);
                byId.put(id, rec);
                knownIds.add(id);
            }
            else if (op < 55)
            {
                final long now = op < 45 ? Long.MAX_VALUE : key;
                final ScheduleLease lease = heap.pollDue(now);
                final Rec head = model.peek();
                if (head == null || head.key > now)
                {
                    assertNull(lease, at + "pollDue(" + now + ") expected nothing");
                    continue;
                }
                model.poll();
                assertNotNull(lease, at + "pollDue(" + now + ") expected id=" + head.id);
                assertEquals(head.id, lease.id(), at + "pollDue id");
                assertEquals(head.key, lease.key(), at + "pollDue key");
                assertArrayEquals(head.payload, lease.payloadBytes(), at + "pollDue payload");
                leases.add(new Object[]{ lease, head });
            }
            else if (op < 70 && !leases.isEmpty())
            {
                final Object[] pair = leases.remove(random.nextInt(leases.size()));
                final Rec rec = (Rec)pair[1];
                final boolean requeued = heap.reschedule((ScheduleLease)pair[0], key);
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
            else if (op < 78 && !leases.isEmpty())
            {
                final Object[] pair = leases.remove(random.nextInt(leases.size()));
                heap.complete((ScheduleLease)pair[0]);
                byId.remove(((Rec)pair[1]).id);
            }
            else if (op < 90 && !knownIds.isEmpty())
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
            else if (op < 93)
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
                    continue;
                }
                assertNotNull(ids, at + "replaceAll");
                for (final Rec rec : model)
                {
                    byId.remove(rec.id);
                }
                model.clear();
                for (final Object[] pair : leases)
                {
                    ((Rec)pair[1]).dropped = true;
                }
                for (int i = 0; i < count; i++)
                {
                    final Rec rec = new Rec(ids[i], records.get(i).key(), ++seq, records.get(i).payload());
                    model.add(rec);
                    byId.put(rec.id, rec);
                    knownIds.add(rec.id);
                }
            }
            else
            {
                final ScheduleEntry head = heap.peek();
                final Rec expected = model.peek();
                assertEquals(expected == null ? null : expected.id, head == null ? null : head.id(), at + "peek");
                assertEquals(expected == null ? Long.MAX_VALUE : expected.key, heap.peekKey(), at + "peekKey");
            }
            assertEquals(model.size(), heap.size(), at + "size");
            if (step % 500 == 0)
            {
                heap.verify();
            }
        }
        heap.verify();
        final long[] remaining = new long[model.size()];
        for (int i = 0; !model.isEmpty(); i++)
        {
            remaining[i] = model.poll().id;
        }
        final long[] polled = new long[remaining.length];
        for (int i = 0; i < polled.length; i++)
        {
            polled[i] = heap.poll().id();
        }
        assertEquals(Arrays.toString(remaining), Arrays.toString(polled), seed + " final drain");
        assertFalse(heap.size() > 0, seed + " empty at the end");
    }
}
