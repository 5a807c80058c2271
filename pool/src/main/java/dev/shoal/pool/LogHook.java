package dev.shoal.pool;

/**
 * Receives every worker log line with its worker and job (for the journal): lines from {@code JobContext.log} on
 * the collector thread, lines of a worker's stdout/stderr (job id -1) on the supervisor thread.
 */
interface LogHook
{
    /**
     * @param workerId the worker.
     * @param jobId    the job, -1 when the line is not tied to one.
     * @param text     the line.
     */
    void onLog(int workerId, long jobId, String text);
}
