package dev.shoal.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults under the heap lock (hole 6 of issue 11): an exception or error thrown between the first and the last
 * write of an operation must leave the heap marked dirty, and the next holder, which acquires the lock normally
 * (the thrower is alive), must repair it before doing anything else.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScheduleHeapFaultTest extends HeapTestBase
{
    private static final int CAPACITY = 16;
    private static final int PAYLOAD = 16;

    ScheduleHeapFaultTest()
    {
        super("heap-fault", CAPACITY, PAYLOAD);
    }

    @AfterEach
    void uninstallCrashPoints()
    {
        CrashPoints.install(null); // runs before the base class closes the region
    }

    /** Throws the error at the n-th time the calling thread reaches the point, once. */
    private static void throwAt(final HeapCrashPoint point, final int hit, final Supplier<Throwable> error)
    {
        final Thread thread = Thread.currentThread();
        final int[] hits = new int[1];
        CrashPoints.install(p ->
        {
            if (p == point && Thread.currentThread() == thread && ++hits[0] == hit)
            {
                final Throwable t = error.get();
                if (t instanceof Error)
                {
                    throw (Error)t;
                }
                throw (RuntimeException)t;
            }
        });
    }

    /** Polls everything, completing each record, and returns the payloads in poll order. */
    private List<String> drain()
    {
        final List<String> order = new ArrayList<>();
        for (ScheduleLease lease = heap.poll(); lease != null; lease = heap.poll())
        {
            order.add(new String(lease.payloadBytes(), StandardCharsets.US_ASCII));
            heap.complete(lease);
        }
        return order;
    }

    @Test
    void shouldLeaveTheHeapWholeWhenAPushSourceIsShorterThanTheLength()
    {
        heap.push(3, bytes("c"));
        heap.push(1, bytes("a"));
        heap.push(2, bytes("b"));
        final UnsafeBuffer shortSource = new UnsafeBuffer(new byte[4]);

        assertThrows(IndexOutOfBoundsException.class, () -> heap.push(0, shortSource, 0, 10));
        assertThrows(IndexOutOfBoundsException.class, () -> heap.push(0, shortSource, 2, 4));

        heap.verify();
        assertEquals(3, heap.size());
        assertEquals(CAPACITY - 3, heap.stats().freeSlots());
        assertEquals(0, heap.stats().counters().repairs(), "checked before the lock: nothing to repair");
        assertEquals(List.of("a", "b", "c"), drain());
        for (int i = 0; i < CAPACITY; i++)
        {
            assertTrue(heap.push(i, bytes("r" + i)) > 0, "no slot leaked: push " + i);
        }
        heap.verify();
    }

    @Test
    void shouldRepairAnIndexLeftHalfSiftedByAnErrorInPush()
    {
        for (int i = 0; i < 10; i++)
        {
            heap.push(100 + i, bytes("r" + (100 + i)));
        }
        throwAt(HeapCrashPoint.SIFT_UP_MOVE, 2, () -> new InternalError("injected: a SIGBUS mid-sift"));

        assertThrows(InternalError.class, () -> heap.push(1, bytes("r1")));
        CrashPoints.install(null);

        assertNotEquals(0, heap.stats().dirtyToken(), "an error under the lock leaves the heap dirty");
        heap.verify();
        assertEquals(0, heap.stats().dirtyToken());
        assertEquals(1, heap.stats().counters().repairs());
        assertEquals(0, heap.stats().counters().takeovers(), "the thrower is alive: acquired, not taken over");
        assertEquals(11, heap.size());
        assertEquals(List.of("r1", "r100", "r101", "r102", "r103", "r104", "r105", "r106", "r107", "r108", "r109"),
            drain());
        heap.verify();
    }

    @Test
    void shouldRepairAnIndexLeftHalfSiftedByAnErrorInPoll()
    {
        for (int i = 0; i < 10; i++)
        {
            heap.push(100 - i, bytes("r" + (100 - i)));
        }
        throwAt(HeapCrashPoint.SIFT_DOWN_MOVE, 1, () -> new OutOfMemoryError("injected: mid-sift"));

        assertThrows(OutOfMemoryError.class, () -> heap.poll());
        CrashPoints.install(null);

        // The next operation repairs first: it sees the right head although the index was left half sifted.
        final ScheduleLease next = heap.poll();
        assertEquals("r92", new String(next.payloadBytes(), StandardCharsets.US_ASCII));
        heap.complete(next);
        heap.verify();
        assertEquals(1, heap.stats().counters().repairs());
        // The record whose poll threw stays leased to this (live) handle, whole and exactly once.
        final List<ScheduleEntry> entries = heap.snapshot();
        assertEquals(9, entries.size());
        assertEquals(1, entries.stream().filter(ScheduleEntry::leased).count());
        assertEquals(List.of("r93", "r94", "r95", "r96", "r97", "r98", "r99", "r100"), drain());
        heap.verify();
    }

    @Test
    void shouldRepairWhenAnErrorHitsTheRepairItself()
    {
        for (int i = 0; i < 6; i++)
        {
            heap.push(10 - i, bytes("r" + (10 - i)));
        }
        throwAt(HeapCrashPoint.SIFT_UP_MOVE, 1, () -> new InternalError("injected"));
        assertThrows(InternalError.class, () -> heap.push(1, bytes("r1")));
        throwAt(HeapCrashPoint.REBUILD_INDEX, 3, () -> new InternalError("injected in the repair"));
        assertThrows(InternalError.class, () -> heap.peek());
        CrashPoints.install(null);

        assertEquals("r1", new String(heap.peek().payload(), StandardCharsets.US_ASCII));
        heap.verify();
        assertEquals(List.of("r1", "r5", "r6", "r7", "r8", "r9", "r10"), drain());
    }

    @Test
    void shouldKeepALeaseUsableWhenItsRescheduleThrowsBeforeWriting()
    {
        heap.push(1, bytes("a"));
        final ScheduleLease lease = heap.poll();
        throwAt(HeapCrashPoint.RESCHEDULE_KEY, 1, () -> new OutOfMemoryError("injected"));
        assertThrows(OutOfMemoryError.class, () -> heap.reschedule(lease, 5));
        CrashPoints.install(null);

        assertTrue(lease.isActive());
        assertTrue(heap.reschedule(lease, 5));
        heap.verify();
        assertEquals(1, heap.size());
    }

    @Test
    void shouldCheckReplaceAllRecordsBeforeTakingTheLock()
    {
        heap.push(1, bytes("a"));
        final List<ScheduleRecord> tooBig = List.of(new ScheduleRecord(2, bytes("b")),
            new ScheduleRecord(3, new byte[PAYLOAD + 1]));
        assertThrows(IllegalArgumentException.class, () -> heap.replaceAll(tooBig));
        assertEquals(0, heap.stats().dirtyToken());
        heap.verify();
        assertEquals(List.of("a"), drain());
    }
}
