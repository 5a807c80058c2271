package dev.shoal.chunks;

import dev.shoal.pool.Codec;
import org.agrona.DirectBuffer;

/**
 * The work done on each line of a file split by {@link FileChunks}, in the shape of a
 * {@link java.util.stream.Collector}: a fresh accumulator per range, a per-line function that folds a line
 * into it, a merge of two accumulators in file order, and a codec that carries an accumulator from the worker
 * process that filled it to the process that merges.
 *
 * <p>A job is code on the class path, never a serialized object: worker processes get the class name and
 * create the job with its public no-arg constructor. One job instance may serve several threads at once, so
 * keep all mutable state in the accumulators.
 *
 * <pre>{@code
 * public final class LongestLineJob implements ChunkJob<long[]>
 * {
 *     public long[] newAccumulator() { return new long[1]; }
 *     public void accept(long[] acc, DirectBuffer line, int offset, int length)
 *     {
 *         acc[0] = Math.max(acc[0], length);
 *     }
 *     public long[] merge(long[] earlier, long[] later)
 *     {
 *         earlier[0] = Math.max(earlier[0], later[0]);
 *         return earlier;
 *     }
 *     public Codec<long[]> codec() { return ...; }
 * }
 * }</pre>
 *
 * @param <A> the accumulator (and result) type.
 */
public interface ChunkJob<A>
{
    /**
     * @return an empty accumulator: the result of a range that owns no line, and the identity of {@link #merge}.
     */
    A newAccumulator();

    /**
     * Folds one line into the accumulator. The line's bytes exclude its {@code '\n'} (a {@code '\r'} before it
     * stays). Called on the hot path: do not allocate, and do not keep the buffer; it is a window of the file
     * (a reused buffer the worker reads into, or a mapping for a line longer than it), valid only during the
     * call. {@code buffer.byteBuffer()}, when not null, is that window as a {@link java.nio.ByteBuffer} whose
     * absolute index of byte {@code offset} is {@code buffer.wrapAdjustment() + offset}; its position and limit
     * are yours to change.
     *
     * @param accumulator the range's accumulator.
     * @param buffer      the bytes.
     * @param offset      index of the line's first byte in {@code buffer}.
     * @param length      the line's length, 0 for an empty line.
     */
    void accept(A accumulator, DirectBuffer buffer, int offset, int length);

    /**
     * Combines the results of two adjacent parts of the file. Must be associative; need not be commutative:
     * {@code earlier} always covers bytes before {@code later}.
     *
     * @param earlier the result of the earlier part; may be changed and returned.
     * @param later   the result of the part right after it.
     * @return the combined result.
     */
    A merge(A earlier, A later);

    /**
     * @return the codec of the accumulator.
     */
    Codec<A> codec();

    /**
     * @return a typical encoded result size in bytes: results up to about this size stay in the region, larger
     * ones go to a file next to it.
     */
    default int resultBytesHint()
    {
        return 64;
    }
}
