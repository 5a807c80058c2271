package dev.shoal.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.shoal.core.ScheduleHeapDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScheduleHeapTest extends HeapTestBase
{
    private static final int CAPACITY = 8;
    private static final int PAYLOAD = 16;

    ScheduleHeapTest()
    {
        super("heap-region", CAPACITY, PAYLOAD);
    }

    private int slotOffset(final int slot)
    {
        return (int)region.structure("timers").offset() + poolOffset() + slot * slotLength(PAYLOAD);
    }

    @Test
    void shouldPollInKeyOrderAndFifoAmongEqualKeys()
    {
        heap.push(30, bytes("c"));
        heap.push(10, bytes("a1"));
        heap.push(20, bytes("b"));
        heap.push(10, bytes("a2"));
        heap.push(10, bytes("a3"));

        assertEquals(5, heap.size());
        assertEquals(10, heap.peekKey());
        final StringBuilder order = new StringBuilder();
        for (ScheduleLease lease = heap.poll(); lease != null; lease = heap.poll())
        {
            order.append(text(lease)).append(' ');
            heap.complete(lease);
        }
        assertEquals("a1 a2 a3 b c ", order.toString());
        assertEquals(0, heap.size());
        assertEquals(Long.MAX_VALUE, heap.peekKey());
        heap.verify();
    }

    @Test
    void shouldReturnFullWithoutOverwritingWhenEverySlotIsUsed()
    {
        for (int i = 0; i < CAPACITY; i++)
        {
            assertTrue(heap.push(i, bytes("r" + i)) > 0);
        }
        assertEquals(ScheduleHeap.FULL, heap.push(-1, bytes("x")));
        final ScheduleLease lease = heap.poll();
        assertEquals("r0", text(lease));
        assertEquals(ScheduleHeap.FULL, heap.push(-1, bytes("x")), "a leased record still occupies its slot");
        heap.complete(lease);
        assertTrue(heap.push(-1, bytes("x")) > 0);
        assertEquals(CAPACITY, heap.size());
        heap.verify();
    }

    @Test
    void shouldRejectPayloadLargerThanTheSlot()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> heap.push(1, new byte[PAYLOAD + 1]));
        assertTrue(ex.getMessage().contains("payload length=17 exceeds payloadBytes=16"), ex.getMessage());
        assertEquals(0, heap.size());
        assertTrue(heap.push(1, new byte[0]) > 0, "an empty payload is fine");
    }

    @Test
    void shouldPollDueOnlyOnceTheHeadKeyIsReached()
    {
        heap.push(100, bytes("later"));

        assertNull(heap.pollDue(99));
        final ScheduleLease lease = heap.pollDue(100);
        assertNotNull(lease);
        assertEquals(100, lease.key());
        assertEquals(1, lease.deliveries());
    }

    @Test
    void shouldRescheduleALeaseBehindRecordsWithTheSameKey()
    {
        final long id = heap.push(5, bytes("first"));
        heap.push(7, bytes("second"));
        final ScheduleLease lease = heap.poll();
        assertEquals(id, lease.id());

        assertTrue(heap.reschedule(lease, 7));
        assertFalse(lease.isActive());
        assertEquals("second", text(heap.poll()));
        final ScheduleLease again = heap.poll();
        assertEquals(id, again.id(), "same record, same id");
        assertEquals(7, again.key());
        assertEquals(1, again.deliveries(), "counted since the reschedule: not a redelivery");
        heap.verify();
    }

    @Test
    void shouldRejectCompletedForeignAndStolenLeases()
    {
        heap.push(1, bytes("a"));
        final ScheduleLease lease = heap.poll();
        heap.complete(lease);

        final IllegalStateException done = assertThrows(IllegalStateException.class, () -> heap.complete(lease));
        assertTrue(done.getMessage().contains("id=" + lease.id()), done.getMessage());
        assertThrows(IllegalStateException.class, () -> heap.reschedule(lease, 3));

        heap.push(2, bytes("b"));
        final ScheduleLease mine = heap.poll();
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread other = new Thread(() ->
        {
            try (ScheduleHeap otherHandle = ScheduleHeap.open(region, "timers"))
            {
                otherHandle.complete(mine);
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
        });
        other.start();
        joinQuietly(other);
        assertTrue(thrown.get() instanceof IllegalArgumentException, String.valueOf(thrown.get()));
        heap.complete(mine);
    }

    @Test
    void shouldCancelQueuedRecordsAndReportUnknownIds()
    {
        final long a = heap.push(1, bytes("a"));
        final long b = heap.push(2, bytes("b"));
        final long c = heap.push(3, bytes("c"));

        assertTrue(heap.cancel(b));
        assertFalse(heap.cancel(b), "cancelled already");
        assertFalse(heap.cancel(0));
        assertFalse(heap.cancel(-5));
        assertFalse(heap.cancel(c + (1L << SLOT_BITS)), "right slot, wrong id");
        assertFalse(heap.cancel(CAPACITY + 3), "slot beyond capacity");
        assertEquals(2, heap.size());
        assertEquals(a, heap.poll().id());
        assertEquals(c, heap.poll().id());
        heap.verify();
    }

    @Test
    void shouldFreeACancelledLeaseInsteadOfRequeueingIt()
    {
        final long id = heap.push(1, bytes("a"));
        final ScheduleLease lease = heap.poll();

        assertTrue(heap.cancel(id));
        assertEquals("a", text(lease), "the holder can still read it");
        assertFalse(heap.reschedule(lease, 2));
        assertEquals(0, heap.size());
        assertEquals(0, heap.snapshot().size());
        heap.verify();
    }

    @Test
    void shouldReplaceQueuedRecordsAndDropLeasesInFlight()
    {
        heap.push(1, bytes("old1"));
        heap.push(2, bytes("old2"));
        final ScheduleLease inFlight = heap.poll();

        final long[] ids = heap.replaceAll(List.of(
            new ScheduleRecord(9, bytes("new9")), new ScheduleRecord(4, bytes("new4")),
            new ScheduleRecord(4, bytes("new4b"))));

        assertEquals(3, ids.length);
        assertEquals(3, heap.size());
        assertFalse(heap.reschedule(inFlight, 0), "replaced while leased: freed, not requeued");
        assertEquals("new4", text(heap.poll()));
        assertEquals("new4b", text(heap.poll()));
        assertEquals(ids[0], heap.poll().id());
        assertEquals(1, heap.stats().counters().replaces());
        heap.verify();
    }

    @Test
    void shouldRefuseAReplaceThatDoesNotFitBesideTheLeases()
    {
        heap.push(1, bytes("a"));
        heap.push(2, bytes("b"));
        final ScheduleLease held = heap.poll();
        final List<ScheduleRecord> full = java.util.Collections.nCopies(CAPACITY, new ScheduleRecord(1, bytes("x")));

        assertNull(heap.replaceAll(full));
        assertEquals(1, heap.size(), "nothing changed");
        assertTrue(heap.reschedule(held, 3));
        assertThrows(IllegalArgumentException.class,
            () -> heap.replaceAll(java.util.Collections.nCopies(CAPACITY + 1, new ScheduleRecord(1, bytes("x")))));
        heap.verify();
    }

    @Test
    void shouldRejectUseFromAnotherThreadAndAfterClose()
    {
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread other = new Thread(() ->
        {
            try
            {
                heap.size();
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
        });
        other.start();
        joinQuietly(other);
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));

        heap.close();
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> heap.push(1, bytes("a")));
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
    }

    /**
     * A push of a byte array from a thread that does not own the handle threw, as it should, but only after it had
     * wrapped the owner's scratch buffer around its own array: the owner's pushes meanwhile stored its bytes, or read
     * past its end (1 847 records stored wrong in 5 s). It must throw before it touches anything.
     */
    @Test
    void shouldLetAnotherThreadsPushChangeNothing() throws Exception
    {
        final byte[] mine = new byte[8];
        java.util.Arrays.fill(mine, (byte)0xAA);
        final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
        final AtomicReference<Throwable> unexpected = new AtomicReference<>();
        final Thread intruder = new Thread(() ->
        {
            while (!stop.get())
            {
                try
                {
                    heap.push(1, new byte[]{ (byte)0xBB });
                }
                catch (final IllegalStateException ex)
                {
                    refused.incrementAndGet();
                }
                catch (final Throwable ex)
                {
                    unexpected.compareAndSet(null, ex);
                }
            }
        });
        intruder.start();
        try
        {
            final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            int rounds = 0;
            while (System.nanoTime() - end < 0 || rounds < 1_000)
            {
                assertTrue(heap.push(5, mine) > 0);
                final ScheduleLease lease = heap.poll();
                assertArrayEquals(mine, lease.payloadBytes(), "round " + rounds);
                heap.complete(lease);
                rounds++;
            }
        }
        finally
        {
            stop.set(true);
            joinQuietly(intruder);
        }
        assertNull(unexpected.get());
        assertTrue(refused.get() > 0, "the intruder's pushes were refused");
        assertEquals(0, heap.size());
        heap.verify();
    }

    @Test
    void shouldWakeATakeWhenAnEarlierRecordIsPushed() throws Exception
    {
        heap.push(System.currentTimeMillis() + 3_600_000, bytes("later"));
        final AtomicReference<Object> result = new AtomicReference<>();
        final Thread taker = new Thread(() ->
        {
            try (ScheduleHeap handle = ScheduleHeap.open(region, "timers"))
            {
                final ScheduleLease lease = handle.take(Duration.ofSeconds(20), new BackoffIdleStrategy());
                result.set(lease == null ? "timeout" : new String(lease.payloadBytes(), StandardCharsets.US_ASCII));
            }
            catch (final Throwable ex)
            {
                result.set(ex);
            }
        });
        taker.start();
        final long start = System.nanoTime();
        heap.push(System.currentTimeMillis() - 1, bytes("now"));
        taker.join(TimeUnit.SECONDS.toMillis(25));

        assertEquals("now", result.get());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "woke early");
        assertEquals(1, heap.size());
    }

    @Test
    void shouldTimeOutATakeWhenNothingIsDue()
    {
        heap.push(System.currentTimeMillis() + 3_600_000, bytes("later"));

        assertNull(heap.take(Duration.ofMillis(30), new BusySpinIdleStrategy()));
        assertEquals(1, heap.size());
    }

    @Test
    void shouldRebuildTheIndexAfterTakingOverFromADeadHolder()
    {
        for (int i = 0; i < 6; i++)
        {
            heap.push(10 - i, bytes("r" + i));
        }
        final Participant dead = region.attach(Role.SCHEDULER);
        final AtomicBuffer buffer = region.buffer();
        final int base = (int)region.structure("timers").offset();
        final int heapIndex = base + (int)heapIndexOffset(CAPACITY, PAYLOAD);
        // A holder halted mid-sift: index entry 0 duplicated over entry 1, size off by one, lock word its token.
        buffer.putInt(heapIndex + Integer.BYTES, buffer.getInt(heapIndex));
        buffer.putLong(base + SIZE_OFFSET, 5);
        buffer.putLong(base + LOCK_OFFSET, dead.token());
        dead.close();

        final StringBuilder order = new StringBuilder();
        for (ScheduleLease lease = heap.poll(); lease != null; lease = heap.poll())
        {
            order.append(text(lease)).append(' ');
            heap.complete(lease);
        }
        assertEquals("r5 r4 r3 r2 r1 r0 ", order.toString());
        assertEquals(1, heap.stats().counters().takeovers());
        heap.verify();
    }

    @Test
    void shouldRedeliverLeasesOfADeadHolder() throws Exception
    {
        final long id = heap.push(1, bytes("a"));
        final Thread holder = new Thread(() ->
        {
            final ScheduleHeap handle = ScheduleHeap.open(region, "timers");
            handle.poll();
            handle.close(); // detached with the lease held: its holder token is dead
        });
        holder.start();
        holder.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(0, heap.size());
        assertEquals(1, heap.stats().leases());
        assertFalse(heap.stats().holders().get(0).alive());

        assertEquals(1, heap.recoverDeadLeases());
        final ScheduleLease lease = heap.poll();
        assertEquals(id, lease.id());
        assertEquals(2, lease.deliveries());
        assertEquals(1, heap.stats().counters().redelivered());
    }

    @Test
    void shouldReportACorruptSlotStateInsteadOfFollowingIt()
    {
        heap.push(1, bytes("a"));
        region.buffer().putLong(slotOffset(0) + SLOT_STATE_OFFSET, 9);

        final RegionFormatException ex = assertThrows(RegionFormatException.class, () -> heap.poll());
        assertTrue(ex.getMessage().contains("slot[0].state=9"), ex.getMessage());
        assertEquals(0, region.buffer().getLongVolatile((int)region.structure("timers").offset() + LOCK_OFFSET),
            "the lock was released");
    }

    @Test
    void shouldReportACorruptPayloadLengthAndHeapPosition()
    {
        final long id = heap.push(1, bytes("a"));
        region.buffer().putInt(slotOffset(0) + SLOT_HEAP_POS_OFFSET, 7);
        final RegionFormatException pos = assertThrows(RegionFormatException.class, () -> heap.cancel(id));
        assertTrue(pos.getMessage().contains("slot[0].heapPosition=7"), pos.getMessage());

        region.buffer().putInt(slotOffset(0) + SLOT_PAYLOAD_LENGTH_OFFSET, PAYLOAD + 100);
        final RegionFormatException len = assertThrows(RegionFormatException.class, () -> heap.poll());
        assertTrue(len.getMessage().contains("slot[0].payloadLength=116"), len.getMessage());
    }

    @Test
    void shouldValidateTheHeapParametersOnOpen()
    {
        final int base = (int)region.structure("timers").offset();
        region.buffer().putLong(base + CAPACITY_OFFSET, 5);
        final RegionFormatException ex = assertThrows(RegionFormatException.class,
            () -> ScheduleHeap.open(region, "timers"));
        assertTrue(ex.getMessage().contains("header.capacity=5"), ex.getMessage());

        final StructureInfo bad = new StructureInfo(3, "x", StructureKind.SCHEDULE_HEAP, 0, 1 << 20,
            new long[]{ 0, 16, 0, 0, 0, 0 });
        final RegionFormatException param = assertThrows(RegionFormatException.class,
            () -> ScheduleHeapDescriptor.checkStructure(bad));
        assertTrue(param.getMessage().contains("directory[3].params[0] (heap capacity)=0"), param.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScheduleHeap.spec("y", 0, 16));
        assertThrows(IllegalArgumentException.class, () -> ScheduleHeap.spec("y", 4, -1));
    }

    @Test
    void shouldReportStatsForInspect()
    {
        heap.push(42, bytes("a"));
        heap.push(50, bytes("b"));
        final ScheduleLease lease = heap.poll();

        final ScheduleHeapStats stats = ScheduleHeap.stats(region, "timers");
        assertEquals(CAPACITY, stats.capacity());
        assertEquals(PAYLOAD, stats.payloadBytes());
        assertEquals(1, stats.size());
        assertEquals(1, stats.leases());
        assertEquals(50, stats.headKey());
        assertEquals(List.of(new ScheduleHeapStats.Holder(heap.token(), 1, true)), stats.holders());
        assertEquals(0, stats.lockOwnerToken());
        assertFalse(stats.lockOwnerAlive());
        assertEquals(2, stats.counters().pushes());
        assertEquals(1, stats.counters().pops());
        assertArrayEquals(bytes("a"), lease.payloadBytes());
    }

    /**
     * A lease's payload copy read the slot whatever held it: after complete, another record's bytes; after the
     * region's close, the unmapped file (SIGSEGV).
     */
    @Test
    void shouldRefuseToCopyThePayloadOfALeaseNoLongerHeld()
    {
        heap.push(1, bytes("first"));
        final ScheduleLease lease = heap.poll();
        heap.complete(lease);
        heap.push(2, bytes("other"));
        final IllegalStateException completed = assertThrows(IllegalStateException.class, lease::payloadBytes);
        assertTrue(completed.getMessage().contains("is not held"), completed.getMessage());
        final ScheduleLease held = heap.poll();
        assertEquals("other", text(held));
        region.close();
        final IllegalStateException closed = assertThrows(IllegalStateException.class, held::payloadBytes);
        assertTrue(closed.getMessage().startsWith("region closed"), closed.getMessage());
    }

    /**
     * A region closed while another thread waited in take: the waiter's next read of the unmapped heap killed the
     * whole JVM (SIGSEGV in HeapPool.headerVolatile, 3 of 3 runs of a user's review). Now it ends with the ring's
     * IllegalStateException. The waiter sleeps 20 ms between looks, so the close falls inside a sleep.
     */
    @Test
    void shouldEndATakeWaitingWhenAnotherThreadClosesTheRegion() throws Exception
    {
        heap.push(System.currentTimeMillis() + 60_000, bytes("later"));
        final java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
        final java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        final Thread waiter = new Thread(() ->
        {
            try (ScheduleHeap mine = ScheduleHeap.open(region, "timers"))
            {
                waiting.countDown();
                mine.take(java.time.Duration.ofSeconds(30), new org.agrona.concurrent.SleepingMillisIdleStrategy(20));
                ended.complete(null);
            }
            catch (final Throwable t)
            {
                ended.complete(t);
            }
        }, "heap-waiter");
        waiter.start();
        assertTrue(waiting.await(10, java.util.concurrent.TimeUnit.SECONDS));
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (waiter.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline)
        {
            Thread.onSpinWait(); // until it sleeps inside take
        }
        region.close();
        final Throwable t = ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(t instanceof IllegalStateException, String.valueOf(t));
        assertTrue(t.getMessage().startsWith("region closed"), t.getMessage());
        waiter.join(10_000);
    }

    /** An interrupted take spun a whole core to its timeout (a park returns at once under the flag). */
    @Test
    void shouldReturnFromAnInterruptedTakeAtOnceKeepingTheFlag()
    {
        heap.push(System.currentTimeMillis() + 60_000, bytes("later"));
        Thread.currentThread().interrupt();
        final long start = System.nanoTime();
        assertNull(heap.take(java.time.Duration.ofSeconds(20), new org.agrona.concurrent.BackoffIdleStrategy()));
        assertTrue(Thread.interrupted(), "the flag stays set");
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "returned at once, not at the timeout");
    }

    @Test
    void shouldNameANullArgumentAndChangeNothing()
    {
        heap.push(1, bytes("a"));
        assertEquals("payload", assertThrows(NullPointerException.class, () -> heap.push(2, (byte[])null))
            .getMessage());
        assertEquals("lease", assertThrows(NullPointerException.class, () -> heap.complete(null)).getMessage());
        assertEquals("lease", assertThrows(NullPointerException.class, () -> heap.reschedule(null, 3)).getMessage());
        assertEquals("into", assertThrows(NullPointerException.class, () -> heap.poll(null)).getMessage());
        assertEquals("records", assertThrows(NullPointerException.class, () -> heap.replaceAll(null)).getMessage());
        final java.util.List<ScheduleRecord> withNull = new java.util.ArrayList<>();
        withNull.add(new ScheduleRecord(4, bytes("b")));
        withNull.add(null);
        assertEquals("records[1]", assertThrows(NullPointerException.class, () -> heap.replaceAll(withNull))
            .getMessage());
        assertEquals(1, heap.size());
        assertEquals("a", text(heap.poll()));
        heap.verify();
    }

    private static void joinQuietly(final Thread thread)
    {
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
