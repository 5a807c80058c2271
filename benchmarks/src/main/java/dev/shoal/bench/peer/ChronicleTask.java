package dev.shoal.bench.peer;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.agrona.concurrent.IdleStrategy;

/**
 * Child side of {@link ChroniclePeer}: a producer appends its share of each run as raw bytes; a consumer tails
 * the queue, checks every payload and handles the entries of its partition.
 */
public final class ChronicleTask implements ChildTask
{
    private ChronicleQueue queue;
    private ExcerptAppender appender;
    private ExcerptTailer tailer;
    private Bytes<?> bytes;
    private boolean producer;
    private int index;
    private int producers;
    private int consumers;
    private int size;
    private long ops;
    private final IdleStrategy idle = Idle.strategy();

    @Override
    public void open(final ChildArgs args)
    {
        producer = "producer".equals(args.get("role"));
        index = args.getInt("index");
        producers = args.getInt("producers");
        consumers = args.getInt("consumers");
        size = args.getInt("size");
        ops = args.getLong("ops");
        queue = ChronicleQueue.singleBuilder(args.dir().resolve("queue")).build();
        bytes = ChronicleBytes.payload(size);
        if (producer)
        {
            appender = queue.createAppender();
        }
        else
        {
            tailer = queue.createTailer();
        }
    }

    @Override
    public void run(final long run, final RunRecord record)
    {
        record.startNs = System.nanoTime();
        if (producer)
        {
            final long share = ops / producers;
            for (long i = 0; i < share; i++)
            {
                final long id = Handoff.id(run, ops, producers, index, i);
                ChronicleBytes.fill(bytes, size, id);
                appender.writeBytes(bytes);
            }
            record.ops = share;
        }
        else
        {
            consume(record);
        }
        record.endNs = System.nanoTime();
    }

    private void consume(final RunRecord record)
    {
        final long share = ops / consumers;
        long count = 0;
        long sum = 0;
        while (count < share)
        {
            bytes.clear();
            if (tailer.readBytes(bytes))
            {
                idle.reset();
                final long id = ChronicleBytes.check(bytes, size);
                if (id % consumers == index)
                {
                    count++;
                    sum += id;
                }
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
    public void close()
    {
        bytes.releaseLast();
        if (appender != null)
        {
            appender.close();
        }
        if (tailer != null)
        {
            tailer.close();
        }
        queue.close();
    }
}
