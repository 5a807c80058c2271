package dev.shoal.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Producer and consumer threads over a mapped region, with self-checking payloads built from the job id: every
 * id must arrive exactly once and intact.
 */
class JobRingStressTest
{
    @TempDir
    Path dir;

    private ExecutorService executor;

    @AfterEach
    void shutdown() throws InterruptedException
    {
        if (executor != null)
        {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    /**
     * Fills {@code length} bytes from the job id: the id itself in the first 8 bytes, then a pattern.
     */
    static void fill(final UnsafeBuffer buffer, final long id, final int length)
    {
        buffer.putLong(0, id);
        for (int i = Long.BYTES; i < length; i++)
        {
            buffer.putByte(i, (byte)(id + i));
        }
    }

    static boolean check(final DirectBuffer buffer, final int offset, final long id, final int length)
    {
        if (buffer.getLong(offset) != id)
        {
            return false;
        }
        for (int i = Long.BYTES; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(id + i))
            {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest(name = "producers={0} consumers={1} capacity={2} slotBytes={3} drainLimit={4}")
    @CsvSource({ "1, 1, 2, 8, 0", "1, 3, 64, 32, 0", "3, 1, 16, 64, 0", "2, 2, 8, 128, 0", "2, 2, 1024, 16, 0",
        "1, 1, 4, 8, 100", "2, 2, 8, 16, 5", "1, 3, 64, 32, 70", "2, 2, 1024, 16, 1000" })
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldDeliverEveryJobExactlyOnceIntact(
        final int producers, final int consumers, final int capacity, final int slotBytes, final int drainLimit)
        throws Exception
    {
        final int perProducer = 50_000;
        final int total = perProducer * producers;
        final AtomicIntegerArray seen = new AtomicIntegerArray(total);
        final AtomicLong corrupt = new AtomicLong();
        final AtomicLong handled = new AtomicLong();
        executor = Executors.newFixedThreadPool(producers + consumers);
        try (Region region = Region.create(dir.resolve("stress").toString(),
            RegionSpec.builder().jobRing("jobs", capacity, slotBytes).participants(16).build()))
        {
            final JobRing ring = JobRing.open(region, "jobs");
            final List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < producers; p++)
            {
                futures.add(executor.submit(() -> produce(ring, perProducer, slotBytes)));
            }
            for (int c = 0; c < consumers; c++)
            {
                futures.add(executor.submit(() -> consume(ring, total, seen, corrupt, handled, drainLimit)));
            }
            for (final Future<?> future : futures)
            {
                future.get(50, TimeUnit.SECONDS);
            }
            assertTrue(ring.join(Duration.ofSeconds(5), new YieldingIdleStrategy()));
            assertEquals(0, corrupt.get(), "corrupt payloads");
            for (int id = 0; id < total; id++)
            {
                assertEquals(1, seen.get(id), "deliveries of job " + id);
            }
            assertEquals(total, ring.submitted());
            assertEquals(total, ring.completed());
            assertEquals(0, ring.redelivered());
            assertEquals(0, ring.abandoned());
        }
    }

    private static Void produce(final JobRing ring, final int count, final int slotBytes)
    {
        final UnsafeBuffer job = new UnsafeBuffer(new byte[slotBytes]);
        final BackoffIdleStrategy idle = new BackoffIdleStrategy();
        try (JobProducer producer = ring.producer())
        {
            for (int i = 0; i < count; i++)
            {
                final long id = producer.tryClaim(slotBytes);
                if (id == JobProducer.FULL)
                {
                    i--;
                    idle.idle();
                    continue;
                }
                idle.reset();
                fill(job, id, slotBytes);
                producer.claimed().putBytes(0, job, 0, slotBytes);
                producer.commit();
            }
        }
        return null;
    }

    private static Void consume(
        final JobRing ring, final int total, final AtomicIntegerArray seen, final AtomicLong corrupt,
        final AtomicLong handled, final int drainLimit)
    {
        final BackoffIdleStrategy idle = new BackoffIdleStrategy();
        final JobHandler handler = (id, attempt, buffer, offset, length) ->
        {
            if (id < 0 || id >= total || !check(buffer, offset, id, length))
            {
                corrupt.incrementAndGet();
                return;
            }
            seen.incrementAndGet((int)id);
        };
        try (JobConsumer consumer = ring.consumer())
        {
            while (handled.get() < total)
            {
                if (drainLimit > 0)
                {
                    final int drained = consumer.drain(handler, drainLimit); // the head moves once per run
                    handled.addAndGet(drained);
                    if (drained > 0)
                    {
                        idle.reset();
                    }
                    else
                    {
                        idle.idle();
                    }
                }
                else if (consumer.poll(handler))
                {
                    consumer.taskDone();
                    handled.incrementAndGet();
                    idle.reset();
                }
                else
                {
                    idle.idle();
                }
            }
        }
        return null;
    }
}
