package dev.shoal.core;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

class SharedLongArrayTest
{
    @TempDir
    Path dir;

    private Region region(final boolean padded, final int length)
    {
        final RegionSpec.Builder b = RegionSpec.builder();
        if (padded)
        {
            b.paddedLongArray("a", length);
        }
        else
        {
            b.longArray("a", length);
        }
        return Region.create(dir.resolve("r" + System.nanoTime()).toString(), b.build());
    }

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void shouldDoEveryOperation(final boolean padded)
    {
        try (Region region = region(padded, 8))
        {
            final SharedLongArray a = region.longArray("a");
            assertEquals(8, a.length());
            assertEquals(padded, a.isPadded());
            assertEquals(0, a.get(5));
            a.set(5, 10);
            assertEquals(10, a.get(5));
            assertEquals(10, a.getAndAdd(5, 3));
            assertEquals(18, a.addAndGet(5, 5));
            assertTrue(a.compareAndSet(5, 18, 20));
            assertFalse(a.compareAndSet(5, 18, 21));
            assertEquals(20, a.getAndSet(5, 1));
            assertEquals(9, a.accumulateMax(5, 9));
            assertEquals(9, a.accumulateMax(5, 4));
            assertEquals(2, a.accumulateMin(5, 2));
            assertEquals(2, a.accumulateMin(5, 7));
            a.setPlain(6, -1);
            assertEquals(-1, a.getPlain(6));
            a.setVolatile(7, Long.MAX_VALUE);
            assertArrayEquals(new long[]{ 0, 0, 0, 0, 0, 2, -1, Long.MAX_VALUE }, a.snapshot());
        }
    }

    @Test
    void shouldNotLetPaddedElementsShareALine()
    {
        try (Region region = region(true, 3))
        {
            final StructureInfo info = region.structure("a");
            assertEquals(3 * 128, info.length());
        }
    }

    @Test
    void shouldServeAsAValueWithOneElement()
    {
        try (Region region = region(false, 1))
        {
            final SharedLongArray value = region.longArray("a");
            value.set(0, 5);
            assertEquals(6, value.addAndGet(0, 1));
        }
    }

    @Test
    void shouldNameIndexAndLengthOnIndexErrors()
    {
        try (Region region = region(false, 4))
        {
            final SharedLongArray a = region.longArray("a");
            final IndexOutOfBoundsException ex = assertThrows(IndexOutOfBoundsException.class, () -> a.get(4));
            assertTrue(ex.getMessage().contains("index=4") && ex.getMessage().contains("length=4"), ex.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> a.set(-1, 0));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    @Timeout(60)
    void shouldCountExactlyUnderContention(final boolean padded) throws Exception
    {
        try (Region region = region(padded, 4))
        {
            final SharedLongArray a = region.longArray("a");
            final int threads = 4;
            final int perThread = 100_000;
            final CountDownLatch start = new CountDownLatch(1);
            final Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                final int id = t;
                workers[t] = new Thread(() ->
                {
                    awaitQuietly(start);
                    for (int i = 0; i < perThread; i++)
                    {
                        a.getAndAdd(0, 1);
                        a.accumulateMax(1, (long)id * perThread + i);
                        a.addAndGet(2 + (id & 1), 2);
                    }
                });
                workers[t].start();
            }
            start.countDown();
            for (final Thread w : workers)
            {
                w.join(TimeUnit.SECONDS.toMillis(50));
                assertFalse(w.isAlive(), "worker stuck");
            }
            assertEquals((long)threads * perThread, a.get(0));
            assertEquals((long)(threads - 1) * perThread + perThread - 1, a.get(1));
            assertEquals((long)threads * perThread * 2, a.get(2) + a.get(3));
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
