package dev.shoal.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;

/**
 * The pool's producer handles: a bounded set, however many threads submit.
 *
 * <p>A {@link JobProducer} is confined to the thread that attached it, and each one holds a participant entry of
 * the region while it is open. So:
 * <ul>
 *   <li><b>Kept handles</b> (at most {@code kept}): the first threads to submit each attach one and keep it in a
 *       thread-local, so their later submits cost one thread-local read: no lock, no allocation. When all are
 *       taken, a handle whose thread has ended is closed and its place given to the next thread that asks
 *       ({@link Thread#isAlive()} is false only once the thread has terminated, and seeing that orders every
 *       action of that thread before ours).</li>
 *   <li><b>Borrowed handles</b> (at most {@code borrowed} at once): a thread that finds every kept handle owned
 *       by a live thread attaches a handle for one submit and closes it after, under a semaphore permit. This
 *       costs an attach and a detach per submit, so it is the overflow path: a server with more live submitting
 *       threads than kept handles, or many virtual threads at once.</li>
 * </ul>
 * Participant entries used for submitting are therefore at most {@code kept + borrowed}.
 */
final class SubmitHandles
{
    /**
     * A kept handle and the thread it belongs to.
     */
    private record Kept(Thread owner, JobProducer producer)
    {
    }

    private final JobRing ring;
    private final int keptLimit;
    private final Semaphore borrowPermits;
    private final ThreadLocal<JobProducer> mine = new ThreadLocal<>();
    /** Guarded by {@code this}. */
    private final List<Kept> kept = new ArrayList<>();
    /** Borrowed handles out now. Guarded by {@code this}. */
    private final List<JobProducer> lent = new ArrayList<>();
    /** Guarded by {@code this}. */
    private boolean closed;

    SubmitHandles(final JobRing ring, final int keptLimit, final int borrowLimit)
    {
        this.ring = ring;
        this.keptLimit = keptLimit;
        this.borrowPermits = new Semaphore(borrowLimit);
    }

    /**
     * @return the calling thread's kept handle, attaching one when there is room, or {@code null} when every
     *     kept handle belongs to a live thread (then use {@link #borrow()}).
     */
    JobProducer kept()
    {
        final JobProducer producer = mine.get();
        return producer != null ? producer : keepSlow();
    }

    private synchronized JobProducer keepSlow()
    {
        if (closed)
        {
            throw new RejectedExecutionException("pool is closed: no new jobs accepted");
        }
        if (kept.size() >= keptLimit && !releaseEnded())
        {
            return null;
        }
        final JobProducer producer = ring.producer();
        try
        {
            mine.set(producer);
        }
        catch (final UnsupportedOperationException ex)
        {
            producer.close(); // a thread that may not have thread-locals: borrow for each submit
            return null;
        }
        kept.add(new Kept(Thread.currentThread(), producer));
        return producer;
    }

    /**
     * Closes the handles of threads that have ended.
     *
     * @return whether any was closed.
     */
    private boolean releaseEnded()
    {
        final int before = kept.size();
        kept.removeIf(k ->
        {
            if (k.owner().isAlive())
            {
                return false;
            }
            k.producer().close(); // its thread has terminated: no claim of it can be open (submit aborts on throw)
            return true;
        });
        return kept.size() < before;
    }

    /**
     * Attaches a handle for one submit by the calling thread, waiting while all borrowed handles are out. Give it
     * back with {@link #giveBack(JobProducer)} from the same thread.
     *
     * @return the handle.
     */
    JobProducer borrow()
    {
        try
        {
            borrowPermits.acquire();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a submit handle", ex);
        }
        try
        {
            return lend();
        }
        catch (final RuntimeException | Error ex)
        {
            borrowPermits.release();
            throw ex;
        }
    }

    private synchronized JobProducer lend()
    {
        if (closed)
        {
            throw new RejectedExecutionException("pool is closed: no new jobs accepted");
        }
        final JobProducer producer = ring.producer();
        lent.add(producer);
        return producer;
    }

    /**
     * @param producer a handle from {@link #borrow()}: detached now.
     */
    void giveBack(final JobProducer producer)
    {
        synchronized (this)
        {
            lent.remove(producer);
        }
        try
        {
            producer.close();
        }
        finally
        {
            borrowPermits.release();
        }
    }

    /**
     * @return kept handles now (for tests and statistics).
     */
    synchronized int keptCount()
    {
        return kept.size();
    }

    /**
     * Closes every handle, kept or lent, from this thread, before the pool unmaps its region. A producer closed from
     * another thread waits for its owner's claim in flight (JobProducer's close), and its owner's next claim throws
     * instead of touching the region: a submit waiting for room in a full ring when the pool stopped read the
     * unmapped region ("region closed", or the whole JVM gone if the unmap fell inside its claim). No new handle is
     * made afterwards.
     */
    synchronized void close()
    {
        closed = true;
        for (final Kept k : kept)
        {
            k.producer().close();
        }
        kept.clear();
        for (final JobProducer producer : lent)
        {
            producer.close();
        }
        lent.clear();
    }
}
