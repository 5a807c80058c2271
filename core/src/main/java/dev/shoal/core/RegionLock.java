package dev.shoal.core;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * A cross-process lock over one 8-byte word of a region, robust to the death of its holder. Other structures
 * in core use it to guard multi-word updates (the {@link ScheduleHeap} is the first).
 *
 * <pre>
 *  lock word (long):   0 = free,  else the participant token of the holder (see ParticipantTable)
 *  takeovers (long):   +1 each time a waiter took the lock from a dead holder
 * </pre>
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>Acquire: CAS the word from 0 to my token. The CAS is a full fence, so it has acquire semantics: the
 *       previous holder's writes, published by its release store of 0, are visible after it.</li>
 *   <li>Wait: on failure, read the word (volatile) under an Agrona {@link IdleStrategy} (spin, yield, park)
 *       until it reads 0, then CAS again.</li>
 *   <li>Slow path: once a waiter has waited {@link #LIVENESS_CHECK_NANOS} it asks
 *       {@link ParticipantTable#isAlive(long)} about the token in the word, and again every
 *       {@link #LIVENESS_CHECK_NANOS} after that. Never on the fast path.</li>
 *   <li>Takeover: when the holder is dead, CAS the word from that dead token to my token. Exactly one waiter
 *       wins; it bumps the takeover counter and reports {@link Acquisition#TAKEN_OVER}, so that the caller
 *       repairs whatever the dead holder left half done. A dead token never becomes alive again (tokens
 *       carry the participant entry's generation), so the CAS cannot take the lock from a live holder.</li>
 *   <li>Release: CAS the word from my token to 0 (a full fence: every write made under the lock is visible to
 *       the next holder's acquiring CAS). It fails, and throws, if the lock was taken over meanwhile.</li>
 * </ol>
 *
 * <p>The dead holder never released, so nothing orders its writes before the taker's reads in the Java memory
 * model. In practice every store the dead process executed has reached memory (a killed process's store buffer
 * drains), and structures make the words the repair reads (e.g. a heap slot's state) release stores that the
 * repair reads with volatile loads, so a repair sees each of them whole and in program order.
 *
 * <p>Liveness is per participant token: a lock held by a thread whose process is alive and whose participant
 * is still attached is never taken over, however long it is held. Not reentrant. One instance per thread: it
 * carries the caller's token and idle strategy.
 */
public final class RegionLock
{
    /** How long a waiter waits before it checks whether the holder is alive, and between checks. */
    public static final long LIVENESS_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /**
     * What {@link #acquire()} and {@link #tryAcquire} did.
     */
    public enum Acquisition
    {
        /** The lock was free (or released) and is now ours. */
        ACQUIRED,
        /** The holder was dead and we took the lock over: repair the state it guards before using it. */
        TAKEN_OVER,
        /** The timeout passed and the lock is not ours. */
        TIMED_OUT
    }

    private final AtomicBuffer buffer;
    private final int lockOffset;
    private final int takeoverCountOffset;
    private final ParticipantTable participants;
    private final long token;
    private final IdleStrategy idle;

    /**
     * @param buffer              the region's buffer.
     * @param lockOffset          offset of the lock word (8-byte aligned, on its own cache line).
     * @param takeoverCountOffset offset of the takeover counter.
     * @param participants        the region's participant table, for liveness on the slow path.
     * @param token               the caller's participant token.
     */
    RegionLock(
        final AtomicBuffer buffer,
        final int lockOffset,
        final int takeoverCountOffset,
        final ParticipantTable participants,
        final long token)
    {
        if (token <= 0)
        {
            throw new IllegalArgumentException("lock token must be positive: token=" + token);
        }
        this.buffer = buffer;
        this.lockOffset = lockOffset;
        this.takeoverCountOffset = takeoverCountOffset;
        this.participants = participants;
        this.token = token;
        this.idle = new BackoffIdleStrategy(64, 16, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MICROSECONDS.toNanos(200));
    }

    /**
     * Acquires the lock, waiting as long as a live holder holds it.
     *
     * @return {@link Acquisition#ACQUIRED} or {@link Acquisition#TAKEN_OVER}.
     * @throws IllegalStateException when this token holds the lock already (not reentrant).
     */
    public Acquisition acquire()
    {
        return tryAcquire(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /**
     * Acquires the lock unless the timeout passes first.
     *
     * @param timeout how long to wait; {@code Long.MAX_VALUE} nanoseconds waits forever.
     * @param unit    its unit.
     * @return what happened.
     * @throws IllegalStateException when this token holds the lock already (not reentrant).
     */
    public Acquisition tryAcquire(final long timeout, final TimeUnit unit)
    {
        CrashPoints.at(ParticipantCrashPoint.LOCK_ACQUIRE_CAS);
        // CAS 0 -> token: full fence, so the previous holder's release and the writes before it are seen.
        if (buffer.compareAndSetLong(lockOffset, 0, token))
        {
            return Acquisition.ACQUIRED;
        }
        return acquireSlow(unit.toNanos(timeout));
    }

    private Acquisition acquireSlow(final long timeoutNanos)
    {
        final long start = System.nanoTime();
        long nextLivenessCheck = start + LIVENESS_CHECK_NANOS;
        idle.reset();
        while (true)
        {
            // Volatile read: must see the holder's release store of 0 (or a new holder's token).
            final long owner = buffer.getLongVolatile(lockOffset);
            if (owner == token)
            {
                throw new IllegalStateException("lock at offset=" + lockOffset + " already held by token=" + token);
            }
            if (owner == 0)
            {
                CrashPoints.at(ParticipantCrashPoint.LOCK_ACQUIRE_CAS);
                // CAS 0 -> token: loses to any other waiter that saw the same release.
                if (buffer.compareAndSetLong(lockOffset, 0, token))
                {
                    return Acquisition.ACQUIRED;
                }
                continue;
            }
            final long now = System.nanoTime();
            if (now - nextLivenessCheck >= 0)
            {
                nextLivenessCheck = now + LIVENESS_CHECK_NANOS;
                // CAS deadToken -> token: exactly one waiter takes over, and never from a holder that moved on.
                if (!participants.isAlive(owner) && takeOver(owner))
                {
                    CrashPoints.at(ParticipantCrashPoint.LOCK_TAKEOVER_COUNT);
                    // Atomic add: takeovers by different processes must all count.
                    buffer.getAndAddLong(takeoverCountOffset, 1);
                    return Acquisition.TAKEN_OVER;
                }
            }
            if (timeoutNanos != Long.MAX_VALUE && now - start >= timeoutNanos)
            {
                return Acquisition.TIMED_OUT;
            }
            // No write here: a test that schedules actors one at a time parks a waiter until the holder moved.
            CrashPoints.waiting(ParticipantCrashPoint.LOCK_ACQUIRE_CAS);
            idle.idle();
        }
    }

    /**
     * Releases the lock.
     *
     * @throws IllegalStateException when the word does not hold this token (never acquired, released twice, or
     *                               taken over because this participant was considered dead).
     */
    public void release()
    {
        CrashPoints.at(ParticipantCrashPoint.LOCK_RELEASE_CAS);
        // CAS from our own token (a full fence: every write made under the lock is visible to the next holder's
        // acquiring CAS). A check-then-store could clear the lock of a holder that took it over in between.
        if (!buffer.compareAndSetLong(lockOffset, token, 0))
        {
            throw new IllegalStateException("lock at offset=" + lockOffset + " not held by token=" + token +
                ": lock word=" + buffer.getLongVolatile(lockOffset));
        }
    }

    private boolean takeOver(final long deadOwner)
    {
        CrashPoints.at(ParticipantCrashPoint.LOCK_TAKEOVER_CAS);
        return buffer.compareAndSetLong(lockOffset, deadOwner, token);
    }

    /**
     * @return whether the lock word holds this token (volatile read).
     */
    public boolean isHeldByMe()
    {
        return buffer.getLongVolatile(lockOffset) == token;
    }

    /**
     * @return the holder's token, 0 when free (volatile read).
     */
    public long ownerToken()
    {
        return buffer.getLongVolatile(lockOffset);
    }

    /**
     * @return the token this instance acquires with.
     */
    public long token()
    {
        return token;
    }

    /**
     * @return how many takeovers happened on this lock, by any process (volatile read).
     */
    public long takeovers()
    {
        return buffer.getLongVolatile(takeoverCountOffset);
    }
}
