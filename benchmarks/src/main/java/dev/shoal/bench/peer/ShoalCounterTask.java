package dev.shoal.bench.peer;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;
import dev.shoal.core.Region;
import dev.shoal.core.SharedLongArray;

/**
 * Child side of {@link ShoalCounterPeer}: {@code getAndAdd(index, 1)} a fixed number of times per run.
 */
public final class ShoalCounterTask implements ChildTask
{
    private Region region;
    private SharedLongArray counter;
    private int index;
    private long ops;

    @Override
    public void open(final ChildArgs args)
    {
        region = Region.open(args.get("region"));
        counter = region.longArray("counter");
        index = Counter.PADDED.equals(args.get("variant")) ? args.slot() : 0;
        ops = args.getLong("ops");
    }

    @Override
    public void run(final long run, final RunRecord record)
    {
        final SharedLongArray c = counter;
        final int i = index;
        long last = 0;
        record.startNs = System.nanoTime();
        for (long n = 0; n < ops; n++)
        {
            last = c.getAndAdd(i, 1);
        }
        record.endNs = System.nanoTime();
        record.ops = ops;
        record.sum = last;
    }

    @Override
    public void close()
    {
        region.close();
    }
}
