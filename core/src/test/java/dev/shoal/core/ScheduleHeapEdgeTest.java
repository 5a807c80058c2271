package dev.shoal.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.shoal.core.ScheduleHeapDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heap at the edges a review found: the id counter's end, counts read during a replaceAll, leases of a closed
 * handle, what deliveries counts, null and negative arguments, and a stale lease under the lock.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScheduleHeapEdgeTest extends HeapTestBase
{
    private static final int CAPACITY = 8;
    private static final int PAYLOAD = 16;
    /** ScheduleHeapDescriptor.MAX_ID_COUNTER, spelled out: the largest counter whose id is positive. */
    private static final long LAST_COUNTER = Long.MAX_VALUE >>> SLOT_BITS;

    ScheduleHeapEdgeTest()
    {
        super("heap-edge", CAPACITY, PAYLOAD);
    }

    private int header(final int field)
    {
        return (int)region.structure("timers").offset() + field;
    }

    /** At counter 2^39 the id's top bit was set (negative ids, cancel refused them); at 2^40 ids repeated. */
    @Test
    void shouldKeepIdsPositiveAcrossTheCounterWrapAndThroughARebuild()
    {
        region.buffer().putLongVolatile(header(NEXT_ID_OFFSET), LAST_COUNTER - 1);
        final long a = heap.push(1, bytes("a"));
        final long b = heap.push(2, bytes("b"));
        final long c = heap.push(3, bytes("c"));
        assertTrue(a > 0 && b > 0 && c > 0, "ids " + a + ", " + b + ", " + c);
        assertEquals(LAST_COUNTER, b >>> SLOT_BITS, "the last counter of the cycle");
        assertEquals(1, c >>> SLOT_BITS, "the counter wrapped to 1 (0 skipped)");

        // A rebuild after the wrap: the pool holds ids of larger counters than the next one, which must stay next.
        region.buffer().putLongVolatile(header(DIRTY_OFFSET), 12_345); // as a holder that threw leaves it
        final long d = heap.push(4, bytes("d"));
        assertEquals(1, heap.stats().counters().repairs());
        assertTrue(d > 0, "id " + d);
        assertEquals(2, d >>> SLOT_BITS);

        assertTrue(heap.cancel(c));
        assertTrue(heap.cancel(b));
        heap.verify();
        assertEquals("a", text(heap.poll()));
        assertEquals("d", text(heap.poll()));
    }

    /** A counter word beyond the positive range (left by a build before the wrap) restarts the cycle. */
    @Test
    void shouldRestartACounterWordOutOfRangeAtOne()
    {
        region.buffer().putLongVolatile(header(NEXT_ID_OFFSET), LAST_COUNTER + 1);
        final long id = heap.push(1, bytes("a"));
        assertEquals(1, id >>> SLOT_BITS, "id " + id);
        assertTrue(heap.cancel(id));
        heap.verify();
    }

    /** replaceAll stored size 0 and the emptied heap's free count before the new set: lock-free readers saw them. */
    @Test
    void shouldNeverShowLockFreeReadersTheEmptiedHeapDuringAReplace()
    {
        for (int i = 0; i < 5; i++)
        {
            heap.push(i, bytes("old" + i));
        }
        final List<ScheduleRecord> records = List.of(
            new ScheduleRecord(7, bytes("new0")), new ScheduleRecord(8, bytes("new1")),
            new ScheduleRecord(9, bytes("new2")));
        final List<String> seen = new ArrayList<>();
        try (ScheduleHeap reader = ScheduleHeap.open(region, "timers"))
        {
            // At every write the replace makes, what another handle reads without the lock.
            CrashPoints.install(point -> seen.add(reader.size() + "/" +
                ScheduleHeap.stats(region, "timers").freeSlots()));
            try
            {
                assertEquals(3, heap.replaceAll(records).length);
            }
            finally
            {
                CrashPoints.install(null);
            }
            assertEquals(3, reader.size());
        }
        assertFalse(seen.isEmpty());
        for (final String sizeAndFree : seen)
        {
            // size/free: the old set's 5/3, the new free count before the new size (5/5), or the new set's 3/5.
            assertTrue(List.of("5/3", "5/5", "3/5").contains(sizeAndFree), "a reader saw " + sizeAndFree + " in " +
                seen);
        }
        heap.verify();
    }

    /**
     * A closed handle's participant is dead, so another handle puts its records back and reuses their slots: its
     * lease still said active and copied the slot's new record.
     */
    @Test
    void shouldEndTheLeasesOfAClosedHandle()
    {
        heap.push(1, bytes("first"));
        final ScheduleHeap closing = ScheduleHeap.open(region, "timers");
        final ScheduleLease lease = closing.poll();
        assertEquals("first", text(lease));
        closing.close();
        assertFalse(lease.isActive(), "its handle is closed");

        assertEquals(1, heap.recoverDeadLeases());
        heap.complete(heap.poll());
        heap.push(2, bytes("second")); // into the slot just freed
        final IllegalStateException ex = assertThrows(IllegalStateException.class, lease::payloadBytes);
        assertTrue(ex.getMessage().contains("handle closed"), ex.getMessage());
    }

    /** deliveries counted every poll since the push: 2 on the second normal poll, so it never showed a redelivery. */
    @Test
    void shouldCountDeliveriesSinceTheLastRescheduleSoThatMoreThanOneMeansRedelivered()
    {
        heap.push(1, bytes("a"));
        ScheduleLease lease = heap.poll();
        assertEquals(1, lease.deliveries());
        assertTrue(heap.reschedule(lease, 2));
        lease = heap.poll();
        assertEquals(1, lease.deliveries(), "a normal poll after a reschedule");
        assertTrue(heap.reschedule(lease, 3));

        final ScheduleHeap dying = ScheduleHeap.open(region, "timers");
        assertEquals(1, dying.poll().deliveries());
        dying.close(); // holding the lease: a dead holder's
        assertEquals(1, heap.recoverDeadLeases());
        lease = heap.poll();
        assertEquals(2, lease.deliveries(), "redelivered");
        assertEquals(3, lease.key());
        assertTrue(heap.reschedule(lease, 4));
        assertEquals(1, heap.poll().deliveries(), "processed and rescheduled: counted afresh");
        heap.verify();
    }

    @Test
    void shouldRefuseANullNameOrClockBeforeAttaching()
    {
        assertEquals("clock", assertThrows(NullPointerException.class,
            () -> ScheduleHeap.open(region, "timers", null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class,
            () -> ScheduleHeap.open(region, null)).getMessage());
    }

    @Test
    void shouldNameANegativePayloadLengthAsOutOfRange()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> heap.push(1, new UnsafeBuffer(new byte[8]), 0, -1));
        assertEquals("payload length=-1 must be 0.." + PAYLOAD + " (payloadBytes of heap 'timers')", ex.getMessage());
        assertEquals(0, heap.size());
    }

    /**
     * A stale lease threw under the lock after the dirty word was set: the next holder rebuilt the whole heap and
     * counted a repair for a caller's error.
     */
    @Test
    void shouldRefuseAStaleLeaseWithoutLeavingTheHeapDirty()
    {
        heap.push(1, bytes("a"));
        heap.push(2, bytes("b"));
        final ScheduleLease lease = heap.poll();
        final Participant other = region.attach(Role.SCHEDULER);
        try
        {
            // As if this handle had been taken for dead and the record redelivered to a live holder.
            region.buffer().putLong(slot(lease) + SLOT_HOLDER_OFFSET, other.token());
            final ScheduleLease copy = heap.newLease();

            assertThrows(IllegalStateException.class, () -> heap.complete(lease));
            assertEquals(0, heap.stats().dirtyToken(), "nothing was written: nothing to repair");
            assertTrue(heap.poll(copy));
            assertEquals("b", text(copy));
            assertEquals(0, heap.stats().counters().repairs());
            assertTrue(heap.reschedule(copy, 5));

            // A reschedule of a stale lease, the same; and after a repair on the way in, the repair's mark is cleared.
            assertTrue(heap.poll(copy));
            region.buffer().putLong(slot(copy) + SLOT_HOLDER_OFFSET, other.token());
            region.buffer().putLongVolatile(header(DIRTY_OFFSET), 12_345);
            assertThrows(IllegalStateException.class, () -> heap.reschedule(copy, 6));
            assertEquals(0, heap.stats().dirtyToken());
            assertEquals(1, heap.stats().counters().repairs(), "the one the dirty word asked for");
            assertNotEquals(0, heap.stats().leases());
            heap.verify();
            assertEquals(1, heap.stats().counters().repairs());
        }
        finally
        {
            other.close();
        }
    }

    private int slot(final ScheduleLease lease)
    {
        return (int)region.structure("timers").offset() + poolOffset() + lease.slot() * slotLength(PAYLOAD);
    }
}
