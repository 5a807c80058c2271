package dev.shoal.chunks;

import dev.shoal.pool.Codec;
import org.agrona.DirectBuffer;

/**
 * The job behind {@code shoal demo chunks}: lines and a checksum of every line's bytes (see
 * {@link LineChecksum}).
 */
public final class LineChecksumJob implements ChunkJob<LineChecksum>
{
    /**
     * For worker processes, which create jobs by class name.
     */
    public LineChecksumJob()
    {
    }

    @Override
    public LineChecksum newAccumulator()
    {
        return new LineChecksum();
    }

    @Override
    public void accept(final LineChecksum accumulator, final DirectBuffer buffer, final int offset, final int length)
    {
        accumulator.add(buffer, offset, length);
    }

    @Override
    public LineChecksum merge(final LineChecksum earlier, final LineChecksum later)
    {
        return earlier.add(later);
    }

    @Override
    public Codec<LineChecksum> codec()
    {
        return LineChecksum.CODEC;
    }

    @Override
    public int resultBytesHint()
    {
        return 2 * Long.BYTES;
    }
}
