package dev.shoal.core;

/**
 * The binary min-heap over a {@link HeapPool}'s slots, ordered by (key, insertion seq): sift up, sift down,
 * removal at a position, and Floyd's O(n) heapify for rebuilds. Plain accesses only: called under the heap's
 * lock, after the heap's dirty word is set. A crash or an exception in the middle of a sift leaves the index
 * inconsistent (one slot twice, one missing); that is harmless because the dirty word stays set and the next
 * holder rebuilds the index from the pool's states. Each write is a {@link HeapCrashPoint}.
 */
final class HeapIndex
{
    private final HeapPool pool;

    HeapIndex(final HeapPool pool)
    {
        this.pool = pool;
    }

    /**
     * @param slot the slot to add, already QUEUED with its key and seq.
     * @param size the size before the insert.
     */
    void insert(final int slot, final int size)
    {
        CrashPoints.at(HeapCrashPoint.INDEX_APPEND);
        pool.heapAt(size, slot);
        siftUp(size);
    }

    /**
     * @param pos  position to remove.
     * @param size the size before the removal.
     * @return the slot that was at {@code pos}.
     */
    int removeAt(final int pos, final int size)
    {
        final int removed = pool.heapAt(pos);
        final int last = size - 1;
        if (pos != last)
        {
            final int moved = pool.heapAt(last);
            CrashPoints.at(HeapCrashPoint.INDEX_MOVE_LAST);
            pool.heapAt(pos, moved);
            if (siftUp(pos) == pos)
            {
                siftDown(pos, last);
            }
        }
        return removed;
    }

    /**
     * Builds the heap property over positions 0..size-1, whatever their order (Floyd).
     *
     * @param size number of entries.
     */
    void heapify(final int size)
    {
        for (int i = (size >>> 1) - 1; i >= 0; i--)
        {
            siftDown(i, size);
        }
    }

    private int siftUp(final int start)
    {
        int pos = start;
        final int slot = pool.heapAt(pos);
        final long key = pool.key(slot);
        final long seq = pool.seq(slot);
        while (pos > 0)
        {
            final int parentPos = (pos - 1) >>> 1;
            final int parent = pool.heapAt(parentPos);
            if (!less(key, seq, pool.key(parent), pool.seq(parent)))
            {
                break;
            }
            CrashPoints.at(HeapCrashPoint.SIFT_UP_MOVE);
            pool.heapAt(pos, parent);
            pos = parentPos;
        }
        if (pos != start)
        {
            CrashPoints.at(HeapCrashPoint.SIFT_UP_PLACE);
            pool.heapAt(pos, slot);
        }
        return pos;
    }

    private void siftDown(final int start, final int size)
    {
        int pos = start;
        final int slot = pool.heapAt(pos);
        final long key = pool.key(slot);
        final long seq = pool.seq(slot);
        final int half = size >>> 1;
        while (pos < half)
        {
            int childPos = (pos << 1) + 1;
            int child = pool.heapAt(childPos);
            long childKey = pool.key(child);
            long childSeq = pool.seq(child);
            final int rightPos = childPos + 1;
            if (rightPos < size)
            {
                final int right = pool.heapAt(rightPos);
                final long rightKey = pool.key(right);
                final long rightSeq = pool.seq(right);
                if (less(rightKey, rightSeq, childKey, childSeq))
                {
                    childPos = rightPos;
                    child = right;
                    childKey = rightKey;
                    childSeq = rightSeq;
                }
            }
            if (!less(childKey, childSeq, key, seq))
            {
                break;
            }
            CrashPoints.at(HeapCrashPoint.SIFT_DOWN_MOVE);
            pool.heapAt(pos, child);
            pos = childPos;
        }
        if (pos != start)
        {
            CrashPoints.at(HeapCrashPoint.SIFT_DOWN_PLACE);
            pool.heapAt(pos, slot);
        }
    }

    static boolean less(final long keyA, final long seqA, final long keyB, final long seqB)
    {
        return keyA < keyB || (keyA == keyB && seqA < seqB);
    }
}
