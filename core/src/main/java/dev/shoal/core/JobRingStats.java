package dev.shoal.core;

import java.util.List;

/**
 * A snapshot of a {@link JobRing} for {@code shoal inspect}. Fields are read one by one while the ring runs,
 * so they need not add up exactly at any one instant.
 *
 * @param name        ring name.
 * @param capacity    slot count.
 * @param slotBytes   largest job in bytes.
 * @param size        jobs claimed or published and not yet taken.
 * @param remaining   free slots.
 * @param submitted   jobs claimed, less those abandoned and aborted: a claim counts before its publish
 *                    completes (see {@link JobRing#submitted()}).
 * @param completed   jobs acknowledged.
 * @param redelivered leases of dead participants handed on.
 * @param abandoned   claims of dead producers skipped, and corrupt jobs skipped.
 * @param aborted     claims aborted by their producer.
 * @param leases      every lease holding a job.
 */
public record JobRingStats(
    String name,
    int capacity,
    int slotBytes,
    int size,
    int remaining,
    long submitted,
    long completed,
    long redelivered,
    long abandoned,
    long aborted,
    List<Lease> leases)
{
    /**
     * @return leases whose holder is dead or that wait for any consumer: work left for recovery.
     */
    public int orphanedLeases()
    {
        int count = 0;
        for (final Lease lease : leases)
        {
            count += lease.alive() ? 0 : 1;
        }
        return count;
    }

    /**
     * One lease record holding a job.
     *
     * @param index   lease record index.
     * @param state   {@code leased} (a holder has it) or {@code pending} (waits for any consumer).
     * @param token   holder's participant token, 0 when pending.
     * @param jobId   the job's id.
     * @param attempt delivery attempt, 1 for the first.
     * @param alive   whether the holder is alive (false when pending).
     */
    public record Lease(int index, String state, long token, long jobId, int attempt, boolean alive)
    {
    }
}
