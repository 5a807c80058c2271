package dev.shoal.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.core.ScheduleHeapDescriptor.*;

/**
 * A cross-process min-heap of records (key, id, payload), ordered by key and then by insertion order: the
 * shared priority and delay queue of the "pop, process, push back with a new timestamp" pattern. Layout in
 * {@link ScheduleHeapDescriptor}; protocol and crash analysis in {@code docs/schedule-heap.md}.
 *
 * <pre>{@code
 * try (ScheduleHeap heap = ScheduleHeap.open(region, "timers"))   // one handle per thread
 * {
 *     ScheduleLease lease = heap.take(Duration.ofSeconds(1), new BackoffIdleStrategy());
 *     if (lease != null)
 *     {
 *         process(lease.payload());
 *         heap.reschedule(lease, System.currentTimeMillis() + 60_000);
 *     }
 * }
 * }</pre>
 *
 * <h2>Protocol</h2>
 * Every operation runs under a {@link RegionLock} whose word names the holder's participant token. The slot
 * pool is the truth: a slot's state (FREE, QUEUED, LEASED, DROPPED) changes by one release store, after the
 * slot's other fields are written. The heap index, the free stack and the size are derived data, written
 * plain under the lock, and always updated after the state ("truth first, index second"). The dirty word
 * brackets every writer's hold of the lock:
 * <ul>
 *   <li>A writer sets it (its token; a store followed by a store-store fence) right after acquiring, before
 *       its first write, and clears it (release store) as its last write before releasing. Any other exit, an
 *       exception (a bad argument found late, an OutOfMemoryError mid-sift, the InternalError a SIGBUS
 *       becomes) or death, leaves it set.</li>
 *   <li>The next holder that gets {@code TAKEN_OVER} or finds the word set, whichever operation it runs,
 *       sets it for itself and rebuilds the free stack and the heap index from the states (O(n) heapify),
 *       putting the leases of dead holders back: LEASED ones to QUEUED (counted as redelivered), DROPPED ones
 *       to FREE. A rebuild cut short leaves the word set, so the next holder rebuilds again.</li>
 *   <li>Ids are positive and unique within a cycle of 2^39 - 1 pushes: the id counter is advanced before a slot
 *       carries the id (so a death never hands one out twice), and it wraps from
 *       {@link ScheduleHeapDescriptor#MAX_ID_COUNTER} to 1. An id names one slot, so no two records present at the
 *       same time share one; an id kept by a client after its record left may name a newer record of the same slot
 *       once a whole cycle went by (about 21 days at 300 000 pushes a second). The insertion sequence (64 bits) is
 *       advanced the same way, and a rebuild raises it above every sequence in the pool.</li>
 *   <li>A worker that dies holding a lease but not the lock: {@link #recoverDeadLeases()} (run periodically by
 *       one process, e.g. the refresher) puts its leases back.</li>
 * </ul>
 * Arguments are checked before the lock is taken (payload length, source bounds, the records of a
 * replaceAll, a lease to poll into that is still held), and a lease is allocated (or a reusable one filled) before
 * the poll that returns it writes anything, so only a fault leaves the word dirty. Every shared write is a
 * {@link HeapCrashPoint}.
 *
 * Leases: {@link #poll()} marks the record LEASED by this handle. {@link #poll(ScheduleLease)} and the other
 * {@code into} forms fill a lease from {@link #newLease()} instead of allocating one, for loops that poll
 * millions of times (the same writes to the region: only the process-local object differs).
 * {@link #reschedule} puts it back with a new key and a new insertion sequence; {@link #complete} frees it.
 * {@link #cancel} of a leased record and {@link #replaceAll} turn leases into DROPPED: the holder may still read
 * and complete them, but a reschedule frees them and returns false, so a refresh never duplicates a record that
 * was in flight.
 *
 * <p>Every number read from the region (state, heap position, payload length, sizes, index entries) is checked
 * before it is followed; a bad one throws {@link RegionFormatException} naming the field and value.
 *
 * <p>A handle attaches a {@link Participant} ({@link Role#SCHEDULER}) and belongs to the thread that opened it;
 * any use after {@link #close()} or from another thread throws {@link IllegalStateException}.
 */
public final class ScheduleHeap implements AutoCloseable
{
    /** What {@link #push} returns when every slot holds a record. */
    public static final long FULL = -1;

    private static final long TAKE_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Region region;
    private final AtomicBuffer buffer;
    private final HeapPool pool;
    private final HeapIndex index;
    private final HeapRecovery recovery;
    private final Participant participant;
    private final RegionLock lock;
    private final EpochClock clock;
    private final Thread owner;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[0]);
    /** Whether this handle set the dirty word during its current hold of the lock. */
    private boolean marked;
    private boolean closed;

    private ScheduleHeap(final Region region, final StructureInfo info, final EpochClock clock)
    {
        this.region = region;
        this.buffer = region.buffer();
        this.pool = new HeapPool(buffer, info);
        this.index = new HeapIndex(pool);
        this.recovery = new HeapRecovery(pool, index, region.participants());
        this.participant = region.attach(Role.SCHEDULER);
        this.lock = new RegionLock(buffer, pool.headerOffset(LOCK_OFFSET), pool.headerOffset(TAKEOVERS_OFFSET),
            region.participants(), participant.token());
        this.clock = clock;
        this.owner = Thread.currentThread();
    }

    /**
     * @param name         structure name.
     * @param capacity     most records, 1 to {@link ScheduleHeapDescriptor#MAX_CAPACITY}.
     * @param payloadBytes largest payload, 0 to {@link ScheduleHeapDescriptor#MAX_PAYLOAD_BYTES}.
     * @return the spec to add to a {@link RegionSpec}.
     */
    public static StructureSpec spec(final String name, final int capacity, final int payloadBytes)
    {
        checkCapacity(capacity);
        checkPayloadBytes(payloadBytes);
        final long bytes = byteLength(capacity, payloadBytes);
        return new StructureSpec(name, StructureKind.SCHEDULE_HEAP, new long[]{ capacity, payloadBytes },
            p -> bytes, HeapPool::initialise);
    }

    /**
     * Opens a handle for the calling thread, with the system clock (epoch ms) for due times.
     *
     * @param region an open region.
     * @param name   the heap's name.
     * @return a handle; close it when done.
     * @throws RegionFormatException when the heap's parameters in the region are invalid.
     */
    public static ScheduleHeap open(final Region region, final String name)
    {
        return open(region, name, SystemEpochClock.INSTANCE);
    }

    /**
     * @param region an open region.
     * @param name   the heap's name.
     * @param clock  the clock {@link #take} compares keys with.
     * @return a handle for the calling thread.
     * @throws NullPointerException naming {@code name} or {@code clock} when null (nothing attached).
     */
    public static ScheduleHeap open(final Region region, final String name, final EpochClock clock)
    {
        region.checkOpen();
        // Before attaching: a null found later (the clock in take) left a participant attached for nothing.
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clock, "clock");
        return new ScheduleHeap(region, region.structure(name, StructureKind.SCHEDULE_HEAP), clock);
    }

    /**
     * Reads a heap's state without attaching and without the lock (for {@code shoal inspect}).
     *
     * @param region an open region.
     * @param name   the heap's name.
     * @return the snapshot.
     */
    public static ScheduleHeapStats stats(final Region region, final String name)
    {
        region.checkOpen();
        final HeapPool pool = new HeapPool(region.buffer(), region.structure(name, StructureKind.SCHEDULE_HEAP));
        return readStats(pool, region.participants());
    }

    /**
     * Pushes a record.
     *
     * @param key     its key, usually an epoch-millis due time.
     * @param payload its payload, at most {@link #payloadBytes()}.
     * @return its id (positive), or {@link #FULL} when every slot holds a record (nothing is overwritten).
     * @throws IllegalArgumentException when the payload is too large.
     */
    public long push(final long key, final byte[] payload)
    {
        // Before the wrap: the scratch buffer is the owner thread's, and another thread's call must change nothing.
        checkUsable();
        scratch.wrap(Objects.requireNonNull(payload, "payload"));
        return pushChecked(key, scratch, 0, payload.length);
    }

    /**
     * Pushes a record, copying its payload from a buffer.
     *
     * @param key    its key.
     * @param src    the payload's buffer.
     * @param offset where the payload starts.
     * @param length its length, at most {@link #payloadBytes()}.
     * @return its id (positive), or {@link #FULL} when every slot holds a record.
     */
    public long push(final long key, final DirectBuffer src, final int offset, final int length)
    {
        checkUsable();
        return pushChecked(key, Objects.requireNonNull(src, "src"), offset, length);
    }

    /** A push by the owner thread of an open handle. */
    private long pushChecked(final long key, final DirectBuffer src, final int offset, final int length)
    {
        checkPayloadLength(length);
        // Before the lock: a source shorter than the length must throw before anything is written.
        src.boundsCheck(offset, length);
        lockToWrite();
        try
        {
            final long id = pushUnderLock(key, src, offset, length);
            finishClean();
            return id;
        }
        finally
        {
            lock.release();
        }
    }

    private long pushUnderLock(final long key, final DirectBuffer src, final int offset, final int length)
    {
        final int free = pool.freeCountChecked();
        if (free == 0)
        {
            return FULL;
        }
        final int size = checkRoom(pool.sizeChecked());
        final int slot = takeFreeSlot(free);
        final long id = writeRecord(slot, key);
        CrashPoints.at(HeapCrashPoint.PUSH_PAYLOAD);
        buffer.putBytes(pool.payloadOffset(slot), src, offset, length);
        pool.payloadLength(slot, length);
        CrashPoints.at(HeapCrashPoint.PUSH_QUEUED);
        pool.stateRelease(slot, QUEUED);
        index.insert(slot, size);
        CrashPoints.at(HeapCrashPoint.PUSH_SIZE);
        // Release: size() and stats read it without the lock.
        pool.headerRelease(SIZE_OFFSET, size + 1);
        CrashPoints.at(HeapCrashPoint.PUSH_COUNT);
        pool.incrementUnderLock(PUSHES_OFFSET, 1);
        recovery.publishHead(size + 1);
        return id;
    }

    /**
     * Polls the head (the smallest key; the earliest pushed among equal keys), due or not.
     *
     * @return its lease, or null when the heap is empty.
     */
    public ScheduleLease poll()
    {
        return pollDue(Long.MAX_VALUE);
    }

    /**
     * Polls the head, due or not, into a reusable lease (see {@link #newLease()}): no allocation.
     *
     * @param into an inactive lease of this handle, filled when a record is polled.
     * @return true when a record was polled into {@code into}, false when the heap is empty.
     * @throws IllegalArgumentException when the lease belongs to another handle.
     * @throws IllegalStateException    when the lease still holds a record (complete or reschedule it first).
     */
    public boolean poll(final ScheduleLease into)
    {
        return pollDue(Long.MAX_VALUE, into);
    }

    /**
     * A lease to poll into, again and again ({@link #poll(ScheduleLease)}, {@link #pollDue(long, ScheduleLease)},
     * {@link #take(Duration, IdleStrategy, ScheduleLease)}): the allocation-free way to run a poll, process,
     * reschedule loop. Inactive until a poll fills it; belongs to this handle, like the leases {@link #poll()}
     * returns.
     *
     * @return a new, inactive lease.
     */
    public ScheduleLease newLease()
    {
        return new ScheduleLease(this);
    }

    /**
     * Polls the head only if its key is at most {@code now}.
     *
     * @param now the current time, in the keys' unit.
     * @return its lease, or null when the heap is empty or its head is not due.
     */
    public ScheduleLease pollDue(final long now)
    {
        checkUsable();
        return pollLocked(now, null);
    }

    /**
     * Polls the head into a reusable lease (see {@link #newLease()}) only if its key is at most {@code now}: no
     * allocation.
     *
     * @param now  the current time, in the keys' unit.
     * @param into an inactive lease of this handle, filled when a record is polled.
     * @return true when a record was polled into {@code into}; false when the heap is empty or its head is not due.
     * @throws IllegalArgumentException when the lease belongs to another handle.
     * @throws IllegalStateException    when the lease still holds a record (complete or reschedule it first).
     */
    public boolean pollDue(final long now, final ScheduleLease into)
    {
        checkUsable();
        checkLeaseToFill(into);
        return pollLocked(now, into) != null;
    }

    /**
     * @param into the lease to fill, or null for a new one.
     */
    private ScheduleLease pollLocked(final long now, final ScheduleLease into)
    {
        lockToWrite();
        try
        {
            final ScheduleLease lease = pollUnderLock(now, into);
            finishClean();
            return lease;
        }
        finally
        {
            lock.release();
        }
    }

    private ScheduleLease pollUnderLock(final long now, final ScheduleLease into)
    {
        final int size = pool.sizeChecked();
        if (size == 0)
        {
            return null;
        }
        final int slot = pool.heapAt(0);
        final long key = pool.key(slot);
        if (key > now)
        {
            return null;
        }
        checkState(slot, QUEUED, "heapIndex", 0);
        final int length = pool.payloadLengthChecked(slot);
        final int deliveries = nextDelivery(pool.deliveries(slot));
        // Allocated (or filled) before the first write: a failed allocation leaves the record queued, not leased
        // to nobody.
        final ScheduleLease lease = into != null ? into : new ScheduleLease(this);
        lease.fill(slot, pool.id(slot), key, deliveries, buffer, pool.payloadOffset(slot), length);
        CrashPoints.at(HeapCrashPoint.POLL_DELIVERIES);
        pool.deliveries(slot, deliveries);
        CrashPoints.at(HeapCrashPoint.POLL_HOLDER);
        pool.holder(slot, participant.token());
        CrashPoints.at(HeapCrashPoint.POLL_LEASED);
        pool.stateRelease(slot, LEASED);
        lease.activate(); // held from here: if what follows throws, the lease still names the record we hold
        index.removeAt(0, size);
        CrashPoints.at(HeapCrashPoint.POLL_SIZE);
        // Release: size() and stats read it without the lock.
        pool.headerRelease(SIZE_OFFSET, size - 1);
        CrashPoints.at(HeapCrashPoint.POLL_COUNT);
        pool.incrementUnderLock(POPS_OFFSET, 1);
        recovery.publishHead(size - 1);
        return lease;
    }

    /**
     * Waits until the head is due and polls it. Wakes early when an earlier record is pushed: it watches the
     * head key and head version words (volatile reads, no lock) and takes the lock only when the head is due,
     * and every 10 ms in any case (so that a dead lock holder is taken over even when the hint is stale).
     *
     * @param timeout how long to wait.
     * @param idle    how to wait (e.g. {@code BackoffIdleStrategy}).
     * @return the lease, or null when the timeout passed first or the calling thread is interrupted (its flag stays
     *     set).
     */
    public ScheduleLease take(final Duration timeout, final IdleStrategy idle)
    {
        checkUsable();
        return takeInto(timeout, idle, null);
    }

    /**
     * Waits until the head is due and polls it into a reusable lease (see {@link #newLease()}), as
     * {@link #take(Duration, IdleStrategy)} does: no allocation.
     *
     * @param timeout how long to wait.
     * @param idle    how to wait (e.g. {@code BackoffIdleStrategy}).
     * @param into    an inactive lease of this handle, filled when a record is polled.
     * @return true when a record was polled into {@code into}, false when the timeout passed first or the calling
     *     thread is interrupted (its flag stays set).
     * @throws IllegalArgumentException when the lease belongs to another handle.
     * @throws IllegalStateException    when the lease still holds a record (complete or reschedule it first).
     */
    public boolean take(final Duration timeout, final IdleStrategy idle, final ScheduleLease into)
    {
        checkUsable();
        checkLeaseToFill(into);
        return takeInto(timeout, idle, into) != null;
    }

    private ScheduleLease takeInto(final Duration timeout, final IdleStrategy idle, final ScheduleLease into)
    {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(idle, "idle");
        final long start = System.nanoTime();
        final long timeoutNanos = Timeouts.nanos(timeout);
        long nextRecheck = start;
        long version = pool.headerVolatile(HEAD_VERSION_OFFSET);
        idle.reset();
        while (true)
        {
            // Before each read of the mapping: a region closed by another thread while this one waits is unmapped,
            // and the next read of it killed the whole JVM (SIGSEGV); now it is an IllegalStateException, as in
            // the ring's take. (Closing at the instant between this check and the read still can: close a region
            // only after the threads that use it stopped.)
            region.checkOpen();
            // Volatile: pairs with publishHead's release store; an earlier push shows as a smaller key.
            final long headKey = pool.headerVolatile(HEAD_KEY_OFFSET);
            final long now = clock.time();
            final long nanos = System.nanoTime();
            if (headKey <= now || nanos - nextRecheck >= 0)
            {
                nextRecheck = nanos + TAKE_RECHECK_NANOS;
                participant.heartbeat(); // at most every recheck: inspect shows a waiting handle as recent
                checkUsable();
                final ScheduleLease lease = pollLocked(now, into);
                if (lease != null)
                {
                    return lease;
                }
            }
            if (nanos - start >= timeoutNanos || Thread.currentThread().isInterrupted())
            {
                return null; // interrupted: an idle strategy's park returns at once, a spin on a whole core
            }
            // Volatile: a new version means the head changed; spin again instead of parking deeper.
            final long v = pool.headerVolatile(HEAD_VERSION_OFFSET);
            if (v != version)
            {
                version = v;
                idle.reset();
            }
            else
            {
                // A wait, not a write (folded away when crash points are off): under the schedule search a turn
                // of this loop, granted after another actor wrote; the next write it waits for is the lock's.
                CrashPoints.waiting(ParticipantCrashPoint.LOCK_ACQUIRE_CAS);
                idle.idle();
            }
        }
    }

    /**
     * @return a copy of the head, or null when empty (taken under the lock).
     */
    public ScheduleEntry peek()
    {
        checkUsable();
        lockToRead();
        try
        {
            final ScheduleEntry head = pool.sizeChecked() == 0 ? null : entry(pool.heapAt(0), QUEUED);
            finishClean();
            return head;
        }
        finally
        {
            lock.release();
        }
    }

    /**
     * @return the head's key as last published, {@code Long.MAX_VALUE} when empty (volatile read, no lock); a head
     *     keyed {@code Long.MAX_VALUE} reads the same, so use {@link #peek()} or {@link #size()} to tell them apart.
     */
    public long peekKey()
    {
        checkUsable();
        return pool.headerVolatile(HEAD_KEY_OFFSET);
    }

    /**
     * Puts a leased record back with a new key (and a new insertion sequence: it goes after records already
     * queued with the same key). The record was processed: its delivery count starts again, so its next poll
     * reads {@link ScheduleLease#deliveries()} = 1 unless that delivery is itself redelivered.
     *
     * @param lease  a lease polled through this handle and not yet completed or rescheduled.
     * @param newKey the new key.
     * @return true when requeued; false when the record was cancelled or replaced while leased (it is freed).
     * @throws IllegalArgumentException when the lease belongs to another handle.
     * @throws IllegalStateException    when the lease was completed or rescheduled already, or is no longer held
     *                                  (nothing is written then).
     */
    public boolean reschedule(final ScheduleLease lease, final long newKey)
    {
        checkUsable();
        checkLeaseLocally(lease);
        return requeue(lease, newKey, true);
    }

    /**
     * Gives a leased record back unprocessed, at the key it was polled with (due again at once if it was due): for
     * a holder that cannot process it now (a failure to retry, a remote consumer lost). Unlike {@link #reschedule}
     * its delivery count goes on, so its next poll reads {@link ScheduleLease#deliveries()} one more than this
     * lease's, as after a redelivery. It gets a new insertion sequence (behind the records queued with its key) and
     * counts as a reschedule in {@link #stats()}.
     *
     * @param lease a lease polled through this handle and not yet completed or rescheduled.
     * @return true when requeued; false when the record was cancelled or replaced while leased (it is freed).
     * @throws IllegalArgumentException when the lease belongs to another handle.
     * @throws IllegalStateException    when the lease was completed or rescheduled already, or is no longer held
     *                                  (nothing is written then).
     */
    public boolean giveBack(final ScheduleLease lease)
    {
        checkUsable();
        checkLeaseLocally(lease);
        return requeue(lease, lease.key(), false);
    }

    private boolean requeue(final ScheduleLease lease, final long newKey, final boolean processed)
    {
        final long state = lockForLease(lease);
        try
        {
            final boolean requeued = requeueUnderLock(lease, state, newKey, processed);
            lease.deactivate(); // only once the record moved: a lease whose reschedule threw may be retried
            finishClean();
            return requeued;
        }
        finally
        {
            lock.release();
        }
    }

    /**
     * @param state     the lease's slot state, LEASED or DROPPED, checked under this hold of the lock.
     * @param processed whether the delivery count starts again (a reschedule) or goes on (a give-back).
     */
    private boolean requeueUnderLock(
        final ScheduleLease lease, final long state, final long newKey, final boolean processed)
    {
        final int slot = lease.slot();
        if (state == DROPPED)
        {
            freeSlot(slot);
            return false;
        }
        final int size = checkRoom(pool.sizeChecked());
        CrashPoints.at(HeapCrashPoint.RESCHEDULE_KEY);
        pool.key(slot, newKey);
        if (processed)
        {
            CrashPoints.at(HeapCrashPoint.RESCHEDULE_DELIVERIES);
            // Plain, as every slot field but the state: the QUEUED release store below publishes it. A death
            // before it leaves the old count, so the record's redelivery (LEASED, dead holder) counts on from it.
            pool.deliveries(slot, 0);
        }
        final long seq = nextSeq();
        CrashPoints.at(HeapCrashPoint.RESCHEDULE_SEQ);
        pool.seq(slot, seq);
        CrashPoints.at(HeapCrashPoint.RESCHEDULE_HOLDER);
        pool.holder(slot, 0);
        CrashPoints.at(HeapCrashPoint.RESCHEDULE_QUEUED);
        pool.stateRelease(slot, QUEUED);
        index.insert(slot, size);
        CrashPoints.at(HeapCrashPoint.RESCHEDULE_SIZE);
        // Release: size() and stats read it without the lock.
        pool.headerRelease(SIZE_OFFSET, size + 1);
        CrashPoints.at(HeapCrashPoint.RESCHEDULE_COUNT);
        pool.incrementUnderLock(RESCHEDULES_OFFSET, 1);
        recovery.publishHead(size + 1);
        return true;
    }

    /**
     * Frees a leased record: it is done and leaves the heap.
     *
     * @param lease a lease polled through this handle and not yet completed or rescheduled.
     * @throws IllegalArgumentException when the lease belongs to another handle.
     * @throws IllegalStateException    when the lease was completed or rescheduled already, or is no longer held
     *                                  (nothing is written then).
     */
    public void complete(final ScheduleLease lease)
    {
        checkUsable();
        checkLeaseLocally(lease);
        lockForLease(lease);
        try
        {
            freeSlot(lease.slot());
            CrashPoints.at(HeapCrashPoint.COMPLETE_COUNT);
            pool.incrementUnderLock(COMPLETES_OFFSET, 1);
            lease.deactivate();
            finishClean();
        }
        finally
        {
            lock.release();
        }
    }

    /**
     * Cancels a record by id. A queued record leaves the heap; a leased one becomes DROPPED: its holder's
     * reschedule will free it instead of requeueing it.
     *
     * @param id a record id. Only the record present in its slot with that id is cancelled; an id kept since its
     *           record left can name a newer record of the same slot only after a whole cycle of the id counter
     *           (2^39 - 1 pushes, see {@link ScheduleHeapDescriptor#MAX_ID_COUNTER}).
     * @return true when cancelled; false when no record has that id (never pushed, completed, cancelled).
     */
    public boolean cancel(final long id)
    {
        checkUsable();
        final long slotIndex = id & SLOT_MASK;
        if (id <= 0 || slotIndex >= pool.capacity())
        {
            return false;
        }
        lockToWrite();
        try
        {
            final boolean cancelled = cancelUnderLock((int)slotIndex, id);
            finishClean();
            return cancelled;
        }
        finally
        {
            lock.release();
        }
    }

    private boolean cancelUnderLock(final int slot, final long id)
    {
        final long state = pool.stateVolatile(slot);
        if (pool.id(slot) != id || state == FREE || state == DROPPED)
        {
            return false;
        }
        if (state == LEASED)
        {
            CrashPoints.at(HeapCrashPoint.CANCEL_DROP);
            pool.stateRelease(slot, DROPPED);
        }
        else
        {
            final int size = pool.sizeChecked();
            final int pos = pool.heapPosChecked(slot, size);
            if (pool.heapAt(pos) != slot)
            {
                throw pool.corrupt("slot[" + slot + "].heapPosition=" + pos + " but heapIndex[" + pos + "]=" +
                    pool.heapAt(pos));
            }
            freeSlot(slot);
            index.removeAt(pos, size);
            CrashPoints.at(HeapCrashPoint.CANCEL_SIZE);
            // Release: size() and stats read it without the lock.
            pool.headerRelease(SIZE_OFFSET, size - 1);
            recovery.publishHead(size - 1);
        }
        CrashPoints.at(HeapCrashPoint.CANCEL_COUNT);
        pool.incrementUnderLock(CANCELS_OFFSET, 1);
        return true;
    }

    /**
     * Replaces every queued record with the given ones, atomically for every other handle: they wait on the lock,
     * and each count read without it ({@link #size()}, the free slots of {@link #stats()}) goes from its old value
     * to its new one with nothing in between. Leased records stay with their holders but become DROPPED: a holder
     * may complete them, and its reschedule frees them and returns false, so a record in flight is not duplicated
     * by the refresh. New records get new ids and insertion sequences in list order.
     *
     * <p>The lock is held for O(capacity + records): about 180 ms for 300 000 records of 64 bytes on a 2-core VM,
     * which every other operation on the heap waits out.
     *
     * <p>If the caller dies in the middle, the next holder repairs the index, and the heap holds part of the old
     * and part of the new records, each whole; the caller should refresh again.
     *
     * @param records the new content.
     * @return the new records' ids in list order, or null when they do not fit beside the current leases
     *         (nothing changed).
     * @throws IllegalArgumentException when there are more records than the capacity, or a payload is too large.
     */
    public long[] replaceAll(final List<ScheduleRecord> records)
    {
        checkUsable();
        // Copied and checked before the lock: a bad list throws before anything is written.
        final ScheduleRecord[] copy = Objects.requireNonNull(records, "records").toArray(new ScheduleRecord[0]);
        if (copy.length > pool.capacity())
        {
            throw new IllegalArgumentException("records=" + copy.length + " exceed capacity=" + pool.capacity() +
                " of heap '" + pool.name() + "'");
        }
        for (int i = 0; i < copy.length; i++)
        {
            checkPayloadLength(Objects.requireNonNull(copy[i], "records[" + i + "]").payload().length);
        }
        final long[] ids = new long[copy.length];
        lockToWrite();
        try
        {
            final boolean replaced = replaceUnderLock(copy, ids);
            finishClean();
            return replaced ? ids : null;
        }
        finally
        {
            lock.release();
        }
    }

    private boolean replaceUnderLock(final ScheduleRecord[] records, final long[] ids)
    {
        final int count = records.length;
        int free = dropAllForReplace(count);
        if (free < 0)
        {
            return false;
        }
        for (int i = 0; i < count; i++)
        {
            final ScheduleRecord record = records[i];
            final int slot = pool.freeAt(--free);
            ids[i] = writeRecord(slot, record.key());
            CrashPoints.at(HeapCrashPoint.REPLACE_PAYLOAD);
            buffer.putBytes(pool.payloadOffset(slot), record.payload());
            pool.payloadLength(slot, record.payload().length);
            CrashPoints.at(HeapCrashPoint.REPLACE_QUEUED);
            pool.stateRelease(slot, QUEUED);
            CrashPoints.at(HeapCrashPoint.REPLACE_INDEX);
            pool.heapAt(i, slot);
        }
        CrashPoints.at(HeapCrashPoint.REPLACE_FREE_COUNT);
        // Release: stats reads it without the lock.
        pool.headerRelease(FREE_COUNT_OFFSET, free);
        index.heapify(count);
        CrashPoints.at(HeapCrashPoint.REPLACE_SIZE);
        // Release: size() and stats read it without the lock.
        pool.headerRelease(SIZE_OFFSET, count);
        CrashPoints.at(HeapCrashPoint.REPLACE_PUSH_COUNT);
        pool.incrementUnderLock(PUSHES_OFFSET, count);
        CrashPoints.at(HeapCrashPoint.REPLACE_COUNT);
        pool.incrementUnderLock(REPLACES_OFFSET, 1);
        recovery.publishHead(count);
        return true;
    }

    /**
     * First half of replaceAll: QUEUED to FREE, LEASED to DROPPED, free stack rebuilt (the header's size and free
     * count keep their old values until the new set is in).
     *
     * @return the free count, or -1 when {@code count} records would not fit beside the leases (nothing done).
     */
    private int dropAllForReplace(final int count)
    {
        final int capacity = pool.capacity();
        int leased = 0;
        for (int slot = 0; slot < capacity; slot++)
        {
            final long state = pool.stateVolatile(slot);
            leased += state == LEASED || state == DROPPED ? 1 : 0;
        }
        if (count > capacity - leased)
        {
            return -1;
        }
        int free = 0;
        for (int slot = 0; slot < capacity; slot++)
        {
            final long state = pool.stateVolatile(slot);
            if (state == QUEUED)
            {
                CrashPoints.at(HeapCrashPoint.REPLACE_FREE_QUEUED);
                pool.stateRelease(slot, FREE);
            }
            else if (state == LEASED)
            {
                CrashPoints.at(HeapCrashPoint.REPLACE_DROP_LEASED);
                pool.stateRelease(slot, DROPPED);
            }
            if (state == QUEUED || state == FREE)
            {
                CrashPoints.at(HeapCrashPoint.REPLACE_FREE_STACK);
                pool.freeAt(free++, slot);
            }
        }
        // The size and free count of the emptied heap are not stored: size() and stats read them without the lock,
        // and a reader would see an empty heap that never existed for it. replaceUnderLock stores the final values;
        // a holder that stops in between leaves the dirty word set, and the rebuild recounts both from the states.
        return free;
    }

    /**
     * Puts back the leases of holders that died (without holding the lock). Checks liveness once per holder;
     * run it periodically from one process. It walks every slot under the lock (O(capacity)), so every other
     * operation waits meanwhile.
     *
     * @return number of records redelivered.
     */
    public int recoverDeadLeases()
    {
        checkUsable();
        lockToWrite();
        try
        {
            final int redelivered = recovery.reclaimDeadLeases();
            finishClean();
            return redelivered;
        }
        finally
        {
            lock.release();
        }
    }

    /**
     * @return a copy of every queued and leased record (not dropped ones), in slot order, taken under the lock.
     */
    public List<ScheduleEntry> snapshot()
    {
        checkUsable();
        lockToRead();
        try
        {
            final List<ScheduleEntry> entries = new ArrayList<>();
            for (int slot = 0, capacity = pool.capacity(); slot < capacity; slot++)
            {
                final long state = pool.stateVolatile(slot);
                if (state == QUEUED || state == LEASED)
                {
                    entries.add(entry(slot, state));
                }
            }
            finishClean();
            return entries;
        }
        finally
        {
            lock.release();
        }
    }

    /**
     * Checks, under the lock, every invariant between the slot pool, the heap index, the free stack and the
     * counts.
     *
     * @throws IllegalStateException naming the first violation.
     */
    public void verify()
    {
        checkUsable();
        lockToRead();
        try
        {
            final String violation = recovery.check();
            if (violation != null)
            {
                throw new IllegalStateException("heap '" + pool.name() + "' inconsistent: " + violation);
            }
            finishClean();
        }
        finally
        {
            lock.release();
        }
    }

    /**
     * @return the queued records (volatile read, no lock).
     */
    public long size()
    {
        checkUsable();
        // Volatile: pairs with the release store of the size under the lock.
        return pool.headerVolatile(SIZE_OFFSET);
    }

    /**
     * @return most records.
     */
    public int capacity()
    {
        return pool.capacity();
    }

    /**
     * @return largest payload.
     */
    public int payloadBytes()
    {
        return pool.payloadBytes();
    }

    /**
     * @return the heap's name.
     */
    public String name()
    {
        return pool.name();
    }

    /**
     * @return this handle's participant token (the holder named in its leases and in the lock word).
     */
    public long token()
    {
        return participant.token();
    }

    /**
     * @return a snapshot for {@code shoal inspect}, read without the lock.
     */
    public ScheduleHeapStats stats()
    {
        checkUsable();
        return readStats(pool, region.participants());
    }

    /**
     * Detaches this handle. Leases it still holds are left to {@link #recoverDeadLeases()} or a takeover.
     *
     * @throws IllegalStateException when called from another thread than the owner's.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            checkThread();
            closed = true;
            participant.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Takes the lock for an operation that writes: repairs if needed, and leaves the dirty word set. */
    private void lockToWrite()
    {
        lockAndRepair(true);
    }

    /** Takes the lock for an operation that only reads: repairs if needed (and only then marks the word). */
    private void lockToRead()
    {
        lockAndRepair(false);
    }

    /**
     * Acquires the lock, then: a takeover or a dirty word means the last holder did not finish cleanly, so the
     * heap is marked dirty (by us) and rebuilt from the pool before anything else. A writer marks the heap
     * dirty in any case, before its first write. The mark is cleared by {@link #finishClean()}, and only there:
     * any other way out of the lock (an exception, an error, death) leaves it for the next holder.
     */
    private void lockAndRepair(final boolean write)
    {
        final RegionLock.Acquisition acquisition = lock.acquire();
        marked = false;
        try
        {
            final boolean repair = acquisition == RegionLock.Acquisition.TAKEN_OVER || pool.dirtyVolatile() != 0;
            if (write || repair)
            {
                markDirty();
            }
            if (repair)
            {
                region.checkIntact(); // the rebuild walks every slot: fail clearly rather than fault
                recovery.rebuild();
            }
        }
        catch (final Throwable ex)
        {
            lock.release();
            throw ex;
        }
    }

    /**
     * Takes the lock for an operation on a lease (reschedule, give-back, complete): repairs if needed, checks that
     * the lease is still held, and only then marks the heap dirty, before the operation's first write. A stale
     * lease is an error of the caller, not a fault: it throws having written nothing (a repair made on the way in
     * is whole, so its mark is cleared), and the next holder has nothing to rebuild.
     *
     * @return the lease's slot state, LEASED or DROPPED.
     * @throws IllegalStateException when the lease is no longer held (the lock is released).
     */
    private long lockForLease(final ScheduleLease lease)
    {
        lockToRead();
        try
        {
            final long state = checkLeaseHeld(lease);
            markDirty();
            return state;
        }
        catch (final Throwable ex)
        {
            lock.release();
            throw ex;
        }
    }

    /**
     * Sets the dirty word to this holder's token, once per hold, before the hold's first write: a plain store and a
     * store-store fence ({@link HeapPool#dirtyMark}), so that the mark is visible before any write that follows.
     */
    private void markDirty()
    {
        if (!marked)
        {
            CrashPoints.at(HeapCrashPoint.DIRTY_SET);
            pool.dirtyMark(participant.token());
            marked = true;
        }
    }

    /** Clears the dirty mark: the last step under the lock of an operation that ran to its end. */
    private void finishClean()
    {
        if (marked)
        {
            marked = false;
            CrashPoints.at(HeapCrashPoint.DIRTY_CLEAR);
            pool.dirtyClearRelease();
        }
    }

    private int takeFreeSlot(final int free)
    {
        final int slot = pool.freeAt(free - 1);
        checkState(slot, FREE, "freeStack", free - 1);
        CrashPoints.at(HeapCrashPoint.PUSH_FREE_COUNT);
        // Release: stats reads the free count without the lock.
        pool.headerRelease(FREE_COUNT_OFFSET, free - 1);
        return slot;
    }

    private void freeSlot(final int slot)
    {
        final int free = pool.freeCountChecked();
        if (free >= pool.capacity())
        {
            throw pool.corrupt("header.freeCount=" + free + " already equals capacity=" + pool.capacity() +
                " while slot[" + slot + "] is in use");
        }
        CrashPoints.at(HeapCrashPoint.FREE_HOLDER);
        pool.holder(slot, 0);
        CrashPoints.at(HeapCrashPoint.FREE_STATE);
        pool.stateRelease(slot, FREE);
        CrashPoints.at(HeapCrashPoint.FREE_STACK);
        pool.freeAt(free, slot);
        CrashPoints.at(HeapCrashPoint.FREE_COUNT);
        // Release: stats reads the free count without the lock.
        pool.headerRelease(FREE_COUNT_OFFSET, free + 1);
    }

    private int checkRoom(final int size)
    {
        if (size >= pool.capacity())
        {
            throw pool.corrupt("header.size=" + size + " already equals capacity=" + pool.capacity() +
                " while a slot is being queued");
        }
        return size;
    }

    /**
     * Writes key, id, seq and resets holder and deliveries; the id counter advances before the id is used. The id is
     * {@code counter << SLOT_BITS | slot}, positive since the counter stays within 1 to MAX_ID_COUNTER.
     */
    private long writeRecord(final int slot, final long key)
    {
        // Plain: the counter is written only under the lock, whose acquiring CAS ordered the last holder's store.
        final long counter = idCounterInRange(pool.headerPlain(NEXT_ID_OFFSET));
        CrashPoints.at(HeapCrashPoint.RECORD_ID_COUNTER);
        // Release: an id counter is consumed before any slot carries it, so a crash never hands it out twice in one
        // cycle. It wraps to 1 after MAX_ID_COUNTER, which keeps every id positive (see MAX_ID_COUNTER).
        pool.headerRelease(NEXT_ID_OFFSET, nextIdCounter(counter));
        final long id = (counter << SLOT_BITS) | slot;
        CrashPoints.at(HeapCrashPoint.RECORD_FIELDS);
        pool.holder(slot, 0);
        pool.key(slot, key);
        pool.id(slot, id);
        final long seq = nextSeq();
        CrashPoints.at(HeapCrashPoint.RECORD_SEQ);
        pool.seq(slot, seq);
        pool.deliveries(slot, 0);
        return id;
    }

    /**
     * @param deliveries the slot's count (deliveries since the record was pushed or last rescheduled).
     * @return the count with this poll: one more, held at Integer.MAX_VALUE rather than wrapping (that many polls
     *     without a reschedule take as many redeliveries, so it is a corrupt word in practice; it is only reported).
     */
    private static int nextDelivery(final int deliveries)
    {
        return deliveries == Integer.MAX_VALUE ? deliveries : Math.max(deliveries, 0) + 1;
    }

    private long nextSeq()
    {
        final long seq = pool.headerPlain(NEXT_SEQ_OFFSET);
        CrashPoints.at(HeapCrashPoint.SEQ_COUNTER);
        // Release: a sequence is consumed before any slot carries it (as the id counter above).
        pool.headerRelease(NEXT_SEQ_OFFSET, seq + 1);
        return seq;
    }

    /**
     * @param array    the derived array the slot came from, and {@code position} where in it: the message is built
     *                 only on failure, so a push or poll allocates nothing here.
     */
    private void checkState(final int slot, final long expected, final String array, final int position)
    {
        final long state = pool.stateVolatile(slot);
        if (state != expected)
        {
            throw pool.corrupt(array + "[" + position + "]=" + slot + " but slot[" + slot + "].state=" +
                stateName(state) + " (expected " + stateName(expected) + ")");
        }
    }

    private void checkLeaseToFill(final ScheduleLease into)
    {
        if (Objects.requireNonNull(into, "into").heap() != this)
        {
            throw new IllegalArgumentException("lease to poll into belongs to another heap handle");
        }
        if (into.isActive())
        {
            throw new IllegalStateException("lease id=" + into.id() +
                " still holds its record: complete or reschedule it before polling into it");
        }
    }

    private void checkLeaseLocally(final ScheduleLease lease)
    {
        if (Objects.requireNonNull(lease, "lease").heap() != this)
        {
            throw new IllegalArgumentException("lease id=" + lease.id() + " belongs to another heap handle");
        }
        if (!lease.isActive())
        {
            throw new IllegalStateException("lease id=" + lease.id() +
                " holds no record: completed, rescheduled, found no longer held, or never polled into");
        }
    }

    /**
     * Under the lock, before any write of this hold but a repair's: the slot must still hold the lease's record,
     * leased to this handle.
     *
     * @return the slot's state, LEASED or DROPPED.
     */
    private long checkLeaseHeld(final ScheduleLease lease)
    {
        final int slot = lease.slot();
        // Volatile, as every state read; id and holder plain: written under the lock, ordered by its CAS.
        final long state = pool.stateVolatile(slot);
        final long id = pool.id(slot);
        final long holder = pool.holder(slot);
        if ((state != LEASED && state != DROPPED) || id != lease.id() || holder != participant.token())
        {
            lease.deactivate(); // it holds nothing any more: a reused lease may be polled into again
            finishClean(); // nothing written by this call; a repair on the way in is whole
            throw new IllegalStateException("lease id=" + lease.id() + " is no longer held by token=" +
                participant.token() + ": slot[" + slot + "] state=" + stateName(state) + " id=" + id + " holder=" +
                holder + " (redelivered after this holder was taken for dead?)");
        }
        return state;
    }

    private void checkPayloadLength(final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("payload length=" + length + " must be 0.." + pool.payloadBytes() +
                " (payloadBytes of heap '" + pool.name() + "')");
        }
        if (length > pool.payloadBytes())
        {
            throw new IllegalArgumentException("payload length=" + length + " exceeds payloadBytes=" +
                pool.payloadBytes() + " of heap '" + pool.name() + "'");
        }
    }

    private ScheduleEntry entry(final int slot, final long state)
    {
        final byte[] payload = new byte[pool.payloadLengthChecked(slot)];
        buffer.getBytes(pool.payloadOffset(slot), payload);
        return new ScheduleEntry(pool.id(slot), pool.key(slot), state != QUEUED, pool.holder(slot),
            pool.deliveries(slot), payload);
    }

    /**
     * For a lease: once its handle is closed, its participant is dead and the region's other handles may put its
     * records back and hand their slots on, so none of its leases holds anything any more.
     *
     * @return whether {@link #close()} has not been called.
     */
    boolean isOpen()
    {
        return !closed;
    }

    /** For a lease's reads: a closed region's file is unmapped. */
    void checkRegionOpen()
    {
        region.checkOpen();
    }

    private void checkUsable()
    {
        if (closed)
        {
            throw new IllegalStateException("heap handle closed: heap '" + pool.name() + "'");
        }
        checkThread();
        region.checkOpen();
    }

    private void checkThread()
    {
        if (Thread.currentThread() != owner)
        {
            throw new IllegalStateException("heap handle of thread '" + owner.getName() + "' used from thread '" +
                Thread.currentThread().getName() + "': open one handle per thread");
        }
    }

    private static ScheduleHeapStats readStats(final HeapPool pool, final ParticipantTable participants)
    {
        final Map<Long, long[]> byHolder = new LinkedHashMap<>();
        long leases = 0;
        for (int slot = 0, capacity = pool.capacity(); slot < capacity; slot++)
        {
            final long state = pool.stateVolatile(slot);
            if (state == LEASED || state == DROPPED)
            {
                leases++;
                byHolder.computeIfAbsent(pool.holder(slot), t -> new long[1])[0]++;
            }
        }
        final List<ScheduleHeapStats.Holder> holders = new ArrayList<>();
        byHolder.forEach((token, count) -> holders.add(
            new ScheduleHeapStats.Holder(token, count[0], participants.isAlive(token))));
        final long lockOwner = pool.headerVolatile(LOCK_OFFSET);
        // Within 0..capacity at every instant, mid-operation and after a holder's death too (each is written once
        // per operation, to a value the operation checked under the lock, which refuses the same values): one
        // outside was written by something else, and inspect says so rather than print it as a count.
        final long size = pool.countVolatileChecked(SIZE_OFFSET, "size");
        final long free = pool.countVolatileChecked(FREE_COUNT_OFFSET, "freeCount");
        return new ScheduleHeapStats(pool.name(), pool.capacity(), pool.payloadBytes(),
            size, leases, free,
            pool.headerVolatile(HEAD_KEY_OFFSET), List.copyOf(holders), lockOwner,
            lockOwner != 0 && participants.isAlive(lockOwner), pool.headerVolatile(DIRTY_OFFSET),
            new ScheduleHeapStats.Counters(
                pool.headerVolatile(PUSHES_OFFSET), pool.headerVolatile(POPS_OFFSET),
                pool.headerVolatile(RESCHEDULES_OFFSET), pool.headerVolatile(COMPLETES_OFFSET),
                pool.headerVolatile(CANCELS_OFFSET), pool.headerVolatile(REDELIVERED_OFFSET),
                pool.headerVolatile(REPLACES_OFFSET), pool.headerVolatile(TAKEOVERS_OFFSET),
                pool.headerVolatile(REPAIRS_OFFSET)));
    }

    @Override
    public String toString()
    {
        return "ScheduleHeap{name=" + pool.name() + ", capacity=" + pool.capacity() + ", payloadBytes=" +
            pool.payloadBytes() + ", token=" + participant.token() + "}";
    }
}
