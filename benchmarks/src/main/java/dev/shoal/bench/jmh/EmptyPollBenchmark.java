package dev.shoal.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobRing;
import dev.shoal.core.RegionSpec;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.MpmcArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * One thread polling an empty queue: the cost of a spinning consumer's every idle iteration, which a ping-pong pays
 * between the hops and which sets how soon a spinning consumer sees a published job. Shoal's {@link JobConsumer}
 * ({@code poll} and {@code drain}) against Agrona's copying rings ({@link ManyToOneRingBuffer#read},
 * {@link OneToOneRingBuffer#read}) and JCTools' {@link MpmcArrayQueue#poll}, in one thread, the queue's lines in
 * that thread's cache: this is the consumer's own instruction path, not a cache line's trip.
 *
 * <p>Shoal's empty poll also keeps its recovery duties (a paced clock read, about one in 64 empty polls while
 * spinning, for the stall timer and the lease scan's schedule; docs/job-ring.md), which the peers, having no
 * recovery, do not have.
 *
 * <p>Forks run with Agrona bounds checks off, as Agrona's own benchmarks do ({@link JmhForks}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    JmhForks.ADD_EXPORTS, JmhForks.AGRONA_EXPORT, JmhForks.NO_BOUNDS_CHECKS })
@State(Scope.Thread)
public class EmptyPollBenchmark implements JobHandler, MessageHandler
{
    private static final String RING = "jobs";
    private static final int CAPACITY = 1024;
    private static final int SIZE = 32;

    /**
     * {@code shoal} ({@link JobConsumer#poll}), {@code shoal-drain} ({@link JobConsumer#drain} of up to 16),
     * {@code agrona-m2o}, {@code agrona-o2o} or {@code jctools}.
     */
    @Param({ "shoal", "shoal-drain", "agrona-m2o", "agrona-o2o", "jctools" })
    public String impl;

    private SharedRegion shared;
    private JobConsumer consumer;
    private RingBuffer agrona;
    private MpmcArrayQueue<byte[]> queue;
    private IntSupplier poll;
    private long seen;

    /**
     * Makes the empty queue.
     *
     * @throws IOException when the region file cannot be made.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        switch (impl)
        {
            case "shoal":
            case "shoal-drain":
                shared = SharedRegion.create(
                    "shoal-jmh-empty", RegionSpec.builder().jobRing(RING, CAPACITY, SIZE).build());
                consumer = JobRing.open(shared.region(), RING).consumer();
                poll = "shoal".equals(impl) ? () -> consumer.poll(this) ? 1 : 0 : () -> consumer.drain(this, 16);
                break;
            case "agrona-m2o":
                agrona = new ManyToOneRingBuffer(agronaBuffer());
                poll = () -> agrona.read(this, 16);
                break;
            case "agrona-o2o":
                agrona = new OneToOneRingBuffer(agronaBuffer());
                poll = () -> agrona.read(this, 16);
                break;
            case "jctools":
                queue = new MpmcArrayQueue<>(CAPACITY);
                poll = () -> queue.poll() == null ? 0 : 1;
                break;
            default:
                throw new IllegalArgumentException("impl=" + impl);
        }
    }

    private static UnsafeBuffer agronaBuffer()
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY * 64 + RingBufferDescriptor.TRAILER_LENGTH));
    }

    /** Closes the consumer and lets the region go. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (consumer != null)
        {
            try
            {
                consumer.close();
            }
            finally
            {
                shared.release();
            }
        }
    }

    /**
     * One poll, through a lambda chosen at set-up (one kind per fork, so the call site sees one class and inlines it).
     *
     * @return jobs taken (always none): returned so that the poll is not dead code.
     */
    @Benchmark
    public int emptyPoll()
    {
        return poll.getAsInt();
    }

    @Override
    public void onJob(final long jobId, final int attempt, final DirectBuffer buffer, final int offset,
        final int length)
    {
        seen++;
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        seen++;
    }
}
