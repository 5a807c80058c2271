package dev.shoal.core;

import java.util.Objects;

/**
 * A record to put into a {@link ScheduleHeap} with {@link ScheduleHeap#replaceAll}: a key and a payload.
 *
 * @param key     the key, usually an epoch-millis timestamp.
 * @param payload the payload, at most the heap's payload bytes; not copied until it is written to the heap.
 */
public record ScheduleRecord(long key, byte[] payload)
{
    /**
     * @param key     the key.
     * @param payload the payload.
     */
    public ScheduleRecord
    {
        Objects.requireNonNull(payload, "payload");
    }
}
