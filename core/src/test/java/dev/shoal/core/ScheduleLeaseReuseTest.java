package dev.shoal.core;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocation-free poll forms of {@link ScheduleHeap}: a lease from {@code newLease()} filled again and again.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScheduleLeaseReuseTest extends HeapTestBase
{
    private static final int CAPACITY = 8;
    private static final int PAYLOAD = 16;

    ScheduleLeaseReuseTest()
    {
        super("heap-region", CAPACITY, PAYLOAD);
    }

    @Test
    void shouldFillOneLeaseWithEachPolledRecordInKeyOrder()
    {
        final long a = heap.push(20, bytes("second"));
        final long b = heap.push(10, bytes("first"));
        final ScheduleLease lease = heap.newLease();
        assertFalse(lease.isActive());
        final IllegalStateException unfilled = assertThrows(IllegalStateException.class, () -> heap.complete(lease));
        assertTrue(unfilled.getMessage().contains("holds no record"), unfilled.getMessage());

        assertTrue(heap.poll(lease));
        assertTrue(lease.isActive());
        assertEquals(b, lease.id());
        assertEquals(10, lease.key());
        assertEquals(1, lease.deliveries());
        assertEquals("first", text(lease));
        assertEquals(5, lease.payload().capacity());
        assertTrue(heap.reschedule(lease, 30));
        assertFalse(lease.isActive());

        assertTrue(heap.poll(lease));
        assertEquals(a, lease.id());
        assertEquals(20, lease.key());
        assertEquals("second", text(lease));
        heap.complete(lease);

        assertTrue(heap.poll(lease));
        assertEquals(b, lease.id());
        assertEquals(30, lease.key());
        assertEquals(1, lease.deliveries(), "its first delivery since the reschedule");
        heap.complete(lease);

        assertFalse(heap.poll(lease), "empty");
        assertFalse(lease.isActive());
        assertEquals(0, heap.size());
        heap.verify();
    }

    @Test
    void shouldRefuseALeaseThatStillHoldsItsRecordAndLeaveTheHeapAsItWas()
    {
        heap.push(10, bytes("x"));
        heap.push(20, bytes("y"));
        final ScheduleLease lease = heap.newLease();
        assertTrue(heap.poll(lease));
        final long held = lease.id();

        final IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> heap.poll(lease));
        assertTrue(thrown.getMessage().contains("still holds its record"), thrown.getMessage());
        assertThrows(IllegalStateException.class, () -> heap.pollDue(Long.MAX_VALUE, lease));
        assertThrows(IllegalStateException.class,
            () -> heap.take(Duration.ofMillis(1), new BusySpinIdleStrategy(), lease));

        assertEquals(held, lease.id(), "the held lease is untouched");
        assertEquals(1, heap.size(), "the other record is still queued");
        assertEquals(20, heap.peekKey());
        heap.complete(lease);
        heap.verify();
    }

    @Test
    void shouldFreeALeaseFoundNoLongerHeldSoThatItCanBePolledIntoAgain()
    {
        heap.push(10, bytes("taken"));
        heap.push(20, bytes("next"));
        final ScheduleLease lease = heap.newLease();
        assertTrue(heap.poll(lease));
        // As if this handle had been taken for dead and the record redelivered to another holder: the slot names
        // another token (a raw write, as a recovery elsewhere would leave it).
        final int slotOffset = (int)region.structure("timers").offset() + ScheduleHeapDescriptor.poolOffset() +
            lease.slot() * ScheduleHeapDescriptor.slotLength(PAYLOAD);
        region.buffer().putLong(slotOffset + ScheduleHeapDescriptor.SLOT_HOLDER_OFFSET, heap.token() + 1);

        final IllegalStateException lost = assertThrows(IllegalStateException.class, () -> heap.reschedule(lease, 5));
        assertTrue(lost.getMessage().contains("no longer held"), lost.getMessage());
        assertFalse(lease.isActive(), "it holds nothing: free to be filled again");
        // The failed reschedule wrote nothing (a stale lease is the caller's error, not a fault): no repair follows.
        assertEquals(0, heap.stats().dirtyToken());
        assertEquals(0, heap.stats().counters().repairs());
        // The recovery finds the made-up holder dead and puts the record back, so it comes again, into the same lease.
        assertEquals(1, heap.recoverDeadLeases());
        assertTrue(heap.poll(lease));
        assertEquals("taken", text(lease));
        assertEquals(2, lease.deliveries());
        heap.complete(lease);
        heap.verify();
    }

    @Test
    void shouldRefuseALeaseOfAnotherHandle()
    {
        heap.push(10, bytes("x"));
        try (ScheduleHeap other = ScheduleHeap.open(region, "timers"))
        {
            final ScheduleLease foreign = other.newLease();
            assertThrows(IllegalArgumentException.class, () -> heap.poll(foreign));
            assertEquals(1, heap.size());
        }
    }

    @Test
    void shouldPollIntoOnlyWhenTheHeadIsDue()
    {
        heap.push(100, bytes("at-100"));
        final ScheduleLease lease = heap.newLease();

        assertFalse(heap.pollDue(99, lease));
        assertFalse(lease.isActive());
        assertTrue(heap.pollDue(100, lease));
        assertEquals("at-100", text(lease));
        // take() reads the heap's clock (epoch milliseconds): an hour from now is not due within the wait.
        assertTrue(heap.reschedule(lease, System.currentTimeMillis() + 3_600_000L));
        assertFalse(heap.take(Duration.ofMillis(20), new BusySpinIdleStrategy(), lease), "timed out: not due");
        assertFalse(lease.isActive());

        heap.push(0, bytes("due"));
        assertTrue(heap.take(Duration.ofSeconds(5), new BusySpinIdleStrategy(), lease));
        assertEquals("due", text(lease));
        heap.complete(lease);
        assertEquals(1, heap.size());
    }

    @Test
    void shouldPushPollRescheduleAndCompleteWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
        for (int i = 0; i < CAPACITY - 1; i++) // one slot left for the push of each round
        {
            heap.push(i, payload, 0, PAYLOAD);
        }
        final ScheduleLease lease = heap.newLease();
        final int rounds = 20_000;
        long sum = loop(lease, payload, rounds); // the first pass warms up: class loading, the JIT's own objects
        final long before = threads.getThreadAllocatedBytes(thread);
        sum += loop(lease, payload, rounds);
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertTrue(sum > 0);
        // The allocating poll() makes a lease and a payload view per poll (40 B or more), and a push built a
        // message string for a check that passed (32-112 B): megabytes over these rounds.
        assertTrue(allocated < rounds / 4, "allocated " + allocated + " bytes over " + rounds + " rounds");
        assertEquals(CAPACITY - 1, heap.size());
        heap.verify();
    }

    /** Each round: poll, reschedule; push one more, poll the head, complete it. */
    private long loop(final ScheduleLease lease, final UnsafeBuffer payload, final int rounds)
    {
        long sum = 0;
        for (int i = 0; i < rounds; i++)
        {
            if (!heap.poll(lease))
            {
                throw new AssertionError("empty at round " + i);
            }
            sum += lease.key() + lease.payload().getByte(0) + 1;
            heap.reschedule(lease, lease.key() + CAPACITY);
            if (heap.push(lease.key(), payload, 0, PAYLOAD) == ScheduleHeap.FULL || !heap.poll(lease))
            {
                throw new AssertionError("full or empty at round " + i);
            }
            heap.complete(lease);
        }
        return sum;
    }
}
