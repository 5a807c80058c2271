package dev.shoal.bench.peer;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;
import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.SharedLongArray;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Child side of {@link ShoalHandoffPeer}: a producer offers its share of each run (copying the self-checking
 * payload, as {@code agrona-m2o} does) and, when it is the last producer of the run to finish, one pill per
 * consumer; a consumer drains runs of jobs (as {@code agrona-m2o}'s consumer reads runs of messages), checking
 * each payload, until every pill of the run is taken. A drain may take two pills, so pills are counted in the
 * region ({@code finished[1]}) rather than one per consumer.
 */
public final class ShoalHandoffTask implements ChildTask, JobHandler
{
    /** Id carried by a pill: a job that ends a consumer's run. */
    static final long PILL = -1;
    /** Most jobs one drain call takes. */
    private static final int DRAIN_LIMIT = 256;
    private static final int PRODUCERS_DONE = 0;
    private static final int PILLS_TAKEN = 1;

    private Region region;
    private JobProducer producer;
    private JobConsumer consumer;
    private SharedLongArray finished;
    private int index;
    private int producers;
    private int consumers;
    private int size;
    private long ops;
    private UnsafeBuffer source;
    private final IdleStrategy idle = Idle.strategy();
    private long count;
    private long sum;

    @Override
    public void open(final ChildArgs args)
    {
        index = args.getInt("index");
        producers = args.getInt("producers");
        consumers = args.getInt("consumers");
        size = args.getInt("size");
        ops = args.getLong("ops");
        region = Region.open(args.dir().resolve("region").toString());
        final JobRing ring = JobRing.open(region, ShoalHandoffPeer.RING);
        finished = region.longArray(ShoalHandoffPeer.FINISHED);
        if ("producer".equals(args.get("role")))
        {
            producer = ring.producer();
            source = new UnsafeBuffer(new byte[size]);
        }
        else
        {
            consumer = ring.consumer();
        }
    }

    @Override
    public void run(final long run, final RunRecord record)
    {
        record.startNs = System.nanoTime();
        if (producer != null)
        {
            produce(run);
            record.ops = ops / producers;
        }
        else
        {
            consume(run, record);
        }
        record.endNs = System.nanoTime();
    }

    private void produce(final long run)
    {
        final long share = ops / producers;
        for (long i = 0; i < share; i++)
        {
            offer(Handoff.id(run, ops, producers, index, i));
        }
        // The last producer to finish this run (the counter counts every producer of every run so far).
        if (finished.getAndAdd(PRODUCERS_DONE, 1) + 1 == (run + 1) * producers)
        {
            for (int c = 0; c < consumers; c++)
            {
                offer(PILL);
            }
        }
    }

    private void offer(final long id)
    {
        Payload.fill(source, 0, size, id);
        idle.reset();
        while (!producer.offer(source, 0, size))
        {
            idle.idle();
        }
    }

    private void consume(final long run, final RunRecord record)
    {
        count = 0;
        sum = 0;
        final long allPills = (run + 1) * consumers; // pills of every run so far
        idle.reset();
        while (finished.get(PILLS_TAKEN) < allPills)
        {
            if (consumer.drain(this, DRAIN_LIMIT) > 0)
            {
                idle.reset();
            }
            else
            {
                idle.idle();
            }
        }
        record.ops = count;
        record.sum = sum;
    }

    @Override
    public void onJob(
        final long jobId, final int attempt, final DirectBuffer buffer, final int offset, final int length)
    {
        final long id = Payload.check(buffer, offset, length, size);
        if (attempt != 1)
        {
            throw new IllegalStateException("job " + id + " delivered again (attempt " + attempt + ")");
        }
        if (id == PILL)
        {
            finished.getAndAdd(PILLS_TAKEN, 1);
        }
        else
        {
            count++;
            sum += id;
        }
    }

    @Override
    public void close()
    {
        if (producer != null)
        {
            producer.close();
        }
        if (consumer != null)
        {
            consumer.close();
        }
        region.close();
    }
}
