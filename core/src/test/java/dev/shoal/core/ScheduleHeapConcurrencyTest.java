package dev.shoal.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Threads of one JVM, each with its own handle, popping and rescheduling self-checking records.
 */
class ScheduleHeapConcurrencyTest
{
    private static final int RECORDS = 500;
    private static final int THREADS = 4;
    private static final int OPS_PER_THREAD = 20_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldKeepEveryRecordExactlyOnceUnderConcurrentPopAndReschedule() throws Exception
    {
        try (Region region = Region.create(dir.resolve("mt").toString(),
            RegionSpec.builder().add(ScheduleHeap.spec("h", RECORDS, 16)).build()))
        {
            try (ScheduleHeap heap = ScheduleHeap.open(region, "h"))
            {
                for (int i = 0; i < RECORDS; i++)
                {
                    heap.push(i, payload(i));
                }
            }
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final Thread thread = new Thread(() -> popAndReschedule(region, start, failure), "worker-" + t);
                threads.add(thread);
                thread.start();
            }
            start.countDown();
            for (final Thread thread : threads)
            {
                thread.join(TimeUnit.SECONDS.toMillis(50));
                assertFalse(thread.isAlive(), thread.getName() + " stuck");
            }
            assertNull(failure.get());

            try (ScheduleHeap heap = ScheduleHeap.open(region, "h"))
            {
                heap.verify();
                final List<ScheduleEntry> entries = heap.snapshot();
                final int[] seen = new int[RECORDS];
                for (final ScheduleEntry e : entries)
                {
                    final int n = (int)new org.agrona.concurrent.UnsafeBuffer(e.payload()).getLong(0);
                    seen[n]++;
                    assertFalse(e.leased(), "record " + n + " left leased");
                }
                for (int i = 0; i < RECORDS; i++)
                {
                    assertEquals(1, seen[i], "record " + i + " present once");
                }
                final ScheduleHeapStats.Counters counters = heap.stats().counters();
                assertEquals((long)THREADS * OPS_PER_THREAD, counters.pops());
                assertEquals((long)THREADS * OPS_PER_THREAD, counters.reschedules());
            }
        }
    }

    private static void popAndReschedule(
        final Region region, final CountDownLatch start, final AtomicReference<Throwable> failure)
    {
        try (ScheduleHeap heap = ScheduleHeap.open(region, "h"))
        {
            start.await();
            int done = 0;
            while (done < OPS_PER_THREAD)
            {
                final ScheduleLease lease = heap.poll();
                if (lease == null)
                {
                    continue; // every record leased by others at this instant
                }
                check(lease.payload());
                heap.reschedule(lease, lease.key() + 1 + (lease.id() & 7));
                done++;
            }
        }
        catch (final Throwable ex)
        {
            failure.compareAndSet(null, ex);
        }
    }

    static byte[] payload(final long n)
    {
        final byte[] bytes = new byte[16];
        final org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(bytes);
        b.putLong(0, n);
        b.putLong(8, ~n * 31);
        return bytes;
    }

    static void check(final DirectBuffer payload)
    {
        final long n = payload.getLong(0);
        if (payload.getLong(8) != ~n * 31)
        {
            throw new AssertionError("torn payload for record " + n);
        }
    }
}
