package dev.shoal.bench.peer;

import java.io.IOException;
import java.util.List;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;

/**
 * Child side of {@link RedisHeapPeer}: {@code ZPOPMIN} the earliest record, {@code ZADD} it back with its score
 * plus the heap size.
 */
public final class RedisHeapTask implements ChildTask
{
    /** The sorted set's key. */
    static final String KEY = "shoal-bench-heap";

    private Resp redis;
    private long ops;
    private int records;

    @Override
    public void open(final ChildArgs args) throws IOException
    {
        redis = new Resp(args.getInt("port"));
        ops = args.getLong("ops");
        records = args.getInt("records");
    }

    @Override
    public void run(final long run, final RunRecord record) throws IOException
    {
        record.startNs = System.nanoTime();
        for (long n = 0; n < ops; n++)
        {
            final Object reply = redis.call("ZPOPMIN", KEY);
            if (!(reply instanceof List<?> popped) || popped.size() != 2)
            {
                throw new IllegalStateException("ZPOPMIN returned " + reply);
            }
            final long score = (long)Double.parseDouble(popped.get(1).toString());
            redis.call("ZADD", KEY, Long.toString(score + records), popped.get(0).toString());
        }
        record.endNs = System.nanoTime();
        record.ops = ops;
    }

    @Override
    public void close() throws IOException
    {
        redis.close();
    }
}
