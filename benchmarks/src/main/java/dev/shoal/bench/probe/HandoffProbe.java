package dev.shoal.bench.probe;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.process.JavaProcess;
import org.agrona.IoUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * A bare two-process hand-off, Shoal's ring or Agrona's many-to-one ring buffer: one producer JVM offering and
 * one consumer JVM draining runs of 256, both spinning ({@code Thread.onSpinWait}, no back-off), pinned to CPU 0
 * and 1 with {@code taskset}. Unlike {@code shoal bench}, no idle strategy shapes the result: it shows what each
 * ring costs when both sides keep up with each other. The consumer reads the first and last 8 bytes of each job.
 * The producer prints its rate and its full-ring retries per job for each of 5 repetitions, and the consumer
 * its empty reads per job at the end: which side waits for the other.
 *
 * <pre>
 * java @config/jvm/core.args -cp benchmarks/target/benchmarks.jar dev.shoal.bench.probe.HandoffProbe shoal 256 4000000
 * </pre>
 */
public final class HandoffProbe
{
    private static final int RING_BYTES = 1 << 20;
    private static final int REPEATS = 5;
    private static final int DRAIN_LIMIT = 256;

    private static long sum;
    private static long count;
    private static long empty;

    private HandoffProbe()
    {
    }

    /**
     * @param args {@code shoal|agrona SIZE JOBS} to run both sides; the children get {@code ... ROLE DIR}.
     * @throws Exception when a child fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final String kind = args[0];
        final int size = Integer.parseInt(args[1]);
        final long jobs = Long.parseLong(args[2]);
        if (args.length == 3)
        {
            run(kind, size, jobs);
            return;
        }
        final String role = args[3];
        final Path dir = Path.of(args[4]);
        if ("shoal".equals(kind))
        {
            shoal(role, dir, size, jobs);
        }
        else
        {
            agrona(role, dir, size, jobs);
        }
    }

    private static void run(final String kind, final int size, final long jobs) throws Exception
    {
        final Path dir = Files.createTempDirectory("shoal-probe");
        try
        {
            if ("shoal".equals(kind))
            {
                final int slots = Math.min(Integer.highestOneBit(RING_BYTES / size), 1 << 15);
                Region.create(dir.resolve("region").toString(),
                    RegionSpec.builder().jobRing("jobs", slots, size).participants(8).build()).close();
            }
            else
            {
                IoUtil.unmap(IoUtil.mapNewFile(dir.resolve("ring").toFile(),
                    RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH));
            }
            final Process consumer = start(kind, size, jobs, "consumer", dir, 1);
            final Process producer = start(kind, size, jobs, "producer", dir, 0);
            final boolean done = producer.waitFor(5, TimeUnit.MINUTES) && consumer.waitFor(1, TimeUnit.MINUTES);
            if (!done || producer.exitValue() != 0 || consumer.exitValue() != 0)
            {
                producer.destroyForcibly();
                consumer.destroyForcibly();
                throw new IllegalStateException("probe children failed or timed out");
            }
        }
        finally
        {
            if ("shoal".equals(kind))
            {
                Region.delete(dir.resolve("region").toString());
            }
            Files.deleteIfExists(dir.resolve("ring"));
            Files.deleteIfExists(dir);
        }
    }

    private static Process start(final String kind, final int size, final long jobs, final String role,
        final Path dir, final int cpu) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
        command.addAll(JavaProcess.of(HandoffProbe.class)
            .args(kind, Integer.toString(size), Long.toString(jobs), role, dir.toString()).command());
        return new ProcessBuilder(command).inheritIO().start();
    }

    private static void shoal(final String role, final Path dir, final int size, final long jobs)
    {
        try (Region region = Region.open(dir.resolve("region").toString()))
        {
            final JobRing ring = JobRing.open(region, "jobs");
            if ("producer".equals(role))
            {
                try (JobProducer producer = ring.producer())
                {
                    final UnsafeBuffer source = new UnsafeBuffer(new byte[size]);
                    produce(jobs, size, source, () -> producer.offer(source, 0, size));
                }
            }
            else
            {
                try (JobConsumer consumer = ring.consumer())
                {
                    final JobHandler handler = (id, attempt, buffer, offset, length) -> take(buffer, offset, length);
                    while (count < REPEATS * jobs)
                    {
                        if (consumer.drain(handler, DRAIN_LIMIT) == 0)
                        {
                            empty++;
                            Thread.onSpinWait();
                        }
                    }
                    printEmpty(jobs);
                }
            }
        }
    }

    private static void agrona(final String role, final Path dir, final int size, final long jobs)
    {
        final File file = dir.resolve("ring").toFile();
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, "ring");
        try
        {
            final RingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(mapped));
            if ("producer".equals(role))
            {
                final UnsafeBuffer source = new UnsafeBuffer(new byte[size]);
                produce(jobs, size, source, () -> ring.write(1, source, 0, size));
            }
            else
            {
                final MessageHandler handler = (type, buffer, offset, length) -> take(buffer, offset, length);
                while (count < REPEATS * jobs)
                {
                    if (ring.read(handler, DRAIN_LIMIT) == 0)
                    {
                        empty++;
                        Thread.onSpinWait();
                    }
                }
                printEmpty(jobs);
            }
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    private interface Offer
    {
        boolean offer();
    }

    private static void produce(final long jobs, final int size, final UnsafeBuffer source, final Offer offer)
    {
        for (int repeat = 0; repeat < REPEATS; repeat++)
        {
            final long start = System.nanoTime();
            long full = 0;
            for (long i = 0; i < jobs; i++)
            {
                source.putLong(0, i);
                source.putLong(size - Long.BYTES, i * 31);
                while (!offer.offer())
                {
                    full++;
                    Thread.onSpinWait();
                }
            }
            System.out.printf("producer %d: %.2f M jobs/s, %.3f full-ring retries per job%n", repeat,
                jobs * 1e3 / (System.nanoTime() - start), (double)full / jobs);
        }
    }

    private static void printEmpty(final long jobs)
    {
        System.out.printf("consumer: %.3f empty reads per job%n", (double)empty / (REPEATS * jobs));
    }

    private static void take(final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        sum += buffer.getLong(offset) + buffer.getLong(offset + length - Long.BYTES);
        count++;
    }
}
