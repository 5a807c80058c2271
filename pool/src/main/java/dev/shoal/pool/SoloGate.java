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
 * and it starts once none of them holds a lease (the jobs they were running finish first). A thread that finds a
 * suspect while another runs solo hands its frame back to the ring uncharged (see {@link WorkerMain}) rather than
 * wait holding its lease; only when the ring is full does it wait, as {@link #HOLDING}, and then a death of the solo
 * job charges it too.
 *
 * <p>The wait for the others is bounded ({@link #SOLO_WAIT_NANOS}): a neighbour that runs for long (or hangs: the
 * pool has no job timeout) would otherwise stop the whole worker behind it. Past the bound the suspect runs beside
 * them, as every job did before this gate, and a death then charges them too.
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
    /** Longest wait of a solo candidate for the other threads' jobs to finish: then it runs beside them. */
    static final long SOLO_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What {@link #trySolo} found. */
    enum Solo
    {
        /** The caller runs alone: call {@link #endSolo} once its lease is released. */
        ALONE,
        /** Another thread runs solo: hand the frame back, or {@link #hold} it. */
        TAKEN,
        /** The other threads' jobs outlasted {@link #SOLO_WAIT_NANOS}: run beside them (nothing to end). */
        CROWDED
    }

    private static final int NONE = -1;
    /** Ints per state word: 128 bytes apart, so that no two threads' words share a cache line (or its pair). */
    private static final int STRIDE = 32;
    private static final long FIRST_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long LONGEST_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicInteger soloOwner = new AtomicInteger(NONE);
    private final AtomicIntegerArray states;
    private final Thread[] consumers;

    /**
     * @param consumers the worker's consumer threads, by index (not started yet: their start publishes this gate).
     */
    SoloGate(final Thread[] consumers)
    {
        this.consumers = consumers.clone();
        states = new AtomicIntegerArray((consumers.length + 1) * STRIDE);
    }

    /**
     * Lets thread {@code index} take a job unless a suspect runs solo.
     *
     * @param index the calling thread.
     * @return true when the thread may take and run a job (call {@link #leave} once its lease is released); false
     *         when a suspect runs solo: take nothing, {@link #awaitTurn} and look at the pool's state again.
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
     * Parks a thread that {@link #tryEnter} turned away until the solo run ends ({@link #endSolo} unparks it), or
     * for (index + 1) ms at most (50): it looks at the pool's state that often, and the worker's gated threads do
     * not all wake every moment (the spacing of {@code WorkerIdle}).
     *
     * @param index the calling thread.
     */
    void awaitTurn(final int index)
    {
        if (soloOwner.get() != NONE)
        {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(Math.min(index + 1, 50)));
        }
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
     * waits, up to {@link #SOLO_WAIT_NANOS}, until no other thread holds a lease that is not a waiting suspect's.
     *
     * @param index the calling thread, {@link #INSIDE} or {@link #HOLDING}.
     * @return what the caller does with its suspect.
     */
    Solo trySolo(final int index)
    {
        // CAS: one solo thread per worker.
        if (!soloOwner.compareAndSet(NONE, index))
        {
            return Solo.TAKEN;
        }
        states.set(slot(index), INSIDE);
        final long deadline = System.nanoTime() + SOLO_WAIT_NANOS;
        long wait = FIRST_WAIT_NANOS;
        for (int t = 0; t < consumers.length; t++)
        {
            // Volatile reads after the CAS (Dekker's other half): an INSIDE thread finishes the job it has, or
            // finds the owner and steps back; a HOLDING one runs nothing until we are done.
            while (t != index && states.get(slot(t)) == INSIDE)
            {
                if (System.nanoTime() - deadline >= 0)
                {
                    endSolo(index); // a long job beside us: let the worker go on, and run beside it
                    return Solo.CROWDED;
                }
                LockSupport.parkNanos(this, wait);
                wait = Math.min(wait * 2, LONGEST_WAIT_NANOS);
            }
        }
        return Solo.ALONE;
    }

    /**
     * Marks thread {@code index} as holding a suspect it could neither run solo nor hand back (the ring is full):
     * a solo thread may start beside it. Call {@link #trySolo} again after a {@link #pause}.
     *
     * @param index the calling thread.
     */
    void hold(final int index)
    {
        // Volatile store: a solo candidate that reads it may start.
        states.set(slot(index), HOLDING);
    }

    /**
     * Ends thread {@code index}'s solo run and wakes the threads it kept waiting.
     *
     * @param index the solo thread.
     */
    void endSolo(final int index)
    {
        // Volatile store: the solo job's writes (its result, its lease's release) come before any other thread's
        // next lease in this worker.
        soloOwner.set(NONE);
        for (int t = 0; t < consumers.length; t++)
        {
            if (t != index)
            {
                LockSupport.unpark(consumers[t]);
            }
        }
    }

    /**
     * The wait of a {@link #HOLDING} thread between two tries.
     */
    static void pause()
    {
        LockSupport.parkNanos(LONGEST_WAIT_NANOS);
    }

    private static int slot(final int index)
    {
        return (index + 1) * STRIDE;
    }
}
