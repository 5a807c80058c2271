package dev.shoal.core;

import java.util.List;

/**
 * A snapshot of a {@link ScheduleHeap} for {@code shoal inspect}: read without the lock, so the numbers are
 * each exact but not taken at one instant.
 *
 * @param name           structure name.
 * @param capacity       most records.
 * @param payloadBytes   largest payload.
 * @param size           queued records.
 * @param leases         leased records (polled, not yet completed or rescheduled), dropped ones included.
 * @param freeSlots      free slots.
 * @param headKey        key of the head, {@code Long.MAX_VALUE} when empty.
 * @param holders        lease holders with their lease counts and liveness.
 * @param lockOwnerToken token in the lock word, 0 when free.
 * @param lockOwnerAlive whether the lock owner is alive (false when free).
 * @param dirtyToken     the dirty word: 0 when the index agrees with the pool, else the token of the holder that
 *                       began writing and has not finished (the next holder repairs).
 * @param counters       the operation counters.
 */
public record ScheduleHeapStats(
    String name,
    int capacity,
    int payloadBytes,
    long size,
    long leases,
    long freeSlots,
    long headKey,
    List<Holder> holders,
    long lockOwnerToken,
    boolean lockOwnerAlive,
    long dirtyToken,
    Counters counters)
{
    /**
     * One lease holder.
     *
     * @param token  its participant token.
     * @param leases how many records it holds.
     * @param alive  whether it is alive.
     */
    public record Holder(long token, long leases, boolean alive)
    {
    }

    /**
     * The heap's counters (exact while no holder dies mid-operation; a dead holder's last increment may be
     * missing or present).
     *
     * @param pushes      records pushed (replaceAll's included).
     * @param pops        records polled.
     * @param reschedules leases rescheduled.
     * @param completes   leases completed.
     * @param cancels     records cancelled.
     * @param redelivered leases of dead holders put back.
     * @param replaces    replaceAll calls.
     * @param takeovers   lock takeovers from dead holders.
     * @param repairs     rebuilds of the index from the pool (after a takeover or a dirty word).
     */
    public record Counters(
        long pushes, long pops, long reschedules, long completes, long cancels, long redelivered, long replaces,
        long takeovers, long repairs)
    {
    }
}
