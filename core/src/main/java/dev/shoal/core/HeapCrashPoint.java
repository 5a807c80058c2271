package dev.shoal.core;

/**
 * The crash points of the {@link ScheduleHeap} protocol, one per shared-memory write site, each placed just
 * before its write (see {@link CrashPoints}). A loop's write is one point (hit once per iteration).
 *
 * <p>Every point but {@link #DIRTY_SET} lies between the dirty mark and its clear, so a holder stopped there for
 * good leaves the dirty word set and the lock word naming a dead token: the next holder gets
 * {@code TAKEN_OVER}, finds the word dirty, and rebuilds the index, the free stack and the counts from the slot
 * states ({@link HeapRecovery#rebuild}). The comment of each point says what the pool holds then, which is
 * what the rebuild turns into the result. The lock word's own CAS and release belong to {@link RegionLock}.
 */
public enum HeapCrashPoint implements CrashPoint
{
    /** Holder, before marking the heap dirty: nothing written; the taker rebuilds an identical index. */
    DIRTY_SET,
    /** Holder, before clearing the dirty mark: the operation is whole; the taker's rebuild changes nothing. */
    DIRTY_CLEAR,

    /** Push, before popping the free stack (free count): nothing taken; the record was never pushed. */
    PUSH_FREE_COUNT,
    /** Push or replaceAll, before advancing the id counter: the slot is still FREE; no id was given out. */
    RECORD_ID_COUNTER,
    /** Push or replaceAll, before writing holder, key and id into a FREE slot: the slot stays FREE. */
    RECORD_FIELDS,
    /** Push, reschedule or replaceAll, before advancing the insertion sequence: the slot keeps its state. */
    SEQ_COUNTER,
    /** Push or replaceAll, before writing seq and deliveries into a FREE slot: the slot stays FREE. */
    RECORD_SEQ,
    /** Push, before copying the payload and its length: the slot stays FREE; the record was never pushed. */
    PUSH_PAYLOAD,
    /** Push, before the QUEUED store: the slot stays FREE; the push never returned an id. */
    PUSH_QUEUED,
    /** Push, before the size store: the record is QUEUED and whole; the rebuild indexes it. */
    PUSH_SIZE,
    /** Push, before counting the push: the record is queued; the push counter misses one. */
    PUSH_COUNT,

    /** Index, before appending a slot at the end of the heap array: the slot is QUEUED but unindexed. */
    INDEX_APPEND,
    /** Index, before moving the last entry into a removed position: the removed slot is still in the array. */
    INDEX_MOVE_LAST,
    /** Index, before moving a parent down in a sift-up: one slot twice in the array, one missing. */
    SIFT_UP_MOVE,
    /** Index, before placing the sifted slot: its parent is in the array twice, the slot missing. */
    SIFT_UP_PLACE,
    /** Index, before moving a child up in a sift-down: one slot twice in the array, one missing. */
    SIFT_DOWN_MOVE,
    /** Index, before placing the sifted slot: a child is in the array twice, the slot missing. */
    SIFT_DOWN_PLACE,

    /** Any writer, before publishing the head key: waiters in take see a stale head hint. */
    HEAD_KEY,
    /** Any writer, before bumping the head version: the key is new, waiters wake on their next recheck. */
    HEAD_VERSION,

    /** Poll, before counting the delivery: the record is QUEUED; nothing was delivered. */
    POLL_DELIVERIES,
    /** Poll, before naming the holder: the record is QUEUED (its delivery count one ahead). */
    POLL_HOLDER,
    /** Poll, before the LEASED store: the record is QUEUED; the poll never returned it. */
    POLL_LEASED,
    /** Poll, before the size store: the record is LEASED by a dead holder; the rebuild requeues it. */
    POLL_SIZE,
    /** Poll, before counting the pop: LEASED by a dead holder; requeued and counted as redelivered. */
    POLL_COUNT,

    /** Reschedule, before writing the new key: LEASED by a dead holder; requeued with its old key. */
    RESCHEDULE_KEY,
    /**
     * Reschedule (not a give-back), before restarting the delivery count: LEASED by a dead holder, the new key
     * written; requeued with the new key, and its next poll counts as a redelivery (deliveries one more).
     */
    RESCHEDULE_DELIVERIES,
    /**
     * Reschedule or give-back, before writing the new seq: LEASED by a dead holder; requeued with the new key (after
     * a reschedule its count restarted: its next poll reads deliveries 1, as after the reschedule it was).
     */
    RESCHEDULE_SEQ,
    /** Reschedule, before clearing the holder: LEASED by a dead holder; requeued with the new key. */
    RESCHEDULE_HOLDER,
    /** Reschedule, before the QUEUED store: LEASED, holder cleared (dead); requeued with the new key. */
    RESCHEDULE_QUEUED,
    /** Reschedule, before the size store: QUEUED with the new key; the rebuild indexes it. */
    RESCHEDULE_SIZE,
    /** Reschedule, before counting: requeued; the reschedule counter misses one. */
    RESCHEDULE_COUNT,

    /** Free (complete, cancel, dropped reschedule), before clearing the holder: the record keeps its state. */
    FREE_HOLDER,
    /** Free, before the FREE store: the record keeps its state (a dead holder's lease is requeued). */
    FREE_STATE,
    /** Free, before pushing the slot on the free stack: the slot is FREE; the rebuild stacks it. */
    FREE_STACK,
    /** Free, before the free count store: the slot is FREE and stacked above the count; rebuilt. */
    FREE_COUNT,
    /** Complete, before counting: the record is freed; the complete counter misses one. */
    COMPLETE_COUNT,

    /** Cancel of a leased record, before the DROPPED store: still LEASED (requeued if its holder died). */
    CANCEL_DROP,
    /** Cancel of a queued record, before the size store: the slot is FREE; the rebuild drops it. */
    CANCEL_SIZE,
    /** Cancel, before counting: the record is gone; the cancel counter misses one. */
    CANCEL_COUNT,

    /** ReplaceAll, before freeing an old QUEUED record: old records up to here freed, the rest queued. */
    REPLACE_FREE_QUEUED,
    /** ReplaceAll, before dropping a lease in flight: the lease stays LEASED (live holder keeps it). */
    REPLACE_DROP_LEASED,
    /** ReplaceAll, before stacking a free slot: slots are FREE, QUEUED or DROPPED; the rebuild stacks them. */
    REPLACE_FREE_STACK,
    /**
     * ReplaceAll, before copying a new record's payload: old records FREE, leases DROPPED, new records up to here
     * QUEUED, this one FREE; the header's size and free count still the old set's (the rebuild recounts them).
     */
    REPLACE_PAYLOAD,
    /** ReplaceAll, before a new record's QUEUED store: part of the new set queued, the rest FREE. */
    REPLACE_QUEUED,
    /** ReplaceAll, before indexing a new record: it is QUEUED; the rebuild indexes it. */
    REPLACE_INDEX,
    /** ReplaceAll, before the free count store: every new record QUEUED; rebuilt. */
    REPLACE_FREE_COUNT,
    /** ReplaceAll, before the size store: every new record QUEUED, the index heapified; rebuilt. */
    REPLACE_SIZE,
    /** ReplaceAll, before counting the pushes: the new set is whole; the push counter misses them. */
    REPLACE_PUSH_COUNT,
    /** ReplaceAll, before counting the replace: the new set is whole; the replace counter misses one. */
    REPLACE_COUNT,

    /** Rebuild, before clearing a dead holder's name from its lease: the lease is still the dead holder's. */
    REBUILD_HOLDER,
    /** Rebuild, before requeueing (LEASED) or freeing (DROPPED) a dead holder's lease: still its lease. */
    REBUILD_STATE,
    /** Rebuild, before stacking a FREE slot: the heap stays dirty; the next holder rebuilds again. */
    REBUILD_FREE_STACK,
    /** Rebuild, before indexing a QUEUED slot: the heap stays dirty; rebuilt again. */
    REBUILD_INDEX,
    /** Rebuild, before the free count store: dirty; rebuilt again. */
    REBUILD_FREE_COUNT,
    /** Rebuild, before the size store: dirty; rebuilt again. */
    REBUILD_SIZE,
    /** Rebuild, before storing the id counter (brought into range if it was not): dirty; rebuilt again. */
    REBUILD_ID_COUNTER,
    /** Rebuild, before raising the insertion sequence above the pool's: dirty; rebuilt again. */
    REBUILD_SEQ_COUNTER,
    /** Rebuild, before counting redeliveries: requeued leases are QUEUED; the counter misses them. */
    REBUILD_REDELIVERED_COUNT,
    /** Rebuild, before counting the repair: the rebuild is whole; the repair counter misses one. */
    REBUILD_REPAIRS_COUNT,

    /** Reclaim of dead leases, before clearing a dead holder's name: the lease is still the dead holder's. */
    RECLAIM_HOLDER,
    /** Reclaim, before requeueing a dead holder's LEASED record: still LEASED; the rebuild requeues it. */
    RECLAIM_QUEUED,
    /** Reclaim, before freeing a dead holder's DROPPED record: still DROPPED; the rebuild frees it. */
    RECLAIM_FREE_STATE,
    /** Reclaim, before stacking the freed slot: the slot is FREE; rebuilt. */
    RECLAIM_FREE_STACK,
    /** Reclaim, before the free count store: freed slots stacked above the count; rebuilt. */
    RECLAIM_FREE_COUNT,
    /** Reclaim, before the size store: requeued records indexed above the size; rebuilt. */
    RECLAIM_SIZE,
    /** Reclaim, before counting redeliveries: requeued; the redelivered counter misses them. */
    RECLAIM_REDELIVERED_COUNT;

    /**
     * @return the four points of a sift (a new array each call): stopping at any of them leaves the index
     * half-moved, with the heap's lock held.
     */
    public static HeapCrashPoint[] sifts()
    {
        return new HeapCrashPoint[]{ SIFT_UP_MOVE, SIFT_UP_PLACE, SIFT_DOWN_MOVE, SIFT_DOWN_PLACE };
    }

    @Override
    public String protocol()
    {
        return "heap";
    }
}
