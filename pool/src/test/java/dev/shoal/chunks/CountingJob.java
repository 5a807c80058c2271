package dev.shoal.chunks;

import java.util.concurrent.atomic.AtomicInteger;

import dev.shoal.pool.Codec;
import org.agrona.DirectBuffer;

/**
 * A line checksum that counts its instances: {@code FileChunksJobClassTest} defines it again as a hidden class (a
 * class no class loader finds by name) and tells by the count which of the two a run created.
 */
public final class CountingJob implements ChunkJob<LineChecksum>
{
    /** Instances made of this very class (each definition of it has its own). */
    public static final AtomicInteger CREATED = new AtomicInteger();

    private final LineChecksumJob checksum = new LineChecksumJob();

    /**
     * By name, or through the hidden class's constructor.
     */
    public CountingJob()
    {
        CREATED.incrementAndGet();
    }

    @Override
    public LineChecksum newAccumulator()
    {
        return checksum.newAccumulator();
    }

    @Override
    public void accept(final LineChecksum acc, final DirectBuffer buffer, final int offset, final int length)
    {
        checksum.accept(acc, buffer, offset, length);
    }

    @Override
    public LineChecksum merge(final LineChecksum earlier, final LineChecksum later)
    {
        return checksum.merge(earlier, later);
    }

    @Override
    public Codec<LineChecksum> codec()
    {
        return checksum.codec();
    }
}
