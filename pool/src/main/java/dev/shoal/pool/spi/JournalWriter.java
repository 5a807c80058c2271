package dev.shoal.pool.spi;

import java.nio.file.Path;
import java.util.List;

/**
 * A pool's open journal. The pool calls it from its collector and supervisor threads, never from a worker;
 * appends may come from two threads at once, so an implementation serialises them.
 */
public interface JournalWriter extends AutoCloseable
{
    /**
     * @return the journal directory (for messages).
     */
    Path directory();

    /**
     * @param key a non-empty job key.
     * @return with resume, the result bytes an earlier run journaled for the key with status ok; else {@code null}.
     */
    byte[] completedResult(String key);

    /**
     * Adds one result to the batch being built. One thread builds and appends batches (the pool's collector);
     * nothing is appended until {@link #appendBatch()}.
     *
     * @param key                 the job key, "" for none.
     * @param jobId               the pool's job id.
     * @param handler             the handler name.
     * @param status              how the job ended.
     * @param attempt             the attempt that produced it (1-based).
     * @param workerId            the worker that produced it, or -1.
     * @param body                result bytes or error text, as {@link Status} says; read during the call only.
     * @param submittedEpochNanos when the job was submitted.
     * @param completedEpochNanos when its result was read (the pool stamps the results of one read of its result
     *                            buffer with one time, read again for a job submitted after it: never before
     *                            {@code submittedEpochNanos}).
     */
    void addResult(String key, long jobId, String handler, Status status, int attempt, int workerId, byte[] body,
        long submittedEpochNanos, long completedEpochNanos);

    /**
     * Appends the results added since the last call as one batch: all of them are durable together or, after a
     * crash, none. The batch is empty afterwards, also when the append fails.
     *
     * @return how many results the batch held.
     */
    int appendBatch();

    /**
     * @param workerId   the worker that logged.
     * @param jobId      the job it ran, or -1.
     * @param text       the log line.
     * @param epochNanos when, in nanoseconds since the epoch.
     */
    void appendLog(int workerId, long jobId, String text, long epochNanos);

    /**
     * @return what opening the journal found that its user should hear of, one line each (e.g. a cycle file that
     *     resume read past as empty, whose jobs it counts as not done); the pool passes them to its log sink.
     */
    default List<String> warnings()
    {
        return List.of();
    }

    /**
     * Forces everything appended so far to the storage device.
     */
    void sync();

    /**
     * Releases the journal; appends after this fail.
     */
    @Override
    void close();

    /**
     * How a job ended.
     */
    enum Status
    {
        /** The handler returned; the body is its result. */
        OK,
        /** The handler threw; the body is the exception's class, message and stack as UTF-8 text. */
        THREW,
        /** No handler result (attempts exhausted, ...); the body is the reason as UTF-8 text. */
        FAILED
    }
}
