package dev.shoal.bench.peer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;

/**
 * Child side of {@link AtomicCounterPeer}: two threads, each {@code getAndAdd(index, 1)} a fixed number of
 * times per run; padded elements are 16 longs (128 bytes) apart.
 */
public final class AtomicCounterTask implements ChildTask
{
    private static final int STRIDE = 16;

    private AtomicLongArray counter;
    private boolean padded;
    private long ops;
    private long expected;

    @Override
    public void open(final ChildArgs args)
    {
        padded = Counter.PADDED.equals(args.get("variant"));
        ops = args.getLong("ops");
        counter = new AtomicLongArray(STRIDE * (Counter.WORKERS + 1));
    }

    @Override
    public void run(final long run, final RunRecord record) throws InterruptedException
    {
        final CountDownLatch go = new CountDownLatch(1);
        final Thread[] threads = new Thread[Counter.WORKERS];
        for (int w = 0; w < threads.length; w++)
        {
            final int index = padded ? STRIDE * (w + 1) : 0;
            threads[w] = new Thread(() ->
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
                    counter.getAndAdd(index, 1);
                }
            });
            threads[w].start();
        }
        record.startNs = System.nanoTime();
        go.countDown();
        for (final Thread t : threads)
        {
            t.join();
        }
        record.endNs = System.nanoTime();
        expected += ops;
        for (int w = 0; w < Counter.WORKERS; w++)
        {
            final long value = padded ? counter.get(STRIDE * (w + 1)) : counter.get(0);
            if (value != (padded ? expected : expected * Counter.WORKERS))
            {
                throw new IllegalStateException("counter " + value + " after run " + run);
            }
        }
        record.ops = ops * Counter.WORKERS;
    }
}
