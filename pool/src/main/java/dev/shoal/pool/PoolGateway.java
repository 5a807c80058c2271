package dev.shoal.pool;

import java.time.Duration;
import java.util.function.Consumer;

import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.pool.spi.RemoteGateway;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

/**
 * The pool's side of its remote workers ({@link RemoteGateway}): a ring consumer and producer of its own, made on
 * the remote side's thread at first use, and result writers into the pool's result buffer.
 *
 * <p>A frame taken here is acknowledged in the ring as soon as the remote side has copied it: from then on it is
 * leased in the coordinator's memory, to a host. The coordinator is the one process whose death ends the pool
 * anyway, so the ring's own lease (which survives a consumer's death) would add nothing.
 */
final class PoolGateway implements RemoteGateway
{
    private final PoolConfig config;
    private final JobRing ring;
    private final ManyToOneRingBuffer results;
    private JobConsumer consumer;
    private JobProducer producer;
    private FrameHandler current;
    private final JobHandler onJob = this::onJob;
    private final Consumer<String> onStopped;

    PoolGateway(final PoolConfig config, final JobRing ring, final ManyToOneRingBuffer results,
        final Consumer<String> onStopped)
    {
        this.config = config;
        this.ring = ring;
        this.results = results;
        this.onStopped = onStopped;
    }

    @Override
    public void stopped(final String reason)
    {
        onStopped.accept(reason);
    }

    @Override
    public String endpoint()
    {
        return config.listen;
    }

    @Override
    public int window()
    {
        return config.remoteWindow;
    }

    @Override
    public Duration hostTimeout()
    {
        return config.hostTimeout;
    }

    @Override
    public int maxAttempts()
    {
        return config.maxAttempts;
    }

    @Override
    public int maxFrameBytes()
    {
        return config.maxJobBytes;
    }

    @Override
    public boolean hasLocalWorkers()
    {
        return config.workers > 0;
    }

    @Override
    public Consumer<String> log()
    {
        return config.logSink;
    }

    @Override
    public int takeFrames(final FrameHandler handler, final int limit)
    {
        if (consumer == null)
        {
            consumer = ring.consumer();
        }
        current = handler;
        // A drain: each frame is handed over in its slot (the handler copies it out) and acknowledged after it.
        return consumer.drain(onJob, limit);
    }

    private void onJob(final long ringJobId, final int attempt, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (length < JobFrameDescriptor.FIXED_LENGTH)
        {
            config.logSink.accept("[pool] dropped a job frame of " + length + " bytes: too short to name its jobs");
            return;
        }
        final long firstJobId = buffer.getLong(offset + JobFrameDescriptor.JOB_ID_OFFSET);
        final int countWord = buffer.getInt(offset + JobFrameDescriptor.COUNT_OFFSET);
        final int count = JobFrameDescriptor.count(countWord);
        if (firstJobId < 0 || count < 1 || count > JobFrameDescriptor.MAX_BATCH)
        {
            config.logSink.accept("[pool] dropped a corrupt job frame: first job " + firstJobId + ", count " + count);
            return;
        }
        // Deliveries on hosts before the frame was handed back to the ring count on (see requeue).
        current.onFrame(firstJobId, count, attempt + JobFrameDescriptor.earlierDeliveries(countWord), buffer, offset,
            length);
    }

    @Override
    public boolean requeue(final byte[] frame, final int deliveries)
    {
        if (producer == null)
        {
            producer = ring.producer();
        }
        if (frame.length < JobFrameDescriptor.FIXED_LENGTH)
        {
            throw new IllegalArgumentException("a job frame of " + frame.length +
                " bytes is too short to name its jobs");
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final int count = JobFrameDescriptor.count(buffer.getInt(JobFrameDescriptor.COUNT_OFFSET));
        buffer.putInt(JobFrameDescriptor.COUNT_OFFSET, JobFrameDescriptor.countWord(count, deliveries));
        return producer.offer(buffer, 0, frame.length);
    }

    @Override
    public ResultSink resultSink(final int workerId)
    {
        final ResultWriter writer = new ResultWriter(results, workerId, new BackoffIdleStrategy());
        return new ResultSink()
        {
            @Override
            public void begin(final long firstJobId, final int attempt)
            {
                writer.begin(firstJobId, attempt);
            }

            @Override
            public void ok(final byte[] result)
            {
                writer.ok(result);
            }

            @Override
            public void threw(final String exceptionClass, final String message, final String stack)
            {
                writer.threw(exceptionClass, message, stack);
            }

            @Override
            public void failed(final String reason)
            {
                writer.failed(reason);
            }

            @Override
            public void flush()
            {
                writer.flush();
            }
        };
    }

    /**
     * Detaches the consumer and producer; called once the remote side's thread has ended.
     */
    void close()
    {
        if (consumer != null)
        {
            consumer.close();
        }
        if (producer != null)
        {
            producer.close();
        }
    }
}
