package dev.shoal.chunks;

import java.nio.file.Path;

/**
 * What a {@link FileChunks} run produced, and how.
 *
 * @param result         the merged result of every range, in file order.
 * @param file           the file.
 * @param bytes          bytes in the file (the lines of all ranges cover exactly these).
 * @param lines          lines in the file (a last line without {@code '\n'} counts; an empty file has none).
 * @param ranges         ranges the file was split into.
 * @param chunkBytes     bytes per range.
 * @param workers        workers started at first (threads or processes).
 * @param processes      whether the workers were processes.
 * @param rangesResumed  ranges already done by an earlier, interrupted run of the same region.
 * @param rangesRedone   ranges taken over from a worker that died holding them (this run and earlier ones).
 * @param workerRestarts workers started to replace ones that died.
 * @param workersKilled  workers killed on purpose (chaos).
 * @param seconds        wall time of the run.
 * @param startupSeconds    from the start of the run to the first range claimed: checking the file, the region,
 *                          starting the workers (JVM start-up, for processes); 0 when not measured (nothing
 *                          claimed, or a platform whose {@code System.nanoTime()} differs between processes).
 * @param processingSeconds from the first range claimed to the last range done: the reading itself; 0 when not
 *                          measured. The rest of {@code seconds} is waiting for workers to exit and the merge.
 * @param discardedRun      "" normally; when a kept run of the same file and job was found under the run's derived
 *                          region name but could not be resumed (the job's code changed since, the file changed,
 *                          another chunk size), one line saying so and why: its results were discarded and every
 *                          range was processed by this run.
 * @param <A>            the result type.
 */
public record ChunkOutcome<A>(
    A result,
    Path file,
    long bytes,
    long lines,
    int ranges,
    long chunkBytes,
    int workers,
    boolean processes,
    int rangesResumed,
    long rangesRedone,
    int workerRestarts,
    int workersKilled,
    double seconds,
    double startupSeconds,
    double processingSeconds,
    String discardedRun)
{
    /**
     * @return bytes per second over the whole run (0 when it took no measurable time).
     */
    public double bytesPerSecond()
    {
        return seconds > 0 ? bytes / seconds : 0;
    }

    /**
     * @return bytes per second of the processing phase alone, what the workers' reading achieved (0 when not
     *     measured); a resumed run read fewer bytes than the file has, so this overstates it.
     */
    public double processingBytesPerSecond()
    {
        return processingSeconds > 0 ? bytes / processingSeconds : 0;
    }

    /**
     * @return the share of the run's wall time spent before the first range was claimed (0 when not measured).
     */
    public double startupShare()
    {
        return seconds > 0 ? startupSeconds / seconds : 0;
    }
}
