package dev.shoal.core;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random offer / batch / tryClaim+commit / tryClaim+abort / poll / taskDone sequences against an
 * {@link ArrayDeque} model, with a fixed seed printed on failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobRingModelTest
{
    private static final int OPERATIONS = 20_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "capacity={0} slotBytes={1} seed={2}")
    @CsvSource({ "2, 8, 1", "4, 16, 2", "16, 64, 3", "64, 8, 4", "256, 256, 5", "1024, 32, 6" })
    void shouldBehaveLikeAQueue(final int capacity, final int slotBytes, final long seed)
    {
        try (Region region = Region.create(dir.resolve("model").toString(),
            RegionSpec.builder().jobRing("jobs", capacity, slotBytes).participants(4).build()))
        {
            final JobRing ring = JobRing.open(region, "jobs");
            try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
            {
                new Run(ring, producer, consumer, capacity, slotBytes, new Random(seed)).run();
            }
            catch (final AssertionError | RuntimeException ex)
            {
                throw new AssertionError("model test failed with seed=" + seed + " capacity=" + capacity +
                    " slotBytes=" + slotBytes + ": " + ex, ex);
            }
        }
    }

    private static final class Run
    {
        private final JobRing ring;
        private final JobProducer producer;
        private final JobConsumer consumer;
        private final int capacity;
        private final int slotBytes;
        private final Random random;
        private final ArrayDeque<long[]> model = new ArrayDeque<>(); // {id, length}
        private final byte[] scratch;
        private long nextId;
        private long submitted;
        private long completed;
        private long aborted;
        private boolean holding;

        Run(final JobRing ring, final JobProducer producer, final JobConsumer consumer, final int capacity,
            final int slotBytes, final Random random)
        {
            this.ring = ring;
            this.producer = producer;
            this.consumer = consumer;
            this.capacity = capacity;
            this.slotBytes = slotBytes;
            this.random = random;
            this.scratch = new byte[slotBytes * 4];
        }

        void run()
        {
            for (int op = 0; op < OPERATIONS; op++)
            {
                switch (random.nextInt(6))
                {
                    case 0 -> offer();
                    case 1 -> claim(true);
                    case 2 -> claim(false);
                    case 3 -> batch();
                    case 4 -> poll();
                    default -> done();
                }
                assertEquals(model.size(), ring.size(), "size after op " + op);
                assertEquals(capacity - model.size(), ring.remainingCapacity());
                assertEquals(submitted, ring.submitted());
                assertEquals(completed, ring.completed());
                assertEquals(aborted, ring.aborted());
            }
        }

        /**
         * A producer short of room moves the head past aborted claims at the front, as far as it needs.
         */
        private boolean canAccept(final int need)
        {
            while (capacity - model.size() < need)
            {
                if (model.peek()[1] >= 0)
                {
                    return false;
                }
                model.poll();
            }
            return true;
        }

        private int length()
        {
            return random.nextInt(slotBytes + 1);
        }

        private static void fill(final byte[] bytes, final int offset, final long id, final int length)
        {
            for (int i = 0; i < length; i++)
            {
                bytes[offset + i] = (byte)(id * 7 + i);
            }
        }

        private void offer()
        {
            final int length = length();
            fill(scratch, 0, nextId, length);
            final boolean expected = canAccept(1);
            final boolean offered = producer.offer(scratch, 0, length);
            assertEquals(expected, offered, "offer result");
            if (offered)
            {
                model.add(new long[]{ nextId++, length });
                submitted++;
            }
        }

        private void claim(final boolean commit)
        {
            final int length = length();
            final boolean expected = canAccept(1);
            final long id = producer.tryClaim(length);
            assertEquals(expected, id != JobProducer.FULL, "tryClaim result");
            if (id == JobProducer.FULL)
            {
                return;
            }
            assertEquals(nextId++, id);
            if (commit)
            {
                fill(scratch, 0, id, length);
                producer.claimed().putBytes(0, scratch, 0, length);
                producer.commit();
                model.add(new long[]{ id, length });
                submitted++;
            }
            else
            {
                producer.abort();
                aborted++;
            }
            if (!commit)
            {
                model.add(new long[]{ id, -1 }); // an aborted claim keeps its slot until someone moves past it
            }
        }

        private void batch()
        {
            final int count = 1 + random.nextInt(Math.min(4, capacity));
            final UnsafeBuffer source = new UnsafeBuffer(scratch);
            final int[] offsets = new int[count];
            final int[] lengths = new int[count];
            for (int i = 0; i < count; i++)
            {
                offsets[i] = i * slotBytes;
                lengths[i] = length();
                fill(scratch, offsets[i], nextId + i, lengths[i]);
            }
            final boolean expected = canAccept(count);
            final long first = producer.offerBatch(source, offsets, lengths, count);
            assertEquals(expected, first != JobProducer.FULL, "batch result");
            if (first != JobProducer.FULL)
            {
                assertEquals(nextId, first);
                for (int i = 0; i < count; i++)
                {
                    model.add(new long[]{ nextId++, lengths[i] });
                }
                submitted += count;
            }
        }

        private void poll()
        {
            if (holding)
            {
                assertThrows(IllegalStateException.class, () -> consumer.poll((id, a, b, o, l) -> { }));
                return;
            }
            while (!model.isEmpty() && model.peek()[1] < 0)
            {
                model.poll(); // aborted claims are skipped by the consumer
            }
            final long[] expected = model.poll();
            final long[] seen = { -1, -1 };
            final boolean got = consumer.poll((id, attempt, buffer, offset, length) ->
            {
                seen[0] = id;
                seen[1] = length;
                assertEquals(1, attempt);
                for (int i = 0; i < length; i++)
                {
                    assertEquals((byte)(id * 7 + i), buffer.getByte(offset + i), "byte " + i + " of job " + id);
                }
            });
            assertEquals(expected != null, got, "poll result");
            if (got)
            {
                assertEquals(expected[0], seen[0], "job id");
                assertEquals(expected[1], seen[1], "job length");
                holding = true;
            }
        }

        private void done()
        {
            if (!holding)
            {
                assertThrows(IllegalStateException.class, consumer::taskDone);
                return;
            }
            consumer.taskDone();
            holding = false;
            completed++;
        }
    }
}
