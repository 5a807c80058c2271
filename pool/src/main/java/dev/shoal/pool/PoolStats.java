package dev.shoal.pool;

/**
 * A pool's counters.
 *
 * @param submitted      jobs submitted.
 * @param completed      jobs whose future completed normally.
 * @param failed         jobs whose future failed (handler threw, attempts exhausted, cancelled).
 * @param pending        jobs without a result yet.
 * @param redelivered    ring deliveries repeated after their worker died (the ring's counter: a batch of
 *                       arguments sent in one slot counts once).
 * @param duplicates     results dropped because the job already had one.
 * @param workerRestarts workers restarted after they died.
 * @param recycles       workers replaced after their job quota (maxJobsPerWorker).
 * @param journaled      results appended to the journal (0 without one).
 * @param resumed        keyed jobs answered from the journal without running (resume).
 */
public record PoolStats(
    long submitted,
    long completed,
    long failed,
    long pending,
    long redelivered,
    long duplicates,
    long workerRestarts,
    long recycles,
    long journaled,
    long resumed)
{
}
