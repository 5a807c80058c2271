package dev.shoal.examples.recipes;

// tag::recipe-2[]
import java.nio.file.Path;

import dev.shoal.pool.Codec;
import dev.shoal.chunks.ChunkJob;
import dev.shoal.chunks.ChunkOutcome;
import dev.shoal.chunks.FileChunks;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** Longest line and line count of a file. */
public final class Longest implements ChunkJob<long[]>
{
    private static final Codec<long[]> CODEC = new Codec<>()
    {
        @Override
        public int encode(long[] value, MutableDirectBuffer buffer, int offset)
        {
            buffer.putLong(offset, value[0]);
            buffer.putLong(offset + 8, value[1]);
            return 16;
        }

        @Override
        public long[] decode(DirectBuffer buffer, int offset, int length)
        {
            return new long[]{ buffer.getLong(offset), buffer.getLong(offset + 8) };
        }
    };

    public Longest()
    {
    }

    @Override
    public long[] newAccumulator()
    {
        return new long[2];                            // [0] longest, [1] lines
    }

    @Override
    public void accept(long[] acc, DirectBuffer line, int offset, int length)
    {
        acc[0] = Math.max(acc[0], length);             // one line, without its '\n', read in place
        acc[1]++;
    }

    @Override
    public long[] merge(long[] earlier, long[] later)
    {
        earlier[0] = Math.max(earlier[0], later[0]);
        earlier[1] += later[1];
        return earlier;
    }

    @Override
    public Codec<long[]> codec()
    {
        return CODEC;
    }

    public static void main(String[] args)
    {
        ChunkOutcome<long[]> outcome = FileChunks.builder(Path.of(args[0]))
            .chunkBytes(4 << 20)
            .workers(4)                                // worker JVMs, started and reaped for you
            .progress((done, total) -> System.err.print("\r" + done + "/" + total))
            .build()
            .run(Longest.class);
        long[] r = outcome.result();
        System.out.printf("%n%d lines, longest %d bytes, %d ranges (%d resumed, %d redone)%n",
            r[1], r[0], outcome.ranges(), outcome.rangesResumed(), outcome.rangesRedone());
    }
}
// end::recipe-2[]
