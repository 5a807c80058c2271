package dev.shoal.chunks;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorSpecies;
import org.agrona.DirectBuffer;

/**
 * Newlines a vector register at a time through the Vector API (JDK 25, {@code jdk.incubator.vector}): one load,
 * one compare against {@code '\n'} and the compare's mask as a {@code long}, one bit per byte, then the set bits'
 * positions. Compiled by the {@code jdk25-vector} profile only, and chosen by {@link NewlineGathers} only on JDK 25
 * or newer with the module present.
 *
 * <p>Measured on the 2-vCPU AMD VM (docs/benchmarks.md, session 19): the split alone 6.1-9.1 GB/s with 512-bit
 * vectors against 3.7-4.6 GB/s for the eight-byte loop on the same JDK. Not thread-safe: one per reader (it keeps a
 * view of the buffer it last read, made again when the buffer changes).
 */
final class VectorNewlineGather implements NewlineGather
{
    private static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED;
    private static final byte NEWLINE = (byte)'\n';

    private ByteBuffer boundTo;
    private MemorySegment segment;

    /**
     * Made by reflection ({@link NewlineGathers}), since the rest of the module compiles for JDK 17.
     *
     * @throws IllegalStateException when the machine's vectors are wider than a {@code long} has bits or narrower
     * than sixteen bytes (the mask is read as a {@code long}).
     */
    VectorNewlineGather()
    {
        if (SPECIES.length() > Long.SIZE || SPECIES.length() < 16)
        {
            throw new IllegalStateException("no usable vector width: " + SPECIES);
        }
    }

    @Override
    public int step()
    {
        return SPECIES.length();
    }

    @Override
    public int gather(final DirectBuffer buffer, final int from, final int to, final int[] found)
    {
        final ByteBuffer bytes = buffer.byteBuffer();
        if (bytes == null || !bytes.isDirect())
        {
            return SwarNewlineGather.INSTANCE.gather(buffer, from, to, found); // a heap array: never the window's
        }
        if (bytes != boundTo)
        {
            // The whole buffer, whatever its position and limit, so an index in it is an offset in the segment.
            segment = MemorySegment.ofBuffer(bytes.duplicate().clear());
            boundTo = bytes;
        }
        final MemorySegment memory = segment;
        final long adjustment = buffer.wrapAdjustment(); // the window's index 0 within the buffer
        final int step = SPECIES.length();
        int count = 0;
        for (int block = from; block < to; block += step)
        {
            long mask = ByteVector.fromMemorySegment(SPECIES, memory, adjustment + block, ByteOrder.LITTLE_ENDIAN)
                .eq(NEWLINE).toLong();
            final int matches = Long.bitCount(mask);
            // Text has one or two newlines in 64 bytes: the first four places are written whether or not there is
            // a newline for them (no branch on the data; an entry past the count is never read and is overwritten
            // by the next step), the rest in a loop that rarely runs.
            found[count] = block + Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            found[count + 1] = block + Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            found[count + 2] = block + Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            found[count + 3] = block + Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            for (int k = count + 4; mask != 0; k++)
            {
                found[k] = block + Long.numberOfTrailingZeros(mask);
                mask &= mask - 1;
            }
            count += matches;
        }
        return count;
    }

    @Override
    public String name()
    {
        return "vector-" + SPECIES.vectorBitSize();
    }

    @Override
    public NewlineGather forReader()
    {
        return new VectorNewlineGather();
    }
}
