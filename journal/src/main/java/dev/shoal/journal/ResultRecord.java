package dev.shoal.journal;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The outcome of one job.
 *
 * @param key                 the job's key ("" when it has none); resume finds completed jobs by it.
 * @param jobId               the pool's job id (unique within one pool run only).
 * @param handler             handler name.
 * @param status              how it ended.
 * @param attempt             which delivery produced it (1 = first).
 * @param workerId            the worker that ran it (-1 when none did).
 * @param body                {@link JournalStatus#OK}: the result bytes; otherwise the error text, UTF-8.
 * @param submittedEpochNanos when it was submitted, nanoseconds since the epoch.
 * @param completedEpochNanos when its result reached the pool, nanoseconds since the epoch.
 */
public record ResultRecord(
    String key,
    long jobId,
    String handler,
    JournalStatus status,
    int attempt,
    int workerId,
    byte[] body,
    long submittedEpochNanos,
    long completedEpochNanos) implements JournalRecord
{
    /**
     * Checks the references.
     */
    public ResultRecord
    {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(body, "body");
    }

    /**
     * @return the body as UTF-8 text (the error text of a job that did not end {@link JournalStatus#OK}).
     */
    public String bodyText()
    {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof ResultRecord r && key.equals(r.key) && jobId == r.jobId && handler.equals(r.handler) &&
            status == r.status && attempt == r.attempt && workerId == r.workerId &&
            java.util.Arrays.equals(body, r.body) && submittedEpochNanos == r.submittedEpochNanos &&
            completedEpochNanos == r.completedEpochNanos;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(key, jobId, handler, status, attempt, workerId, java.util.Arrays.hashCode(body),
            submittedEpochNanos, completedEpochNanos);
    }

    @Override
    public String toString()
    {
        return "ResultRecord[key=" + key + ", jobId=" + jobId + ", handler=" + handler + ", status=" + status +
            ", attempt=" + attempt + ", workerId=" + workerId + ", body=" + body.length + " bytes]";
    }
}
