package dev.shoal.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A record polled from a {@link ScheduleHeap}: it stays in its slot, held by the handle that polled it, until
 * that handle calls {@link ScheduleHeap#reschedule} or {@link ScheduleHeap#complete}. If the holder's process
 * dies first, the record is redelivered. Not thread-safe; belongs to the polling handle.
 *
 * <p>A lease from {@link ScheduleHeap#newLease()} is reusable: each {@code poll(into)}, {@code pollDue(now, into)}
 * or {@code take(timeout, idle, into)} that returns true fills it with the record it polled, so a loop that polls,
 * processes and reschedules allocates nothing. It can be filled again once it is no longer active (completed or
 * rescheduled); its {@link #payload()} view then moves to the new record. A lease of a closed handle holds nothing.
 */
public final class ScheduleLease
{
    private static final byte[] NO_PAYLOAD = new byte[0];

    private final ScheduleHeap heap;
    private final UnsafeBuffer payload = new UnsafeBuffer(NO_PAYLOAD);
    private int slot = -1;
    private long id;
    private long key;
    private int deliveries;
    private boolean active;

    /**
     * An empty lease of {@code heap}'s handle: inactive until a poll fills it.
     */
    ScheduleLease(final ScheduleHeap heap)
    {
        this.heap = heap;
    }

    /**
     * Points this lease at a record being polled, still inactive: {@link #activate()} follows once the record is
     * marked LEASED, so a poll that fails before that leaves the lease free to be filled again. Process-local:
     * nothing shared is written.
     */
    void fill(
        final int slot, final long id, final long key, final int deliveries, final DirectBuffer region,
        final int payloadOffset, final int payloadLength)
    {
        this.slot = slot;
        this.id = id;
        this.key = key;
        this.deliveries = deliveries;
        payload.wrap(region, payloadOffset, payloadLength);
    }

    void activate()
    {
        active = true;
    }

    ScheduleHeap heap()
    {
        return heap;
    }

    int slot()
    {
        return slot;
    }

    void deactivate()
    {
        active = false;
    }

    /**
     * @return the record's id.
     */
    public long id()
    {
        return id;
    }

    /**
     * @return the key it was polled with.
     */
    public long key()
    {
        return key;
    }

    /**
     * @return how many times the record has been delivered since it was pushed or last rescheduled, this time
     *     included: 1 for a normal poll, more than 1 when it is delivered again without having been rescheduled (its
     *     holder died or was taken for dead, or gave it back with {@link ScheduleHeap#giveBack}), so a handler may
     *     have processed it, or part of it, already.
     */
    public int deliveries()
    {
        return deliveries;
    }

    /**
     * A view of the payload in place, in the region. Valid until this lease is completed or rescheduled.
     *
     * @return the payload, exactly its length.
     */
    public DirectBuffer payload()
    {
        return payload;
    }

    /**
     * @return a copy of the payload.
     * @throws IllegalStateException when the lease is no longer held (its slot may hold another record by now) or
     *     its region is closed (the view would read an unmapped file).
     */
    public byte[] payloadBytes()
    {
        if (!isActive())
        {
            throw new IllegalStateException("lease of record " + id + " is not held (completed, rescheduled, its " +
                "handle closed, or never filled): its slot may hold another record by now");
        }
        heap.checkRegionOpen();
        final byte[] bytes = new byte[payload.capacity()];
        payload.getBytes(0, bytes);
        return bytes;
    }

    /**
     * @return whether the lease is still held: not yet completed, rescheduled or given back through its handle, and
     *     that handle not closed (a closed handle's participant is dead: its records go back to the heap through
     *     another handle's {@code recoverDeadLeases} and their slots are reused).
     */
    public boolean isActive()
    {
        return active && heap.isOpen();
    }

    @Override
    public String toString()
    {
        return "ScheduleLease{id=" + id + ", key=" + key + ", deliveries=" + deliveries + ", active=" + isActive() +
            "}";
    }
}
