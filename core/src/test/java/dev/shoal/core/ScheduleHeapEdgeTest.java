package dev.shoal.core;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.shoal.core.ScheduleHeapDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private int slot(final ScheduleLease lease)
    {
        return (int)region.structure("timers").offset() + poolOffset() + lease.slot() * slotLength(PAYLOAD);
    }
}
