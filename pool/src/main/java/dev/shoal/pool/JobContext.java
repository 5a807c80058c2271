package dev.shoal.pool;

/**
 * What a handler knows about the job it runs.
 */
public interface JobContext
{
    /**
     * @return the pool-wide job id.
     */
    long jobId();

    /**
     * @return 1 for the first delivery, more when the job was redelivered after its worker died.
     */
    int attempt();

    /**
     * @return the id of the worker running the job.
     */
    int workerId();

    /**
     * Sends a log line to the pool's process (and journal, when configured). Never blocks: when the log
     * channel is full the line is counted as dropped.
     *
     * @param line the text.
     */
    void log(String line);
}
