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
            return ring.producer();
        }
        catch (final RuntimeException | Error ex)
        {
            borrowPermits.release();
            throw ex;
        }
    }

    /**
     * @param producer a handle from {@link #borrow()}: detached now.
     */
    void giveBack(final JobProducer producer)
    {
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
     * Forgets the kept handles (the region's close detaches them). No new handle is kept afterwards.
     */
    synchronized void close()
    {
        closed = true;
        kept.clear();
    }
}
