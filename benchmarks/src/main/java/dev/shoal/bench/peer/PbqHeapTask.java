package dev.shoal.bench.peer;

import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.PriorityBlockingQueue;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;

/**
 * Child side of {@link PbqHeapPeer}.
 */
public final class PbqHeapTask implements ChildTask
{
    private PriorityBlockingQueue<Entry> heap;
    private int records;
    private long ops;

    /**
     * A heap record: ordered by key, then id.
     *
     * @param key timestamp.
     * @param id  unique id.
     */
    record Entry(long key, long id) implements Comparable<Entry>
    {
        @Override
        public int compareTo(final Entry o)
        {
            final int byKey = Long.compare(key, o.key);
            return byKey != 0 ? byKey : Long.compare(id, o.id);
        }
    }

    @Override
    public void open(final ChildArgs args)
    {
        records = args.getInt("records");
        ops = args.getLong("ops");
        heap = new PriorityBlockingQueue<>(records);
        for (int i = 0; i < records; i++)
        {
            heap.add(new Entry(i, i));
        }
    }

    @Override
    public void run(final long run, final RunRecord record) throws InterruptedException
    {
        final CountDownLatch go = new CountDownLatch(1);
        final Thread[] workers = new Thread[Counter.WORKERS];
        for (int w = 0; w < workers.length; w++)
        {
            workers[w] = new Thread(() ->
            {
                try
                {
                    go.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (long n = 0; n < ops; n++)
                {
                    final Entry e = heap.poll();
                    heap.add(new Entry(e.key() + records, e.id()));
                }
            });
            workers[w].start();
        }
        record.startNs = System.nanoTime();
        go.countDown();
        for (final Thread t : workers)
        {
            t.join();
        }
        record.endNs = System.nanoTime();
        record.ops = ops * Counter.WORKERS;
        check();
    }

    private void check()
    {
        final BitSet seen = new BitSet(records);
        for (final Entry e : heap)
        {
            if (e.id() < 0 || e.id() >= records || seen.get((int)e.id()))
            {
                throw new IllegalStateException("heap id " + e.id() + " out of range or duplicated");
            }
            seen.set((int)e.id());
        }
        if (seen.cardinality() != records)
        {
            throw new IllegalStateException("heap holds " + seen.cardinality() + " ids, expected " + records);
        }
    }
}
