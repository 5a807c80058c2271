package dev.shoal.bench.jmh;

import java.io.IOException;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import dev.shoal.core.RegionSpec;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleLease;
import org.agrona.concurrent.UnsafeBuffer;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A {@link ScheduleHeap} in a mapped region against {@link PriorityBlockingQueue} and a {@link PriorityQueue}
 * under a {@link ReentrantLock} ({@code impl}), holding {@code size} records, with 1 and 2 threads. One
 * operation is a pair:
 * <ul>
 *   <li>{@code pollReschedule}: the scheduler pattern. Poll the earliest record, read its payload, put it back
 *       with a later key ({@code reschedule} for Shoal; offer of the same object for the peers).</li>
 *   <li>{@code pushPoll}: push a new record, poll the earliest one and retire it ({@code push}, {@code poll},
 *       {@code complete} for Shoal: three lock acquisitions; offer and poll for the peers, which recycle the
 *       polled object as the next one to offer, so they allocate nothing).</li>
 * </ul>
 * The new key is the polled key plus a jitter in {@code [size/2, 3*size/2)} from a per-thread seeded random, so
 * a record comes back after about {@code size} others, lands at a random depth, and every implementation sees
 * the same key sequence. Payloads are {@value #PAYLOAD_BYTES} bytes: copied into the region by Shoal, a
 * reference to a preallocated array for the peers. The peers break key ties by record id, Shoal by insertion
 * order; both cost one more comparison.
 *
 * <p>With 2 threads every implementation serialises on one lock; on a 2-CPU machine shared with other work a
 * lock holder can be preempted, which stalls the other thread (Shoal's lock spins, then backs off), so the
 * 2-thread figures are noisy. Forks run with Agrona bounds checks off, as Agrona's own benchmarks do.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    JmhForks.ADD_EXPORTS, JmhForks.AGRONA_EXPORT, JmhForks.NO_BOUNDS_CHECKS })
public class ScheduleHeapBenchmark
{
    private static final String HEAP = "timers";
    private static final int PAYLOAD_BYTES = 16;
    private static final int SPARE_SLOTS = 16;
    private static final long FILL_SEED = 0x5C4ED01EL;

    /** A peer's record: ordered by key, then id. */
    static final class Entry implements Comparable<Entry>
    {
        final long id;
        final byte[] payload;
        long key;

        Entry(final long id, final long key)
        {
            this.id = id;
            this.key = key;
            this.payload = new byte[PAYLOAD_BYTES];
            Arrays.fill(payload, (byte)id);
        }

        @Override
        public int compareTo(final Entry other)
        {
            final int byKey = Long.compare(key, other.key);
            return byKey != 0 ? byKey : Long.compare(id, other.id);
        }
    }

    /** The heap every thread shares, filled with {@code size} records before the trial. */
    @State(Scope.Benchmark)
    public static class Heaps
    {
        /**
         * {@code shoal} ({@link ScheduleHeap}, polling into one reusable lease), {@code shoal-alloc} (its poll that
         * returns a new lease), {@code pbq} ({@link PriorityBlockingQueue}) or {@code locked-pq}.
         */
        @Param({ "shoal", "shoal-alloc", "pbq", "locked-pq" })
        public String impl;

        /** Records in the heap. */
        @Param({ "1000", "100000" })
        public int size;

        final AtomicInteger threadIndex = new AtomicInteger();
        SharedRegion shared;
        PriorityBlockingQueue<Entry> blocking;
        PriorityQueue<Entry> plain;
        ReentrantLock lock;
        long nextId;

        /**
         * Creates and fills the heap.
         *
         * @throws IOException when the region file cannot be made.
         */
        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            final SplittableRandom random = new SplittableRandom(FILL_SEED);
            switch (impl)
            {
                case "shoal":
                case "shoal-alloc":
                    shared = SharedRegion.create("shoal-jmh-heap",
                        RegionSpec.builder().scheduleHeap(HEAP, size + SPARE_SLOTS, PAYLOAD_BYTES).build());
                    try (ScheduleHeap heap = ScheduleHeap.open(shared.region(), HEAP))
                    {
                        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_BYTES]);
                        for (int i = 0; i < size; i++)
                        {
                            heap.push(random.nextInt(size), payload, 0, PAYLOAD_BYTES);
                        }
                    }
                    break;
                case "pbq":
                    blocking = new PriorityBlockingQueue<>(size + SPARE_SLOTS);
                    for (int i = 0; i < size; i++)
                    {
                        blocking.offer(new Entry(++nextId, random.nextInt(size)));
                    }
                    break;
                case "locked-pq":
                    plain = new PriorityQueue<>(size + SPARE_SLOTS);
                    lock = new ReentrantLock();
                    for (int i = 0; i < size; i++)
                    {
                        plain.offer(new Entry(++nextId, random.nextInt(size)));
                    }
                    break;
                default:
                    throw new IllegalArgumentException("impl=" + impl);
            }
        }

        /** Lets the region go; the last thread to close its handle unmaps and deletes it. */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            if (shared != null)
            {
                shared.release();
            }
        }

        synchronized Entry newEntry()
        {
            return new Entry(++nextId, 0);
        }
    }

    /** One thread's heap handle (for Shoal, opened and closed on this thread), spare record and keys. */
    @State(Scope.Thread)
    public static class Worker
    {
        SharedRegion shared;
        ScheduleHeap heap;
        /** Polled into when not null ({@code shoal}); {@code shoal-alloc} polls a new lease each time. */
        ScheduleLease lease;
        UnsafeBuffer payload;
        Entry spare;
        long lastKey;
        long random;
        int size;

        /**
         * @param heaps the shared heap.
         */
        @Setup(Level.Trial)
        public void setUp(final Heaps heaps)
        {
            size = heaps.size;
            random = 0x9E3779B97F4A7C15L * (heaps.threadIndex.incrementAndGet());
            payload = new UnsafeBuffer(new byte[PAYLOAD_BYTES]);
            spare = heaps.newEntry();
            if (heaps.shared != null)
            {
                shared = heaps.shared;
                shared.retain();
                heap = ScheduleHeap.open(shared.region(), HEAP);
                lease = "shoal".equals(heaps.impl) ? heap.newLease() : null;
            }
        }

        /** Closes the handle on the thread that opened it. */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            if (heap != null)
            {
                try
                {
                    heap.close();
                }
                finally
                {
                    shared.release();
                }
            }
        }

        /**
         * @param key a polled key.
         * @return a later key: {@code key + size/2 + [0, size)} (xorshift, the same sequence for every impl).
         */
        long later(final long key)
        {
            long x = random;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            random = x;
            return key + (size >> 1) + Long.remainderUnsigned(x, size);
        }
    }

    /**
     * @param heaps  the shared heap.
     * @param worker this thread's handle.
     * @return a payload byte.
     */
    @Benchmark
    @Threads(1)
    public byte pollReschedule1(final Heaps heaps, final Worker worker)
    {
        return pollReschedule(heaps, worker);
    }

    /**
     * @param heaps  the shared heap.
     * @param worker this thread's handle.
     * @return a payload byte.
     */
    @Benchmark
    @Threads(2)
    public byte pollReschedule2(final Heaps heaps, final Worker worker)
    {
        return pollReschedule(heaps, worker);
    }

    /**
     * @param heaps  the shared heap.
     * @param worker this thread's handle.
     * @return a payload byte.
     */
    @Benchmark
    @Threads(1)
    public byte pushPoll1(final Heaps heaps, final Worker worker)
    {
        return pushPoll(heaps, worker);
    }

    /**
     * @param heaps  the shared heap.
     * @param worker this thread's handle.
     * @return a payload byte.
     */
    @Benchmark
    @Threads(2)
    public byte pushPoll2(final Heaps heaps, final Worker worker)
    {
        return pushPoll(heaps, worker);
    }

    private static byte pollReschedule(final Heaps heaps, final Worker worker)
    {
        if (worker.heap != null)
        {
            final ScheduleLease lease = poll(worker);
            final byte b = lease.payload().getByte(0);
            worker.heap.reschedule(lease, worker.later(lease.key()));
            return b;
        }
        final Entry entry = heaps.blocking != null ? heaps.blocking.poll() : lockedPoll(heaps);
        final byte b = entry.payload[0];
        entry.key = worker.later(entry.key);
        if (heaps.blocking != null)
        {
            heaps.blocking.offer(entry);
        }
        else
        {
            lockedOffer(heaps, entry);
        }
        return b;
    }

    private static ScheduleLease poll(final Worker worker)
    {
        if (worker.lease == null)
        {
            return worker.heap.poll();
        }
        if (!worker.heap.poll(worker.lease))
        {
            throw new IllegalStateException("heap empty");
        }
        return worker.lease;
    }

    private static byte pushPoll(final Heaps heaps, final Worker worker)
    {
        final long key = worker.later(worker.lastKey);
        if (worker.heap != null)
        {
            worker.heap.push(key, worker.payload, 0, PAYLOAD_BYTES);
            final ScheduleLease lease = poll(worker);
            final byte b = lease.payload().getByte(0);
            worker.lastKey = lease.key();
            worker.heap.complete(lease);
            return b;
        }
        final Entry spare = worker.spare;
        spare.key = key;
        final Entry entry;
        if (heaps.blocking != null)
        {
            heaps.blocking.offer(spare);
            entry = heaps.blocking.poll();
        }
        else
        {
            lockedOffer(heaps, spare);
            entry = lockedPoll(heaps);
        }
        worker.lastKey = entry.key;
        worker.spare = entry;
        return entry.payload[0];
    }

    private static Entry lockedPoll(final Heaps heaps)
    {
        final ReentrantLock lock = heaps.lock;
        lock.lock();
        try
        {
            return heaps.plain.poll();
        }
        finally
        {
            lock.unlock();
        }
    }

    private static void lockedOffer(final Heaps heaps, final Entry entry)
    {
        final ReentrantLock lock = heaps.lock;
        lock.lock();
        try
        {
            heaps.plain.offer(entry);
        }
        finally
        {
            lock.unlock();
        }
    }
}
