package dev.shoal.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every word of a ring (head, tail, each slot, each lease record) and of a heap (its header words and lock), set
 * in turn to each of a list of hostile values: opening the region and using the structure for a bounded number of
 * steps ends, within a deadline, in success or a {@link RegionFormatException} with a message. Never a hang,
 * never another exception. The systematic counterpart of {@link RegionFuzzTest}, which fuzzes the header,
 * directory and participant table.
 */
class StructureWordFuzzTest
{
    private static final int CAPACITY = 8;
    private static final long[] HOSTILE = { 0, 1, -1, 5, CAPACITY, CAPACITY + 1, 2L * CAPACITY + 3, 114_688,
        1L << 40, 1L << 62, Long.MIN_VALUE, Long.MAX_VALUE };
    private static final long CASE_SECONDS = 10;

    @TempDir
    Path dir;

    private final ExecutorService runner = Executors.newSingleThreadExecutor(r ->
    {
        final Thread t = new Thread(r, "fuzz-case");
        t.setDaemon(true); // a case that hangs fails the test; its thread must not hold the JVM
        return t;
    });

    @AfterEach
    void stop()
    {
        runner.shutdownNow();
    }

    @Test
    @Timeout(300)
    void ringWordsFailByNameOrWork() throws Exception
    {
        final Path original = dir.resolve("ring");
        final Map<String, Integer> words = new LinkedHashMap<>();
        try (Region region = Region.create(original.toString(), RegionSpec.builder().jobRing("jobs", CAPACITY, 16)
            .participants(4).build()))
        {
            final JobRing ring = JobRing.open(region, "jobs");
            try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
            {
                for (int i = 0; i < 6; i++)
                {
                    assertTrue(producer.offer(new byte[8], 0, 8));
                }
                for (int i = 0; i < 2; i++)
                {
                    assertTrue(consumer.poll((id, attempt, buffer, offset, length) -> { }));
                    consumer.taskDone();
                }
            }
            words.put("head", ring.headOffset());
            words.put("tail", ring.tailOffset());
            for (int i = 0; i < CAPACITY; i++)
            {
                words.put("slot[" + i + "]", ring.slotOffsetOf(i));
            }
            for (int i = 0; i < ring.leaseCount(); i++)
            {
                words.put("lease[" + i + "].word", ring.leaseOffset(i) + JobRingDescriptor.LEASE_WORD_OFFSET);
                words.put("lease[" + i + "].sequence", ring.leaseOffset(i) + JobRingDescriptor.LEASE_SEQUENCE_OFFSET);
            }
        }
        final int[] outcomes = run(original, words, this::useRing);
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "both outcomes: worked=" + outcomes[0] + " failed by name=" +
            outcomes[1]);
    }

    @Test
    @Timeout(300)
    void heapWordsFailByNameOrWork() throws Exception
    {
        final Path original = dir.resolve("heap");
        final Map<String, Integer> words = new LinkedHashMap<>();
        try (Region region = Region.create(original.toString(), RegionSpec.builder()
            .add(ScheduleHeap.spec("timers", CAPACITY, 16)).participants(4).build());
            ScheduleHeap heap = ScheduleHeap.open(region, "timers"))
        {
            for (int i = 0; i < 5; i++)
            {
                heap.push(1000 + i, new byte[8]);
            }
            final StructureInfo info = region.structure("timers");
            // Every word of the heap's header and of its first slots: lock, size, counters, index, records.
            for (int offset = 0; offset < Math.min(info.length(), 1024); offset += Long.BYTES)
            {
                words.put("heap+" + offset, (int)info.offset() + offset);
            }
        }
        final int[] outcomes = run(original, words, this::useHeap);
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "both outcomes: worked=" + outcomes[0] + " failed by name=" +
            outcomes[1]);
    }

    private interface Use
    {
        void on(Region region) throws Exception;
    }

    private void useRing(final Region region)
    {
        final JobRing ring = JobRing.open(region, "jobs");
        try (JobProducer producer = ring.producer(); JobConsumer consumer = ring.consumer())
        {
            for (int i = 0; i < 3 * CAPACITY; i++)
            {
                producer.offer(new byte[8], 0, 8);
                if (consumer.poll((id, attempt, buffer, offset, length) -> { }))
                {
                    consumer.taskDone();
                }
            }
        }
        ring.stats();
    }

    private void useHeap(final Region region)
    {
        try (ScheduleHeap heap = ScheduleHeap.open(region, "timers"))
        {
            for (int i = 0; i < 3 * CAPACITY; i++)
            {
                heap.push(i, new byte[8]);
                final ScheduleLease lease = heap.take(java.time.Duration.ofMillis(1), new BackoffIdleStrategy());
                if (lease != null)
                {
                    heap.complete(lease);
                }
            }
            heap.stats();
        }
    }

    /**
     * @return {worked, failed by name}.
     */
    private int[] run(final Path original, final Map<String, Integer> words, final Use use) throws Exception
    {
        final byte[] good = Files.readAllBytes(original);
        final int[] outcomes = new int[2];
        final List<String> cases = new ArrayList<>();
        int n = 0;
        for (final Map.Entry<String, Integer> word : words.entrySet())
        {
            for (final long value : HOSTILE)
            {
                final Path target = dir.resolve("case-" + n++);
                final byte[] bytes = good.clone();
                ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putLong(word.getValue(), value);
                Files.write(target, bytes);
                final String what = word.getKey() + "=" + value;
                final Future<?> outcome = runner.submit(() ->
                {
                    try (Region region = Region.open(target.toString()))
                    {
                        use.on(region);
                    }
                    return null;
                });
                try
                {
                    outcome.get(CASE_SECONDS, TimeUnit.SECONDS);
                    outcomes[0]++;
                }
                catch (final TimeoutException ex)
                {
                    fail(what + ": no outcome after " + CASE_SECONDS + " s (a loop that never ends)");
                }
                catch (final java.util.concurrent.ExecutionException ex)
                {
                    if (!(ex.getCause() instanceof RegionFormatException) || ex.getCause().getMessage() == null)
                    {
                        throw new AssertionError(what + ": escaped with " + ex.getCause(), ex.getCause());
                    }
                    outcomes[1]++;
                }
                Files.delete(target);
                cases.add(what);
            }
        }
        System.out.println(getClass().getSimpleName() + ": " + cases.size() + " cases, worked=" + outcomes[0] +
            ", failed by name=" + outcomes[1]);
        return outcomes;
    }
}
