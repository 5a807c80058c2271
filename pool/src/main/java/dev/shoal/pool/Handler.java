package dev.shoal.pool;

/**
 * Runs one job in a worker: argument bytes in, result bytes out. A thrown exception fails the job's future with
 * a {@link RemoteJobException} carrying the class, message and stack text.
 */
@FunctionalInterface
public interface Handler
{
    /**
     * @param argument the job's argument bytes.
     * @param context  the job's id, attempt and worker, and a log.
     * @return the result bytes.
     * @throws Exception any failure of the job.
     */
    byte[] handle(byte[] argument, JobContext context) throws Exception;
}
