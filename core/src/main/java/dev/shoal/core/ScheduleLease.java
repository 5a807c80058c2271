package dev.shoal.core;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A record polled from a {@link ScheduleHeap}: it stays in its slot, held by the handle that polled it, until
 * that handle calls {@link ScheduleHeap#reschedule} or {@link ScheduleHeap#complete}. If the holder's process
 * dies first, the record is redelivered. Not thread-safe; belongs to the polling handle.
 */
public final class ScheduleLease
{
    private final ScheduleHeap heap;
    private final int slot;
    private final long id;
    private final long key;
    private final int deliveries;
    private final UnsafeBuffer payload;
    private boolean active = true;

    ScheduleLease(
        final ScheduleHeap heap, final int slot, final long id, final long key, final int deliveries,
        final UnsafeBuffer payload)
    {
        this.heap = heap;
        this.slot = slot;
        this.id = id;
        this.key = key;
        this.deliveries = deliveries;
        this.payload = payload;
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
     * @return how many times the record has been polled, this time included (more than 1 after redelivery).
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
     */
    public byte[] payloadBytes()
    {
        final byte[] bytes = new byte[payload.capacity()];
        payload.getBytes(0, bytes);
        return bytes;
    }

    /**
     * @return whether the lease is still held (not yet completed or rescheduled through its handle).
     */
    public boolean isActive()
    {
        return active;
    }

    @Override
    public String toString()
    {
        return "ScheduleLease{id=" + id + ", key=" + key + ", deliveries=" + deliveries + ", active=" + active + "}";
    }
}
