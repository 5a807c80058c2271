package dev.shoal.cli.crossprocess;

import dev.shoal.core.Region;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleLease;
import dev.shoal.cli.demo.SchedulerRecords;
import dev.shoal.cli.demo.SchedulerWorker;

/**
 * A child JVM for the cross-process heap tests: polls and reschedules {@code OPS} records, checking each
 * payload. Arguments: {@code REGION HEAP OPS}. Exit 0 when done, 2 on a bad payload. Run with
 * {@code -Dshoal.test.crashpoints=true -Dshoal.demo.haltAtSift=N} it halts (status 77) at its N-th sift step,
 * holding the lock (see {@link SchedulerWorker#HALT_AT_SIFT}).
 */
public final class HeapChild
{
    private HeapChild()
    {
    }

    /**
     * @param args region path, heap name, operation count.
     */
    public static void main(final String[] args)
    {
        SchedulerWorker.armChaos();
        final long ops = Long.parseLong(args[2]);
        int status = 0;
        try (Region region = Region.open(args[0]);
            ScheduleHeap heap = ScheduleHeap.open(region, args[1]))
        {
            for (long done = 0; done < ops; )
            {
                final ScheduleLease lease = heap.poll();
                if (lease == null)
                {
                    continue; // every record leased by the other children at this instant
                }
                if (SchedulerRecords.number(lease.payload()) < 0)
                {
                    System.err.println("bad payload in lease " + lease);
                    status = 2;
                    break;
                }
                heap.reschedule(lease, lease.key() + 1 + (lease.id() & 7));
                done++;
            }
        }
        System.exit(status);
    }
}
