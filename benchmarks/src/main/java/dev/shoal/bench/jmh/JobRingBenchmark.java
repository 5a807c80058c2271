package dev.shoal.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.RegionSpec;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.MpmcArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Job hand-off between threads of one JVM: a {@link JobRing} in a mapped region against JCTools'
 * {@link MpmcArrayQueue} and {@link ArrayBlockingQueue}, in the same run ({@code impl}), for 1 producer and 1
 * consumer ({@code p1c1}), 1 producer and 2 consumers ({@code p1c2}) and 2 producers and 2 consumers
 * ({@code p2c2}), with jobs of {@code size} bytes in a queue of {@code capacity} slots.
 *
 * <p>Each invocation makes exactly one attempt, never a loop, so that a thread with nothing to do (a consumer
 * of an empty queue, a producer of a full one) always returns and the group ends its iteration together. A
 * failed attempt is counted in the {@link AuxCounters}: {@code offersFailed} and {@code pollsFailed}. The
 * figure to read is {@code pollsMade} (jobs handed over per microsecond, all consumers together); the primary
 * score of a group counts failed attempts too and means little. With {@code backoff=none} a failed attempt is
 * retried at once (JCTools' {@code QueueThroughputBackoffNone}); with {@code backoff=yield} the thread calls
 * {@link Thread#yield()} first, which matters when threads outnumber CPUs (below).
 *
 * <p>The work differs in kind, on purpose: a Shoal producer copies the job's bytes into its slot and a consumer
 * copies them into its lease record (so a dead consumer loses nothing) and reads them there, while the heap
 * queues pass a reference to a preallocated {@code byte[]} of the same size, and the consumer reads one byte of
 * it. The 256-byte case therefore shows the price of the copies. {@code impl=agrona-m2o} is the copying peer: Agrona's
 * {@link ManyToOneRingBuffer} on a direct buffer, the producer writing the job's bytes into it and the consumer
 * reading up to {@value #DRAIN_LIMIT} messages per operation in place, as {@code shoal-drain} does. It has one
 * consumer, so it runs in {@code p1c1} only (a second consumer fails its set-up); it is not among the default
 * {@code impl} values, name it with {@code -p impl=...}. Its capacity is in bytes: the next power of two that holds
 * {@code capacity} records of the job's size and Agrona's 8-byte header.
 *
 * <p><b>Oversubscription.</b> On a 2-CPU machine only {@code p1c1} gives each thread a CPU; {@code p1c2} runs 3
 * spinning threads and {@code p2c2} 4 on 2 CPUs, so the OS time-slices them and the figures measure the
 * scheduler as much as the queue: a producer preempted between claiming a slot and publishing it stalls the
 * consumers of an ordered ring (Shoal, JCTools) for the rest of its time slice, and a thread preempted holding
 * {@link ArrayBlockingQueue}'s lock stalls everyone. Worse, with {@code backoff=none} a thread that finds the
 * queue full or empty spins out its whole time slice, so the transfer rate tends to {@code capacity} jobs per
 * scheduler switch whatever the queue: {@code backoff=yield} gives the CPU back instead. The same happens in
 * {@code p1c1} when the machine is shared with other work. Compare those cases between implementations on the
 * same machine only, and prefer a quiet machine with at least as many CPUs as threads.
 *
 * <p>Forks run with Agrona bounds checks off ({@code agrona.disable.bounds.checks}), as Agrona's own benchmarks do.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    JmhForks.ADD_EXPORTS, JmhForks.AGRONA_EXPORT, JmhForks.NO_BOUNDS_CHECKS })
public class JobRingBenchmark
{
    private static final String RING = "jobs";

    /** Most jobs one {@code shoal-drain} consumer operation takes. */
    static final int DRAIN_LIMIT = 16;

    /** The queue one group's producers and consumers share: a ring in a fresh region, or a heap queue. */
    @State(Scope.Group)
    public static class Queues
    {
        /**
         * {@code shoal} ({@link JobRing}, poll and taskDone per job), {@code shoal-drain} (the same ring, each
         * consumer operation a {@link JobConsumer#drain} of up to {@value #DRAIN_LIMIT}), {@code jctools}
         * ({@link MpmcArrayQueue}) or {@code abq}; {@code agrona-m2o} ({@link ManyToOneRingBuffer}, {@code p1c1} only)
         * when named.
         */
        @Param({ "shoal", "shoal-drain", "jctools", "abq" })
        public String impl;

        /** Job size in bytes (a Shoal slot holds exactly this much). */
        @Param({ "32", "256" })
        public int size;

        /** Slots in the queue (a power of two for Shoal). */
        @Param({ "1024" })
        public int capacity;

        /** After a failed attempt: {@code none} (try again at once) or {@code yield} ({@link Thread#yield()}). */
        @Param({ "none", "yield" })
        public String backoff;

        boolean yield;
        boolean drain;

        SharedRegion shared;
        JobRing ring;
        Queue<byte[]> queue;
        ManyToOneRingBuffer agrona;
        final AtomicInteger agronaConsumers = new AtomicInteger();

        /**
         * Creates the region and ring, or the heap queue.
         *
         * @throws IOException when the region file cannot be made.
         */
        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            yield = checkBackoff(backoff);
            drain = "shoal-drain".equals(impl);
            switch (impl)
            {
                case "shoal":
                case "shoal-drain":
                    shared = SharedRegion.create(
                        "shoal-jmh-ring", RegionSpec.builder().jobRing(RING, capacity, size).build());
                    ring = JobRing.open(shared.region(), RING);
                    break;
                case "jctools":
                    queue = new MpmcArrayQueue<>(capacity);
                    break;
                case "abq":
                    queue = new ArrayBlockingQueue<>(capacity);
                    break;
                case "agrona-m2o":
                    final int record = BitUtil.align(RecordDescriptor.HEADER_LENGTH + size, RecordDescriptor.ALIGNMENT);
                    final int bytes = BitUtil.findNextPositivePowerOfTwo(capacity * record);
                    agrona = new ManyToOneRingBuffer(new UnsafeBuffer(
                        ByteBuffer.allocateDirect(bytes + RingBufferDescriptor.TRAILER_LENGTH)));
                    break;
                default:
                    throw new IllegalArgumentException("impl=" + impl);
            }
        }

        /**
         * Lets the region go: JMH runs this before the threads' tear-downs, so the last thread to close its
         * handle unmaps and deletes it (see {@link SharedRegion}).
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            if (shared != null)
            {
                shared.release();
            }
        }
    }

    /** One producer thread's job and, for Shoal, its producer handle (made and closed on that thread). */
    @State(Scope.Thread)
    public static class Producer
    {
        byte[] bytes;
        UnsafeBuffer job;
        SharedRegion shared;
        JobProducer handle;

        /**
         * @param queues the group's queue.
         */
        @Setup(Level.Trial)
        public void setUp(final Queues queues)
        {
            bytes = new byte[queues.size];
            Arrays.fill(bytes, (byte)0x5A);
            job = new UnsafeBuffer(bytes);
            if (queues.ring != null)
            {
                shared = queues.shared;
                shared.retain();
                handle = queues.ring.producer();
            }
        }

        /** Detaches the handle on the thread that made it. */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            if (handle != null)
            {
                try
                {
                    handle.close();
                }
                finally
                {
                    shared.release();
                }
            }
        }
    }

    /** One consumer thread's handle (for Shoal, made and closed on that thread) and the last byte it read. */
    @State(Scope.Thread)
    public static class Consumer implements JobHandler, MessageHandler
    {
        SharedRegion shared;
        JobConsumer handle;
        byte lastByte;

        /**
         * @param queues the group's queue.
         */
        @Setup(Level.Trial)
        public void setUp(final Queues queues)
        {
            if (queues.ring != null)
            {
                shared = queues.shared;
                shared.retain();
                handle = queues.ring.consumer();
            }
            if (queues.agrona != null && queues.agronaConsumers.incrementAndGet() > 1)
            {
                throw new IllegalStateException("impl=agrona-m2o has one consumer: run it in p1c1 only");
            }
        }

        /** Detaches the handle on the thread that made it. */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            if (handle != null)
            {
                try
                {
                    handle.close();
                }
                finally
                {
                    shared.release();
                }
            }
        }

        @Override
        public void onJob(final long jobId, final int attempt, final DirectBuffer buffer, final int offset,
            final int length)
        {
            lastByte = buffer.getByte(offset);
        }

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            lastByte = buffer.getByte(index);
        }
    }

    /** A producer's attempts, reported per microsecond. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class OfferCounters
    {
        /** Jobs offered. */
        public long offersMade;
        /** Offers refused because the queue was full. */
        public long offersFailed;

        /** Starts every iteration from zero. */
        @Setup(Level.Iteration)
        public void reset()
        {
            offersMade = 0;
            offersFailed = 0;
        }
    }

    /** A consumer's attempts, reported per microsecond. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class PollCounters
    {
        /** Jobs taken: the throughput. */
        public long pollsMade;
        /** Polls of an empty queue. */
        public long pollsFailed;

        /** Starts every iteration from zero. */
        @Setup(Level.Iteration)
        public void reset()
        {
            pollsMade = 0;
            pollsFailed = 0;
        }
    }

    /**
     * @param queues   the group's queue.
     * @param producer this thread's job and handle.
     * @param counters this thread's counters.
     */
    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public void p1c1Offer(final Queues queues, final Producer producer, final OfferCounters counters)
    {
        offer(queues, producer, counters);
    }

    /**
     * @param queues   the group's queue.
     * @param consumer this thread's handle.
     * @param counters this thread's counters.
     * @return a byte of the job, or 0.
     */
    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public byte p1c1Poll(final Queues queues, final Consumer consumer, final PollCounters counters)
    {
        return poll(queues, consumer, counters);
    }

    /**
     * @param queues   the group's queue.
     * @param producer this thread's job and handle.
     * @param counters this thread's counters.
     */
    @Benchmark
    @Group("p1c2")
    @GroupThreads(1)
    public void p1c2Offer(final Queues queues, final Producer producer, final OfferCounters counters)
    {
        offer(queues, producer, counters);
    }

    /**
     * @param queues   the group's queue.
     * @param consumer this thread's handle.
     * @param counters this thread's counters.
     * @return a byte of the job, or 0.
     */
    @Benchmark
    @Group("p1c2")
    @GroupThreads(2)
    public byte p1c2Poll(final Queues queues, final Consumer consumer, final PollCounters counters)
    {
        return poll(queues, consumer, counters);
    }

    /**
     * @param queues   the group's queue.
     * @param producer this thread's job and handle.
     * @param counters this thread's counters.
     */
    @Benchmark
    @Group("p2c2")
    @GroupThreads(2)
    public void p2c2Offer(final Queues queues, final Producer producer, final OfferCounters counters)
    {
        offer(queues, producer, counters);
    }

    /**
     * @param queues   the group's queue.
     * @param consumer this thread's handle.
     * @param counters this thread's counters.
     * @return a byte of the job, or 0.
     */
    @Benchmark
    @Group("p2c2")
    @GroupThreads(2)
    public byte p2c2Poll(final Queues queues, final Consumer consumer, final PollCounters counters)
    {
        return poll(queues, consumer, counters);
    }

    private static void offer(final Queues queues, final Producer producer, final OfferCounters counters)
    {
        final boolean offered;
        if (producer.handle != null)
        {
            offered = producer.handle.offer(producer.job, 0, queues.size);
        }
        else if (queues.agrona != null)
        {
            offered = queues.agrona.write(1, producer.job, 0, queues.size);
        }
        else
        {
            offered = queues.queue.offer(producer.bytes);
        }
        if (offered)
        {
            counters.offersMade++;
        }
        else
        {
            counters.offersFailed++;
            if (queues.yield)
            {
                Thread.yield();
            }
        }
    }

    private static byte poll(final Queues queues, final Consumer consumer, final PollCounters counters)
    {
        final JobConsumer handle = consumer.handle;
        if (handle != null && queues.drain)
        {
            final int drained = handle.drain(consumer, DRAIN_LIMIT);
            if (drained > 0)
            {
                counters.pollsMade += drained;
                return consumer.lastByte;
            }
        }
        else if (queues.agrona != null)
        {
            final int read = queues.agrona.read(consumer, DRAIN_LIMIT);
            if (read > 0)
            {
                counters.pollsMade += read;
                return consumer.lastByte;
            }
        }
        else if (handle != null)
        {
            if (handle.poll(consumer))
            {
                handle.taskDone();
                counters.pollsMade++;
                return consumer.lastByte;
            }
        }
        else
        {
            final byte[] job = queues.queue.poll();
            if (job != null)
            {
                counters.pollsMade++;
                return job[0];
            }
        }
        counters.pollsFailed++;
        if (queues.yield)
        {
            Thread.yield();
        }
        return 0;
    }

    private static boolean checkBackoff(final String backoff)
    {
        switch (backoff)
        {
            case "none":
                return false;
            case "yield":
                return true;
            default:
                throw new IllegalArgumentException("backoff=" + backoff);
        }
    }
}
