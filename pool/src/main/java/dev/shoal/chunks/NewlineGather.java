package dev.shoal.chunks;

import org.agrona.DirectBuffer;

/**
 * Finds the newlines of one block of a window's buffer, the first half of the line split (see
 * {@link RangeReader}): the indexes are gathered into an array with no branch for the usual word, then the reader
 * hands the lines over in a loop the CPU can predict.
 *
 * <p>Two implementations: {@link SwarNewlineGather}, eight bytes at a time in plain Java (any JDK), and
 * {@code VectorNewlineGather}, a whole vector register at a time through the Vector API, which is only compiled
 * where a JDK 25 is at hand and only chosen on a JDK 25 or newer JVM that has the {@code jdk.incubator.vector}
 * module (JDK 17's Vector API split at 1.2-1.3 GB/s against the eight-byte loop's 3.0, JDK 25's at about twice the
 * eight-byte loop: docs/benchmarks.md, sessions 18 and 19). {@link NewlineGathers} chooses one per JVM.
 */
interface NewlineGather
{
    /**
     * @return bytes taken at a time: a block given to {@link #gather} is a whole number of them.
     */
    int step();

    /**
     * Writes the indexes of the newlines of {@code [from, to)} into {@code found}, in order, from its first
     * entry.
     *
     * @param buffer the window's bytes; {@code [from, to)} lies inside it.
     * @param from   the block's first index.
     * @param to     index after the block: {@code to - from} is a multiple of {@link #step()}.
     * @param found  receives the indexes; it has room for {@code to - from + 8} entries, and an implementation
     *               may write the entries past the count it returns (they are never read).
     * @return how many newlines the block holds.
     */
    int gather(DirectBuffer buffer, int from, int to, int[] found);

    /**
     * @return a short name for reports: what splits the lines in this JVM.
     */
    String name();

    /**
     * @return an instance for one reading thread: this one where the implementation keeps no state, else a new one
     * (the vector split keeps a view of the last buffer it read).
     */
    NewlineGather forReader();
}
