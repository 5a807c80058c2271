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
    double seconds)
{
    /**
     * @return bytes per second over the whole run (0 when it took no measurable time).
     */
    public double bytesPerSecond()
    {
        return seconds > 0 ? bytes / seconds : 0;
    }
}
