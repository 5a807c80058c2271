package dev.shoal.examples.guide;

import dev.shoal.chunks.ChunkJob;
import dev.shoal.pool.Codec;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

// tag::longest[]
public final class Longest implements ChunkJob<long[]>       // public, public no-arg constructor
{
    private static final Codec<long[]> CODEC = new Codec<>()  // two longs: 16 bytes
    {
        public int encode(long[] value, MutableDirectBuffer buffer, int offset)
        {
            buffer.putLong(offset, value[0]);
            buffer.putLong(offset + 8, value[1]);
            return 16;
        }

        public long[] decode(DirectBuffer buffer, int offset, int length)
        {
            return new long[]{ buffer.getLong(offset), buffer.getLong(offset + 8) };
        }
    };

    public long[] newAccumulator() { return new long[2]; }   // [0] longest line, [1] lines

    public void accept(long[] acc, DirectBuffer line, int offset, int length)
    {
        acc[0] = Math.max(acc[0], length);                    // bytes of one line, without '\n'
        acc[1]++;
    }

    public long[] merge(long[] earlier, long[] later)         // associative, file order
    {
        earlier[0] = Math.max(earlier[0], later[0]);
        earlier[1] += later[1];
        return earlier;
    }

    public Codec<long[]> codec() { return CODEC; }            // carries a range's result between processes
}
// end::longest[]
