package dev.shoal.bench.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.shoal.bench.proc.ChildArgs;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.RunRecord;
import org.agrona.concurrent.IdleStrategy;
import org.jctools.queues.MpmcArrayQueue;

/**
 * Child side of {@link InprocQueuePeer}: per run, P producer threads offer their share, C consumer threads poll
 * until each has seen a poison pill (the last producer to finish offers one per consumer).
 */
public final class InprocQueueTask implements ChildTask
{
    /** Queue capacity in jobs. */
    public static final int CAPACITY = 16_384;

    private static final byte[] PILL = new byte[0];

    private Queue<byte[]> queue;
    private int producers;
    private int consumers;
    private int size;
    private long ops;

    @Override
    public void open(final ChildArgs args)
    {
        producers = args.getInt("producers");
        consumers = args.getInt("consumers");
        size = args.getInt("size");
        ops = args.getLong("ops");
        queue = "jctools".equals(args.get("queue")) ? new MpmcArrayQueue<>(CAPACITY) :
            new ArrayBlockingQueue<>(CAPACITY);
    }

    @Override
    public void run(final long run, final RunRecord record) throws Exception
    {
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicInteger producing = new AtomicInteger(producers);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[] counts = new long[consumers];
        final long[] sums = new long[consumers];
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int producer = p;
            threads.add(new Thread(() -> guard(failure, go, () -> produce(run, producer, producing))));
        }
        for (int c = 0; c < consumers; c++)
        {
            final int consumer = c;
            threads.add(new Thread(() -> guard(failure, go, () -> consume(consumer, counts, sums))));
        }
        threads.forEach(Thread::start);
        record.startNs = System.nanoTime();
        go.countDown();
        for (final Thread t : threads)
        {
            t.join();
        }
        record.endNs = System.nanoTime();
        if (failure.get() != null)
        {
            throw new IllegalStateException("in-process run failed", failure.get());
        }
        for (int c = 0; c < consumers; c++)
        {
            record.ops += counts[c];
            record.sum += sums[c];
        }
    }

    private void produce(final long run, final int producer, final AtomicInteger producing)
    {
        final IdleStrategy idle = Idle.strategy();
        final long share = ops / producers;
        for (long i = 0; i < share; i++)
        {
            final byte[] job = new byte[size];
            Payload.fill(job, Handoff.id(run, ops, producers, producer, i));
            offer(job, idle);
        }
        if (producing.decrementAndGet() == 0)
        {
            for (int c = 0; c < consumers; c++)
            {
                offer(PILL, idle);
            }
        }
    }

    private void offer(final byte[] job, final IdleStrategy idle)
    {
        idle.reset();
        while (!queue.offer(job))
        {
            idle.idle();
        }
    }

    private void consume(final int consumer, final long[] counts, final long[] sums)
    {
        final IdleStrategy idle = Idle.strategy();
        long count = 0;
        long sum = 0;
        while (true)
        {
            final byte[] job = queue.poll();
            if (job == null)
            {
                idle.idle();
                continue;
            }
            idle.reset();
            if (job == PILL)
            {
                break;
            }
            sum += Payload.check(job, size);
            count++;
        }
        counts[consumer] = count;
        sums[consumer] = sum;
    }

    private static void guard(final AtomicReference<Throwable> failure, final CountDownLatch go, final Runnable body)
    {
        try
        {
            go.await();
            body.run();
        }
        catch (final Throwable t)
        {
            failure.compareAndSet(null, t);
        }
    }
}
