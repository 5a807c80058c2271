package dev.shoal.chunks;

/**
 * Told how far a {@link FileChunks} run has got, from the coordinating thread, every few tens of milliseconds
 * and once at the end.
 */
@FunctionalInterface
public interface ProgressListener
{
    /** Ignores progress. */
    ProgressListener NONE = (done, total) ->
    {
    };

    /**
     * @param rangesDone  ranges whose result is stored (may lag by a range or two after a worker's crash).
     * @param rangesTotal ranges in the file.
     */
    void onProgress(long rangesDone, long rangesTotal);
}
