package dev.shoal.core;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A record given back unprocessed keeps counting its deliveries; a reschedule starts them again. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScheduleHeapGiveBackTest extends HeapTestBase
{
    ScheduleHeapGiveBackTest()
    {
        super("heap-give-back", 4, 8);
    }

    @Test
    void shouldCountAGiveBackAsARedeliveryAtTheOldKey()
    {
        final long id = heap.push(10, bytes("a"));
        heap.push(10, bytes("b"));
        ScheduleLease lease = heap.poll();
        assertTrue(heap.giveBack(lease));
        assertFalse(lease.isActive());
        assertThrows(IllegalStateException.class, () -> heap.giveBack(heap.newLease()));

        assertEquals("b", text(heap.poll()), "given back behind the records queued with its key");
        lease = heap.poll();
        assertEquals(id, lease.id());
        assertEquals(10, lease.key());
        assertEquals(2, lease.deliveries(), "delivered again without a reschedule");
        assertTrue(heap.giveBack(lease));
        lease = heap.poll();
        assertEquals(3, lease.deliveries());
        assertTrue(heap.reschedule(lease, 20));
        assertEquals(1, heap.poll().deliveries());
        assertEquals(2, heap.stats().counters().reschedules() - 1, "give-backs count as reschedules");
        heap.verify();
    }

    @Test
    void shouldFreeADroppedRecordGivenBack()
    {
        heap.push(1, bytes("a"));
        final ScheduleLease lease = heap.poll();
        assertTrue(heap.cancel(lease.id()));
        assertFalse(heap.giveBack(lease));
        assertEquals(0, heap.size());
        assertEquals(4, heap.stats().freeSlots());
        heap.verify();
    }
}
