package dev.shoal.bench.peer;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;
import dev.shoal.core.Region;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleLease;

/**
 * Child side of {@link ShoalHeapPeer}: poll the head, reschedule it with its key plus the heap size.
 */
public final class ShoalHeapTask implements ChildTask
{
    private Region region;
    private ScheduleHeap heap;
    private long ops;
    private int records;

    @Override
    public void open(final ChildArgs args)
    {
        region = Region.open(args.get("region"));
        heap = ScheduleHeap.open(region, ShoalHeapPeer.HEAP);
        ops = args.getLong("ops");
        records = args.getInt("records");
    }

    @Override
    public void run(final long run, final RunRecord record)
    {
        final ScheduleHeap h = heap;
        final long delay = records;
        final ScheduleLease lease = h.newLease(); // filled by every poll: the pair allocates nothing
        long lastKey = 0;
        record.startNs = System.nanoTime();
        for (long n = 0; n < ops; n++)
        {
            if (!h.poll(lease))
            {
                throw new IllegalStateException("heap of " + records + " records empty after " + n + " pairs");
            }
            lastKey = lease.key();
            if (!h.reschedule(lease, lastKey + delay))
            {
                throw new IllegalStateException("lease " + lease + " dropped");
            }
        }
        record.endNs = System.nanoTime();
        record.ops = ops;
        record.sum = lastKey;
    }

    @Override
    public void close()
    {
        heap.close();
        region.close();
    }
}
