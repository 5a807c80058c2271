package dev.shoal.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Linearizability of the {@link ScheduleHeap} (push, poll, reschedule and complete of a record the same thread
 * polled, size) from several threads, each logical Lincheck thread with its own handle (its own participant and
 * lock token), against {@link PriorityFifo}: a {@link PriorityQueue} ordered by key and then by insertion order,
 * bounded by {@value #CAPACITY} records queued or leased, with the leases of each thread.
 *
 * <p>No relaxation: every operation but {@code size} runs under the heap's cross-process lock, and {@code size}
 * is one volatile read of a word written once per operation under the lock, so the lock order is a
 * linearization. A reschedule takes a new insertion sequence: it goes after the records already queued with
 * the same key, as in the specification.
 *
 * <p>Poll returns {@code key:tag}, where the tag is a payload value given at push: two records with equal keys
 * come out in the order the specification says, or the test fails. Reschedule and complete act on the oldest
 * lease the thread holds; with none they return {@code "none"} without touching the heap (the handle would
 * throw for a lease it does not hold, which is no concurrency question).
 *
 * <p>Modes: stress, and model checking with each Agrona buffer call one atomic, switchable step (see
 * {@link LincheckSupport}). Threads and handles: as in {@link JobRingLincheckTest}, handles are keyed by the
 * logical thread id and made by the thread that runs it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScheduleHeapLincheckTest
{
    /** Records, queued or leased: small, so that FULL is reached. */
    static final int CAPACITY = 3;
    /** Parallel threads; logical thread ids run 0..THREADS+1. */
    static final int THREADS = 3;
    /** What reschedule and complete return when the thread holds no lease. */
    static final String NONE = "none";

    private static final int ROLES = THREADS + 2;
    private static final String HEAP = "timers";

    @AfterEach
    void removeRegion()
    {
        LincheckSupport.finish();
    }

    @Test
    void shouldBeLinearizableUnderStress()
    {
        stress(1);
    }

    @Test
    void shouldBeLinearizableUnderModelChecking()
    {
        modelChecking(1);
    }

    /** {@code -Psoak}: both checks above with {@value LincheckSupport#SOAK_SCALE} times the scenarios each. */
    @Test
    @Tag("soak")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void shouldBeLinearizableInALongRun()
    {
        stress(LincheckSupport.SOAK_SCALE);
        modelChecking(LincheckSupport.SOAK_SCALE);
    }

    private static void stress(final int scale)
    {
        LincheckSupport.start("heap-stress", spec());
        new StressOptions()
            .iterations(15 * scale)
            .invocationsPerIteration(150)
            .threads(THREADS)
            .actorsPerThread(3)
            .actorsBefore(3)
            .actorsAfter(2)
            .sequentialSpecification(PriorityFifo.class)
            .check(Heap.class);
    }

    private static void modelChecking(final int scale)
    {
        LincheckSupport.start("heap-mc", spec());
        LincheckSupport.modelChecking()
            .iterations(10 * scale)
            .invocationsPerIteration(40)
            .threads(THREADS)
            .actorsPerThread(2)
            .actorsBefore(3)
            .actorsAfter(1)
            .sequentialSpecification(PriorityFifo.class)
            .check(Heap.class);
    }

    private static RegionSpec spec()
    {
        return RegionSpec.builder().scheduleHeap(HEAP, CAPACITY, 8).participants(16).build();
    }

    /**
     * The heap under test, one handle and one list of leases per logical thread.
     */
    public static final class Heap
    {
        private final Region region = LincheckSupport.next();
        private final ScheduleHeap[] handles = new ScheduleHeap[ROLES];
        private final List<ArrayDeque<ScheduleLease>> leases = new ArrayList<>();
        private final UnsafeBuffer[] scratch = new UnsafeBuffer[ROLES];

        /**
         * Makes the lists of leases.
         */
        public Heap()
        {
            for (int i = 0; i < ROLES; i++)
            {
                leases.add(new ArrayDeque<>());
            }
        }

        private ScheduleHeap handle(final int role)
        {
            if (handles[role] == null)
            {
                handles[role] = ScheduleHeap.open(region, HEAP); // on the thread that runs this logical thread
                scratch[role] = new UnsafeBuffer(new byte[Integer.BYTES]);
            }
            return handles[role];
        }

        /**
         * @param key  the record's key.
         * @param tag  its payload.
         * @param role the logical thread.
         * @return true when pushed, false when the heap was full.
         */
        @Operation
        public Object push(@Param(gen = IntGen.class, conf = "1:3") final int key,
            @Param(gen = IntGen.class, conf = "1:5") final int tag, @Param(gen = ThreadIdGen.class) final int role)
        {
            final ScheduleHeap heap = handle(role);
            scratch[role].putInt(0, tag);
            return heap.push(key, scratch[role], 0, Integer.BYTES) != ScheduleHeap.FULL;
        }

        /**
         * @param role the logical thread.
         * @return {@code key:tag} of the polled record, or null when empty.
         */
        @Operation
        public Object poll(@Param(gen = ThreadIdGen.class) final int role)
        {
            final ScheduleLease lease = handle(role).poll();
            if (lease == null)
            {
                return null;
            }
            leases.get(role).addLast(lease);
            return lease.key() + ":" + lease.payload().getInt(0);
        }

        /**
         * @param key  the new key of the oldest lease this thread holds.
         * @param role the logical thread.
         * @return what reschedule returned, or {@code "none"} when no lease is held.
         */
        @Operation
        public Object reschedule(@Param(gen = IntGen.class, conf = "1:3") final int key,
            @Param(gen = ThreadIdGen.class) final int role)
        {
            final ScheduleHeap heap = handle(role);
            final ScheduleLease lease = leases.get(role).pollFirst();
            return lease == null ? NONE : heap.reschedule(lease, key);
        }

        /**
         * @param role the logical thread.
         * @return true when the oldest lease this thread holds was completed, {@code "none"} when none is held.
         */
        @Operation
        public Object complete(@Param(gen = ThreadIdGen.class) final int role)
        {
            final ScheduleHeap heap = handle(role);
            final ScheduleLease lease = leases.get(role).pollFirst();
            if (lease == null)
            {
                return NONE;
            }
            heap.complete(lease);
            return Boolean.TRUE;
        }

        /**
         * @param role the logical thread.
         * @return queued records (a volatile read, no lock).
         */
        @Operation
        public long size(@Param(gen = ThreadIdGen.class) final int role)
        {
            return handle(role).size();
        }

        /**
         * After every invocation: the heap's own invariants, checked under the lock.
         */
        @Validate
        public void validate()
        {
            handle(0).verify(); // logical thread 0 (the initial part) runs on the thread that validates
        }
    }

    /**
     * A record of the specification: key, insertion sequence, tag.
     *
     * @param key the key.
     * @param seq the insertion sequence.
     * @param tag the payload.
     */
    record Rec(long key, long seq, int tag)
    {
    }

    /**
     * The sequential specification: a priority queue by (key, insertion sequence), at most {@value #CAPACITY}
     * records queued or leased, and the leases of each logical thread oldest first.
     */
    public static final class PriorityFifo
    {
        private final PriorityQueue<Rec> queue =
            new PriorityQueue<>(Comparator.comparingLong(Rec::key).thenComparingLong(Rec::seq));
        private final List<ArrayDeque<Rec>> held = new ArrayList<>();
        private long nextSeq;

        /**
         * Empty.
         */
        public PriorityFifo()
        {
            for (int i = 0; i < ROLES; i++)
            {
                held.add(new ArrayDeque<>());
            }
        }

        /**
         * @param key  the key.
         * @param tag  the payload.
         * @param role the logical thread.
         * @return whether there was room.
         */
        public Object push(final int key, final int tag, final int role)
        {
            int leased = 0;
            for (final ArrayDeque<Rec> h : held)
            {
                leased += h.size();
            }
            if (queue.size() + leased == CAPACITY)
            {
                return Boolean.FALSE;
            }
            queue.add(new Rec(key, nextSeq++, tag));
            return Boolean.TRUE;
        }

        /**
         * @param role the logical thread.
         * @return {@code key:tag} of the head, or null.
         */
        public Object poll(final int role)
        {
            final Rec rec = queue.poll();
            if (rec == null)
            {
                return null;
            }
            held.get(role).addLast(rec);
            return show(rec);
        }

        /**
         * @param key  the new key.
         * @param role the logical thread.
         * @return true, or {@code "none"}.
         */
        public Object reschedule(final int key, final int role)
        {
            final Rec rec = held.get(role).pollFirst();
            if (rec == null)
            {
                return NONE;
            }
            queue.add(new Rec(key, nextSeq++, rec.tag()));
            return Boolean.TRUE;
        }

        /**
         * @param role the logical thread.
         * @return true, or {@code "none"}.
         */
        public Object complete(final int role)
        {
            return held.get(role).pollFirst() == null ? NONE : Boolean.TRUE;
        }

        /**
         * @param role the logical thread.
         * @return queued records.
         */
        public long size(final int role)
        {
            return queue.size();
        }

        /**
         * @return the state as it can be observed: queued records in poll order and each thread's leases, as
         *     {@code key:tag} (absolute insertion sequences do not matter, only their order).
         */
        private List<List<String>> observable()
        {
            final List<Rec> ordered = new ArrayList<>(queue);
            ordered.sort(queue.comparator());
            final List<List<String>> view = new ArrayList<>();
            view.add(ordered.stream().map(PriorityFifo::show).toList());
            for (final ArrayDeque<Rec> h : held)
            {
                view.add(h.stream().map(PriorityFifo::show).toList());
            }
            return view;
        }

        private static String show(final Rec rec)
        {
            return rec.key() + ":" + rec.tag();
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof PriorityFifo other && observable().equals(other.observable());
        }

        @Override
        public int hashCode()
        {
            return observable().hashCode();
        }
    }
}
