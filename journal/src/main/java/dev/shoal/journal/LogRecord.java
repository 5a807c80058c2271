package dev.shoal.journal;

import java.util.Objects;

/**
 * One log line of a worker: from {@code JobContext.log} (with its job id) or the worker's stdout/stderr
 * (job id -1).
 *
 * @param workerId   the worker that wrote it (-1 for the pool itself).
 * @param jobId      the job it belongs to, -1 when none.
 * @param text       the line, without its line break.
 * @param epochNanos when the pool received it, nanoseconds since the epoch.
 */
public record LogRecord(int workerId, long jobId, String text, long epochNanos) implements JournalRecord
{
    /**
     * Checks the references.
     */
    public LogRecord
    {
        Objects.requireNonNull(text, "text");
    }
}
