package dev.shoal.pool;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pending jobs' table: a job is found by its id whether it sits in its slot or, because an older job still
 * held that slot, in the overflow map; each job is taken once; {@code size} and {@code forEach} see both places;
 * and jobs put and taken by several threads at once are each taken exactly once.
 */
class PendingTableTest
{
    @Test
    void shouldTakeAJobOnceByItsId()
    {
        final PendingTable table = new PendingTable(8);
        final PendingJobs.Pending job = job(5);
        table.put(job);
        assertEquals(1, table.size());
        assertSame(job, table.remove(5));
        assertNull(table.remove(5), "taken already");
        assertEquals(0, table.size());
    }

    @Test
    void shouldFindAJobWhoseSlotAnOlderJobStillHolds()
    {
        final PendingTable table = new PendingTable(4);
        final PendingJobs.Pending old = job(1);
        final PendingJobs.Pending sameSlot = job(5);
        final PendingJobs.Pending sameSlotToo = job(9);
        table.put(old);
        table.put(sameSlot);
        table.put(sameSlotToo);
        assertEquals(3, table.size());
        assertNull(table.remove(13), "an id never put, while the overflow holds others");
        assertSame(sameSlotToo, table.remove(9), "from the overflow while the slot holds job 1");
        assertSame(old, table.remove(1));
        assertSame(sameSlot, table.remove(5), "from the overflow while the slot is empty");
        final PendingJobs.Pending next = job(13);
        table.put(next);
        assertSame(next, table.remove(13), "the emptied slot is used again");
        assertEquals(0, table.size());
    }

    @Test
    void shouldVisitJobsInSlotsAndInTheOverflow()
    {
        final PendingTable table = new PendingTable(2);
        for (long id = 0; id < 5; id++)
        {
            table.put(job(id));
        }
        final Set<Long> seen = new HashSet<>();
        table.forEach(p -> seen.add(p.jobId()));
        assertEquals(Set.of(0L, 1L, 2L, 3L, 4L), seen);
    }

    @Test
    void shouldRefuseACapacityThatIsNotAPowerOfTwo()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new PendingTable(6));
        assertTrue(ex.getMessage().contains("capacity=6"), ex.getMessage());
    }

    /**
     * Two threads put jobs with ids from one counter (as submitting threads do) while two others take them in the
     * order a queue hands them over (results of many workers arrive out of order) and a fifth tries to take ids
     * at random (as a duplicate result or failing every job would): every job is taken exactly once.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldTakeEveryJobExactlyOnceUnderConcurrentPutsAndTakes() throws Exception
    {
        final int jobs = 200_000;
        final PendingTable table = new PendingTable(64); // small: many jobs go through the overflow
        final AtomicLong nextId = new AtomicLong();
        final ConcurrentLinkedQueue<Long> published = new ConcurrentLinkedQueue<>();
        final AtomicReferenceArray<String> takenBy = new AtomicReferenceArray<>(jobs);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 2; p++)
        {
            threads.add(new Thread(() ->
            {
                for (long id = nextId.getAndIncrement(); id < jobs; id = nextId.getAndIncrement())
                {
                    table.put(job(id));
                    published.add(id); // the frame is published after its jobs are in the table
                }
            }));
        }
        final AtomicLong takenCount = new AtomicLong();
        for (int c = 0; c < 3; c++)
        {
            final boolean random = c == 2;
            final String name = "taker-" + c;
            threads.add(new Thread(() ->
            {
                final java.util.SplittableRandom rnd = new java.util.SplittableRandom(name.hashCode());
                while (takenCount.get() < jobs)
                {
                    final Long id = random ? Long.valueOf(rnd.nextLong(jobs)) : published.poll();
                    if (id == null)
                    {
                        Thread.onSpinWait();
                        continue;
                    }
                    final PendingJobs.Pending p = table.remove(id);
                    if (p == null)
                    {
                        continue; // not put yet, or taken already: a random try only
                    }
                    if (p.jobId() != id)
                    {
                        failure.compareAndSet(null, new AssertionError("asked for " + id + ", got " + p.jobId()));
                    }
                    if (!takenBy.compareAndSet((int)(long)id, null, name))
                    {
                        failure.compareAndSet(null, new AssertionError("job " + id + " taken twice"));
                    }
                    takenCount.incrementAndGet();
                }
            }));
        }
        threads.forEach(Thread::start);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50);
        for (final Thread t : threads)
        {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive())
            {
                threads.forEach(Thread::interrupt);
                throw new AssertionError("a thread is still running at the deadline: " + takenCount.get() + " of " +
                    jobs + " taken");
            }
        }
        if (failure.get() != null)
        {
            throw new AssertionError(failure.get());
        }
        assertEquals(jobs, takenCount.get());
        for (int id = 0; id < jobs; id++)
        {
            assertTrue(takenBy.get(id) != null, "job " + id + " never taken");
        }
        assertEquals(0, table.size());
    }

    private static PendingJobs.Pending job(final long id)
    {
        return new PendingJobs.Pending(id, "", "h", 0);
    }
}
