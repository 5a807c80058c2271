package dev.shoal.core;

import java.util.HashMap;
import java.util.Map;

import static dev.shoal.core.ScheduleHeapDescriptor.*;

/**
 * The slow paths of a {@link ScheduleHeap}, all under its lock with its dirty word set: the rebuild after a
 * takeover or an unfinished holder, the return of dead holders' leases, publication of the head, and the
 * consistency check used by tests and tools.
 */
final class HeapRecovery
{
    private final HeapPool pool;
    private final HeapIndex index;
    private final ParticipantTable participants;

    HeapRecovery(final HeapPool pool, final HeapIndex index, final ParticipantTable participants)
    {
        this.pool = pool;
        this.index = index;
        this.participants = participants;
    }

    /**
     * Rebuilds both indexes and the counts from the slot states, after a takeover or when the dirty word says a
     * holder left its writes unfinished. The caller has set the dirty word, so a rebuild that is itself cut
     * short is redone by the next holder. Leases of dead holders go back to the heap (LEASED) or are freed
     * (DROPPED). Every state is validated; the index, free stack and counts found are ignored.
     *
     * @return number of leases redelivered.
     */
    int rebuild()
    {
        final Map<Long, Boolean> liveness = new HashMap<>();
        final int capacity = pool.capacity();
        int size = 0;
        int free = 0;
        int redelivered = 0;
        long maxSeq = 0;
        for (int slot = 0; slot < capacity; slot++)
        {
            long state = pool.stateVolatile(slot);
            maxSeq = Math.max(maxSeq, pool.seq(slot));
            if ((state == LEASED || state == DROPPED) && !isAlive(liveness, pool.holder(slot)))
            {
                state = state == LEASED ? QUEUED : FREE;
                redelivered += state == QUEUED ? 1 : 0;
                CrashPoints.at(HeapCrashPoint.REBUILD_HOLDER);
                pool.holder(slot, 0);
                CrashPoints.at(HeapCrashPoint.REBUILD_STATE);
                pool.stateRelease(slot, state);
            }
            if (state == FREE)
            {
                CrashPoints.at(HeapCrashPoint.REBUILD_FREE_STACK);
                pool.freeAt(free++, slot);
            }
            else if (state == QUEUED)
            {
                pool.payloadLengthChecked(slot);
                CrashPoints.at(HeapCrashPoint.REBUILD_INDEX);
                pool.heapAt(size++, slot);
            }
        }
        index.heapify(size);
        publishCounts(free, size, maxSeq);
        CrashPoints.at(HeapCrashPoint.REBUILD_REDELIVERED_COUNT);
        pool.incrementUnderLock(REDELIVERED_OFFSET, redelivered);
        CrashPoints.at(HeapCrashPoint.REBUILD_REPAIRS_COUNT);
        pool.incrementUnderLock(REPAIRS_OFFSET, 1);
        publishHead(size);
        return redelivered;
    }

    /**
     * Stores the counts and the two counters. The insertion sequence (64 bits, never wraps in practice) is raised
     * above every sequence in the pool. The id counter is not raised to a maximum: it wraps (see
     * {@link ScheduleHeapDescriptor#MAX_ID_COUNTER}), so after a wrap the pool holds ids of larger counters than the
     * next one and a maximum would lead past the positive range. It needs no raising either: a push advances it
     * (release store) before any slot carries the id, so a holder that died leaves it ahead of every id it gave out.
     * It is only brought back into range when the word holds a value no push would use.
     */
    private void publishCounts(final int free, final int size, final long maxSeq)
    {
        CrashPoints.at(HeapCrashPoint.REBUILD_FREE_COUNT);
        // Release: counts are read without the lock by size() and stats.
        pool.headerRelease(FREE_COUNT_OFFSET, free);
        CrashPoints.at(HeapCrashPoint.REBUILD_SIZE);
        // Release: as above.
        pool.headerRelease(SIZE_OFFSET, size);
        final long nextId = idCounterInRange(pool.headerPlain(NEXT_ID_OFFSET));
        CrashPoints.at(HeapCrashPoint.REBUILD_ID_COUNTER);
        // Release: stats reads the counters without the lock; the lock orders them for the next holder.
        pool.headerRelease(NEXT_ID_OFFSET, nextId);
        final long nextSeq = Math.max(pool.headerPlain(NEXT_SEQ_OFFSET), maxSeq + 1);
        CrashPoints.at(HeapCrashPoint.REBUILD_SEQ_COUNTER);
        // Release: as above.
        pool.headerRelease(NEXT_SEQ_OFFSET, nextSeq);
    }

    /**
     * Returns the leases of dead holders (processes killed while holding a record, not the lock) to the heap.
     * Liveness is checked once per distinct holder.
     *
     * @return number of leases redelivered.
     */
    int reclaimDeadLeases()
    {
        final Map<Long, Boolean> liveness = new HashMap<>();
        int size = pool.sizeChecked();
        int free = pool.freeCountChecked();
        int redelivered = 0;
        int dropped = 0;
        for (int slot = 0, capacity = pool.capacity(); slot < capacity; slot++)
        {
            final long state = pool.stateVolatile(slot);
            if ((state == LEASED || state == DROPPED) && !isAlive(liveness, pool.holder(slot)))
            {
                CrashPoints.at(HeapCrashPoint.RECLAIM_HOLDER);
                pool.holder(slot, 0);
                if (state == LEASED)
                {
                    CrashPoints.at(HeapCrashPoint.RECLAIM_QUEUED);
                    pool.stateRelease(slot, QUEUED);
                    index.insert(slot, size++);
                    redelivered++;
                }
                else
                {
                    CrashPoints.at(HeapCrashPoint.RECLAIM_FREE_STATE);
                    pool.stateRelease(slot, FREE);
                    CrashPoints.at(HeapCrashPoint.RECLAIM_FREE_STACK);
                    pool.freeAt(free++, slot);
                    dropped++;
                }
            }
        }
        if (redelivered + dropped > 0)
        {
            CrashPoints.at(HeapCrashPoint.RECLAIM_FREE_COUNT);
            // Release: counts are read without the lock by size() and stats.
            pool.headerRelease(FREE_COUNT_OFFSET, free);
            CrashPoints.at(HeapCrashPoint.RECLAIM_SIZE);
            // Release: as above.
            pool.headerRelease(SIZE_OFFSET, size);
            CrashPoints.at(HeapCrashPoint.RECLAIM_REDELIVERED_COUNT);
            pool.incrementUnderLock(REDELIVERED_OFFSET, redelivered);
            publishHead(size);
        }
        return redelivered;
    }

    private boolean isAlive(final Map<Long, Boolean> liveness, final long token)
    {
        return liveness.computeIfAbsent(token, participants::isAlive);
    }

    /**
     * Publishes the head key for waiters in take, and bumps the head version when it changed.
     *
     * @param size the current size.
     */
    void publishHead(final int size)
    {
        final long headKey = size > 0 ? pool.key(pool.heapAt(0)) : Long.MAX_VALUE;
        if (headKey != pool.headerPlain(HEAD_KEY_OFFSET))
        {
            CrashPoints.at(HeapCrashPoint.HEAD_KEY);
            // Release: a waiter that reads the new key (volatile) also sees the record it names.
            pool.headerRelease(HEAD_KEY_OFFSET, headKey);
            final long version = pool.headerPlain(HEAD_VERSION_OFFSET) + 1;
            CrashPoints.at(HeapCrashPoint.HEAD_VERSION);
            // Release, after the key: a waiter that sees the version change re-reads the key.
            pool.headerRelease(HEAD_VERSION_OFFSET, version);
        }
    }

    /**
     * Checks every invariant between the pool, the indexes and the counts.
     *
     * @return a description of the first violation, or {@code null} when consistent.
     */
    String check()
    {
        final int capacity = pool.capacity();
        final int size = pool.sizeChecked();
        final int free = pool.freeCountChecked();
        final boolean[] seen = new boolean[capacity];
        int queued = 0;
        int freeSlots = 0;
        for (int slot = 0; slot < capacity; slot++)
        {
            final long state = pool.stateVolatile(slot);
            queued += state == QUEUED ? 1 : 0;
            freeSlots += state == FREE ? 1 : 0;
            if (state != FREE)
            {
                pool.payloadLengthChecked(slot);
            }
        }
        if (queued != size || freeSlots != free)
        {
            return "size=" + size + " queued slots=" + queued + " freeCount=" + free + " free slots=" + freeSlots;
        }
        for (int pos = 0; pos < size; pos++)
        {
            final int slot = pool.heapAt(pos);
            if (seen[slot] || pool.stateVolatile(slot) != QUEUED || pool.heapPosChecked(slot, size) != pos)
            {
                return "heapIndex[" + pos + "]=" + slot + " duplicated, not QUEUED or heapPosition mismatch";
            }
            seen[slot] = true;
            final int parent = pos > 0 ? pool.heapAt((pos - 1) >>> 1) : slot;
            if (HeapIndex.less(pool.key(slot), pool.seq(slot), pool.key(parent), pool.seq(parent)))
            {
                return "heap order broken at position " + pos + " (slot " + slot + " under slot " + parent + ")";
            }
        }
        final long headKey = size > 0 ? pool.key(pool.heapAt(0)) : Long.MAX_VALUE;
        if (pool.headerVolatile(HEAD_KEY_OFFSET) != headKey)
        {
            return "header.headKey=" + pool.headerVolatile(HEAD_KEY_OFFSET) + " but the head's key=" + headKey;
        }
        for (int i = 0; i < free; i++)
        {
            final int slot = pool.freeAt(i);
            if (seen[slot] || pool.stateVolatile(slot) != FREE)
            {
                return "freeStack[" + i + "]=" + slot + " duplicated or not FREE";
            }
            seen[slot] = true;
        }
        return null;
    }
}
