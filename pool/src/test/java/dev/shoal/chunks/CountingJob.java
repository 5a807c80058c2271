package dev.shoal.chunks;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A line checksum that counts its instances: {@code FileChunksJobClassTest} defines it again as a hidden class (a
 * class no class loader finds by name) and tells by the count which of the two a run created.
 */
public final class CountingJob extends TestJobs.ChecksumJob
{
    /** Instances made of this very class (each definition of it has its own). */
    public static final AtomicInteger CREATED = new AtomicInteger();

    /**
     * By name, or through the hidden class's constructor.
     */
    public CountingJob()
    {
        CREATED.incrementAndGet();
    }
}
