package dev.shoal.pool;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The pool's jobs waiting for a result, by job id, without an object per job beyond the job itself: job ids are
 * handed out in order and most jobs finish before the ids have gone once around a table of a few times the ring's
 * capacity, so a job sits in the slot its id's low bits name. A job whose slot still holds an older job (a slow one,
 * or one of a frame of many jobs) goes to an overflow map instead; lookups try the slot first and the map only
 * when the slot holds another job and the map is not empty.
 *
 * <p>Thread safety: any thread may {@link #put}; {@link #remove} from any thread takes a job at most once (a slot is
 * emptied with a compare-and-set of that very job; the map's remove is atomic). A job is put before its frame is
 * published and removed after its result is read, so the put happens before the remove that finds it.
 *
 * <p>{@link #size} counts jobs put and not removed from two counters read in the order that never misses a job
 * that is still in the table (see there).
 */
final class PendingTable
{
    private final AtomicReferenceArray<PendingJobs.Pending> slots;
    private final int mask;
    private final ConcurrentHashMap<Long, PendingJobs.Pending> overflow = new ConcurrentHashMap<>();
    /** Jobs put: incremented before the job is placed. */
    private final AtomicLong added = new AtomicLong();
    /** Jobs removed: incremented after a job is taken out. */
    private final AtomicLong removed = new AtomicLong();

    /**
     * @param capacity slots, a power of two (at least the jobs usually in flight, for few overflows).
     */
    PendingTable(final int capacity)
    {
        if (capacity < 1 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two: capacity=" + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
    }

    /**
     * @param job a job not in the table yet (its id is unique among the jobs in the table).
     */
    void put(final PendingJobs.Pending job)
    {
        added.incrementAndGet(); // before it can be found (and removed): size() never goes negative
        if (!slots.compareAndSet(index(job.jobId()), null, job))
        {
            overflow.put(job.jobId(), job);
        }
    }

    /**
     * @param jobId the job.
     * @return the job, now out of the table, or {@code null} when the table does not hold it.
     */
    PendingJobs.Pending remove(final long jobId)
    {
        final int i = index(jobId);
        final PendingJobs.Pending inSlot = slots.get(i);
        if (inSlot != null && inSlot.jobId() == jobId)
        {
            if (slots.compareAndSet(i, inSlot, null))
            {
                removed.incrementAndGet();
                return inSlot;
            }
            return null; // another thread took it a moment ago
        }
        // Put into the map before its frame was published, so before this result was read: seen here if there.
        if (overflow.isEmpty())
        {
            return null;
        }
        final PendingJobs.Pending fromMap = overflow.remove(jobId);
        if (fromMap != null)
        {
            removed.incrementAndGet();
        }
        return fromMap;
    }

    /**
     * Jobs in the table. Reads {@code removed} before {@code added}: a job counted as removed was counted as added
     * before, so the difference is never negative, and a job still in the table is counted in {@code added} and
     * not yet in {@code removed}.
     *
     * @return jobs put and not yet removed (a moment's snapshot).
     */
    long size()
    {
        final long out = removed.get();
        return added.get() - out;
    }

    /**
     * Visits every job in the table (for messages and for failing them all; not a snapshot: jobs put or removed
     * meanwhile may or may not be visited).
     *
     * @param visitor receives each job.
     */
    void forEach(final Consumer<PendingJobs.Pending> visitor)
    {
        for (int i = 0; i < slots.length(); i++)
        {
            final PendingJobs.Pending job = slots.get(i);
            if (job != null)
            {
                visitor.accept(job);
            }
        }
        overflow.values().forEach(visitor);
    }

    private int index(final long jobId)
    {
        return (int)jobId & mask;
    }
}
