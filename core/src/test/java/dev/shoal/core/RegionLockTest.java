package dev.shoal.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegionLockTest
{
    @TempDir
    Path dir;

    private Region region;
    private int lockOffset;
    private int takeoverOffset;
    private int counterOffset;

    @BeforeEach
    void setUp()
    {
        region = Region.create(dir.resolve("lock-region").toString(),
            RegionSpec.builder().bytes("lock", 384).build());
        final int base = (int)region.structure("lock").offset();
        lockOffset = base;
        takeoverOffset = base + 8;
        counterOffset = base + 128;
    }

    @AfterEach
    void tearDown()
    {
        region.close();
    }

    private RegionLock lockFor(final Participant participant)
    {
        return new RegionLock(region.buffer(), lockOffset, takeoverOffset, region.participants(),
            participant.token());
    }

    @Test
    void shouldAcquireWhenFreeAndReleaseToZero()
    {
        final Participant p = region.attach(Role.PROCESS);
        final RegionLock lock = lockFor(p);

        assertEquals(RegionLock.Acquisition.ACQUIRED, lock.acquire());
        assertEquals(p.token(), lock.ownerToken());
        assertTrue(lock.isHeldByMe());
        lock.release();
        assertEquals(0, lock.ownerToken());
    }

    @Test
    void shouldRejectReentrantAcquireAndReleaseByNonOwner()
    {
        final RegionLock first = lockFor(region.attach(Role.PROCESS));
        final RegionLock second = lockFor(region.attach(Role.PROCESS));
        first.acquire();

        assertThrows(IllegalStateException.class, first::acquire);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, second::release);
        assertTrue(ex.getMessage().contains("lock word=" + first.token()), ex.getMessage());
        first.release();
        assertThrows(IllegalStateException.class, first::release);
    }

    @Test
    void shouldTimeOutWhileALiveHolderHoldsIt()
    {
        final RegionLock holder = lockFor(region.attach(Role.PROCESS));
        final RegionLock waiter = lockFor(region.attach(Role.PROCESS));
        holder.acquire();

        final long start = System.nanoTime();
        assertEquals(RegionLock.Acquisition.TIMED_OUT, waiter.tryAcquire(20, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
        assertEquals(holder.token(), waiter.ownerToken());
        assertEquals(0, waiter.takeovers());
    }

    @Test
    void shouldTakeOverFromADeadHolderExactlyOnce()
    {
        final Participant dead = region.attach(Role.PROCESS);
        final RegionLock deadLock = lockFor(dead);
        deadLock.acquire();
        dead.close(); // its token is no longer alive: as if its process died holding the lock

        final RegionLock waiter = lockFor(region.attach(Role.PROCESS));
        assertEquals(RegionLock.Acquisition.TAKEN_OVER, waiter.acquire());
        assertEquals(1, waiter.takeovers());
        assertEquals(waiter.token(), waiter.ownerToken());
        assertThrows(IllegalStateException.class, deadLock::release);
        waiter.release();
        assertEquals(RegionLock.Acquisition.ACQUIRED, waiter.acquire());
    }

    @Test
    void shouldExcludeEachOtherAcrossThreads() throws Exception
    {
        final int threads = 4;
        final int rounds = 20_000;
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Thread thread = new Thread(() ->
            {
                try (Participant p = region.attach(Role.PROCESS))
                {
                    final RegionLock lock = lockFor(p);
                    start.await();
                    for (int i = 0; i < rounds; i++)
                    {
                        assertEquals(RegionLock.Acquisition.ACQUIRED, lock.acquire());
                        final long v = region.buffer().getLong(counterOffset);
                        region.buffer().putLong(counterOffset, v + 1); // plain: only safe under the lock
                        lock.release();
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            workers.add(thread);
            thread.start();
        }
        start.countDown();
        for (final Thread thread : workers)
        {
            thread.join(TimeUnit.SECONDS.toMillis(20));
            assertFalse(thread.isAlive(), "worker stuck");
        }
        assertNull(failure.get());
        assertEquals((long)threads * rounds, region.buffer().getLongVolatile(counterOffset));
    }
}
