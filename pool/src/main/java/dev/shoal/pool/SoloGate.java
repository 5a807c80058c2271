package dev.shoal.pool;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a redelivered job alone in its worker JVM. A job delivered again is a suspect: a worker died while it ran,
 * maybe because of it. When a worker with several consumer threads dies, the ring charges a delivery to every lease
 * the worker held, so jobs that only ran beside a poison job would reach {@code maxAttempts} with it and fail. So a
 * suspect runs alone: its thread becomes the worker's solo thread, the other threads take no job until it is done,
 * and it starts only once none of them holds a lease (a job they were running finishes first). A thread that finds
 * a suspect while another runs solo hands its frame back to the ring uncharged (see {@link WorkerMain}) rather than
 * wait holding its lease; only when the ring is full does it wait, as {@link #HOLDING}, and then a death of the solo
 * job charges it too.
 *
 * <p>Per thread one state word, written only by that thread, on a line of its own: {@link #OUTSIDE} (holds no lease
 * and will not take one before it checks the solo owner again), {@link #INSIDE} (may take and run a job) or
 * {@link #HOLDING} (holds a suspect's lease and runs nothing). The entry is Dekker's handshake over volatile
 * accesses, which are sequentially consistent: a thread stores {@code INSIDE} then reads the solo owner, the solo
 * candidate CASes the owner then reads every state, so at least one of the two sees the other's write; a thread
 * that sees an owner goes back to {@code OUTSIDE}, and the owner waits until it does. One thread per worker never
 * needs this: {@link WorkerMain} skips the gate then.
 */
final class SoloGate
{
    /** Holds no lease, takes none before checking the solo owner again. */
    static final int OUTSIDE = 0;
    /** May take a job and run it. */
    static final int INSIDE = 1;
    /** Holds a suspect's lease, waiting to run it solo or to hand it back; runs nothing. */
    static final int HOLDING = 2;
    private static final int NONE = -1;
    /** Ints per state word: 128 bytes apart, so that no two threads' words share a cache line (or its pair). */
    private static final int STRIDE = 32;
    private static final long WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final AtomicInteger soloOwner = new AtomicInteger(NONE);
    private final AtomicIntegerArray states;
    private final int threads;

    /**
     * @param threads the worker's consumer threads.
     */
    SoloGate(final int threads)
    {
        this.threads = threads;
        states = new AtomicIntegerArray((threads + 1) * STRIDE);
    }

    /**
     * Lets thread {@code index} take a job unless a suspect runs solo.
     *
     * @param index the calling thread.
     * @return true when the thread may take and run a job (call {@link #leave} once its lease is released); false
     *         when a suspect runs solo: take nothing, look at the pool's state and try again after a wait.
     */
    boolean tryEnter(final int index)
    {
        // Volatile store, then volatile read (Dekker): either the solo candidate sees INSIDE and waits for us, or
        // we see its ownership and step back.
        states.set(slot(index), INSIDE);
        if (soloOwner.get() == NONE)
        {
            return true;
        }
        // Release store: nothing of ours follows that the owner must see.
        states.lazySet(slot(index), OUTSIDE);
        return false;
    }

    /**
     * Says thread {@code index} holds no lease any more.
     *
     * @param index the calling thread.
     */
    void leave(final int index)
    {
        // Release store: the lease was released (taskDone's own release) before this.
        states.lazySet(slot(index), OUTSIDE);
    }

    /**
     * Makes thread {@code index}, which holds a suspect's lease, the solo thread, when no other thread is: it then
     * waits until no other thread holds a lease that is not itself a waiting suspect's.
     *
     * @param index the calling thread, {@link #INSIDE}.
     * @return true when the caller runs solo (call {@link #endSolo} after the job); false when another thread
     *         does: hand the frame back or {@link #hold} it.
     */
    boolean trySolo(final int index)
    {
        // CAS: one solo thread per worker.
        if (!soloOwner.compareAndSet(NONE, index))
        {
            return false;
        }
        states.set(slot(index), INSIDE);
        for (int t = 0; t < threads; t++)
        {
            // Volatile reads after the CAS (Dekker's other half): an INSIDE thread finishes the job it has, or
            // finds the owner and steps back; a HOLDING one runs nothing until we are done.
            while (t != index && states.get(slot(t)) == INSIDE)
            {
                LockSupport.parkNanos(WAIT_NANOS);
            }
        }
        return true;
    }

    /**
     * Marks thread {@code index} as holding a suspect it could neither run solo nor hand back (the ring is full):
     * a solo thread may start beside it. Call {@link #trySolo} again after a wait.
     *
     * @param index the calling thread.
     */
    void hold(final int index)
    {
        // Volatile store: a solo candidate that reads it may start.
        states.set(slot(index), HOLDING);
    }

    /**
     * Ends thread {@code index}'s solo run: the other threads may take jobs again.
     *
     * @param index the solo thread.
     */
    void endSolo(final int index)
    {
        // Volatile store: the solo job's writes come before any other thread's next lease in this worker.
        soloOwner.set(NONE);
    }

    /**
     * A short wait for a thread that may not take a job or run its suspect yet.
     */
    static void pause()
    {
        LockSupport.parkNanos(WAIT_NANOS);
    }

    private static int slot(final int index)
    {
        return (index + 1) * STRIDE;
    }
}
