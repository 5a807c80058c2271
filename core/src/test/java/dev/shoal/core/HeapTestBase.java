package dev.shoal.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The setup the heap tests share: before each test a region in the test's folder holding one heap, {@code "timers"},
 * and the test thread's handle on it; after it, the region closed.
 */
abstract class HeapTestBase
{
    @TempDir
    Path dir;

    Region region;
    ScheduleHeap heap;

    private final String file;
    private final int capacity;
    private final int payloadBytes;

    HeapTestBase(final String file, final int capacity, final int payloadBytes)
    {
        this.file = file;
        this.capacity = capacity;
        this.payloadBytes = payloadBytes;
    }

    @BeforeEach
    void openHeap()
    {
        region = Region.create(dir.resolve(file).toString(),
            RegionSpec.builder().add(ScheduleHeap.spec("timers", capacity, payloadBytes)).build());
        heap = ScheduleHeap.open(region, "timers");
    }

    @AfterEach
    void closeRegion()
    {
        region.close();
    }

    static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String text(final ScheduleLease lease)
    {
        return new String(lease.payloadBytes(), StandardCharsets.US_ASCII);
    }
}
