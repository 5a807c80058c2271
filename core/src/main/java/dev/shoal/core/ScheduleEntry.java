package dev.shoal.core;

/**
 * A copy of one record of a {@link ScheduleHeap}, as returned by {@link ScheduleHeap#peek()} and
 * {@link ScheduleHeap#snapshot()}.
 *
 * @param id          the record's id.
 * @param key         its key.
 * @param leased      whether it is leased (polled and not yet completed or rescheduled).
 * @param holderToken the lease holder's participant token, 0 when queued.
 * @param deliveries  how many times it was delivered since it was pushed or last rescheduled (the lease's
 *                    {@link ScheduleLease#deliveries()}; more than 1 after a redelivery or a give-back).
 * @param payload     a copy of its payload.
 */
public record ScheduleEntry(long id, long key, boolean leased, long holderToken, int deliveries, byte[] payload)
{
}
