package dev.shoal.cli.demo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.shoal.process.ParentWatch;
import dev.shoal.core.CrashPoints;
import dev.shoal.core.HeapCrashPoint;
import dev.shoal.core.Region;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleLease;
import dev.shoal.core.SharedLongArray;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * A worker JVM of the scheduler demo: takes due records, checks ("processes") them and reschedules them with
 * a new timestamp, until the coordinator raises the stop flag.
 *
 * <p>Arguments: {@code REGION HEAP CONTROL DELAY_MS}. The control array holds the stop flag at
 * {@link #STOP_INDEX} and a count of ready workers at {@link #READY_INDEX}. Exit status 0 when stopped,
 * 2 when a payload failed its check.
 */
public final class SchedulerWorker
{
    /** Control array index of the stop flag. */
    public static final int STOP_INDEX = 0;
    /** Control array index of the ready-worker count. */
    public static final int READY_INDEX = 1;
    /** Control array index of the count of payloads that failed their check. */
    public static final int BAD_PAYLOAD_INDEX = 2;
    /** Control array length. */
    public static final int CONTROL_LENGTH = 3;
    /**
     * Property of the chaos mode: halt at the N-th sift step (from 1), holding the heap's lock with its index
     * half-moved. Needs {@code -Dshoal.test.crashpoints=true}, which arms the crash points the halt is placed at.
     */
    public static final String HALT_AT_SIFT = "shoal.demo.haltAtSift";
    /** Exit status of a worker halted by {@link #HALT_AT_SIFT}. */
    public static final int HALT_STATUS = 77;

    private SchedulerWorker()
    {
    }

    /**
     * @param args region, heap name, control array name, reschedule delay in ms.
     */
    public static void main(final String[] args)
    {
        ParentWatch.haltWhenParentExits();
        armChaos();
        final String regionName = args[0];
        final String heapName = args[1];
        final String controlName = args[2];
        final long delayMs = Long.parseLong(args[3]);
        final int status;
        try (Region region = Region.open(regionName);
            ScheduleHeap heap = ScheduleHeap.open(region, heapName))
        {
            final SharedLongArray control = region.longArray(controlName);
            control.getAndAdd(READY_INDEX, 1);
            status = run(heap, control, delayMs);
        }
        System.exit(status);
    }

    private static int run(final ScheduleHeap heap, final SharedLongArray control, final long delayMs)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(1));
        final Duration wait = Duration.ofMillis(50);
        final ScheduleLease lease = heap.newLease(); // every take fills it: the loop allocates nothing
        while (control.get(STOP_INDEX) == 0)
        {
            if (!heap.take(wait, idle, lease))
            {
                continue;
            }
            if (SchedulerRecords.number(lease.payload()) < 0)
            {
                control.getAndAdd(BAD_PAYLOAD_INDEX, 1);
                heap.complete(lease);
                return 2;
            }
            heap.reschedule(lease, System.currentTimeMillis() + delayMs);
        }
        return 0;
    }

    /**
     * With {@link #HALT_AT_SIFT} set, halts this JVM at that sift step (the chaos mode of the demo and the tests).
     */
    public static void armChaos()
    {
        final long haltAt = Long.getLong(HALT_AT_SIFT, 0);
        if (haltAt > 0)
        {
            CrashPoints.haltAt(haltAt, HALT_STATUS, HeapCrashPoint.sifts());
        }
    }
}
