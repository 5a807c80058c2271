package dev.shoal.examples.heap;

import java.time.Duration;

import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleLease;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.DirectBuffer;

/**
 * The example of the docs tagged {@code usage}.
 */
public final class HeapUsage
{
    private HeapUsage()
    {
    }

    static void process(final DirectBuffer payload)
    {
        // your code
    }

    static void run() throws Exception
    {
        // tag::usage[]
        RegionSpec spec = RegionSpec.builder().add(ScheduleHeap.spec("timers", 300_000, 64)).build();
        try (Region region = Region.openOrCreate("timers", spec);
             ScheduleHeap heap = ScheduleHeap.open(region, "timers"))        // one handle per thread
        {
            ScheduleLease lease = heap.take(Duration.ofSeconds(1), new BackoffIdleStrategy());
            if (lease != null)
            {
                process(lease.payload());                                    // a view in the region, no copy
                heap.reschedule(lease, System.currentTimeMillis() + 60_000); // or heap.complete(lease)
            }
        }
        // end::usage[]
    }
}
