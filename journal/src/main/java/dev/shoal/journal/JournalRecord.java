package dev.shoal.journal;

/**
 * One record of a journal: a job's result or a log line.
 */
public sealed interface JournalRecord permits ResultRecord, LogRecord
{
    /**
     * @return the worker that produced it (-1 when not a worker).
     */
    int workerId();

    /**
     * @return the pool's job id (-1 for a log line not tied to a job).
     */
    long jobId();
}
