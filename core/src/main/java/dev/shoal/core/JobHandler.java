package dev.shoal.core;

import org.agrona.DirectBuffer;

/**
 * Receives a job from {@link JobConsumer#poll}: the bytes are read in place from the consumer's lease record in
 * the region, valid until {@link JobConsumer#taskDone()}.
 */
@FunctionalInterface
public interface JobHandler
{
    /**
     * @param jobId   the job's id: its sequence in the ring.
     * @param attempt delivery attempt, 1 for the first; more when a consumer died holding it.
     * @param buffer  a view of the job.
     * @param offset  where the job starts in {@code buffer}.
     * @param length  the job's length.
     */
    void onJob(long jobId, int attempt, DirectBuffer buffer, int offset, int length);
}
