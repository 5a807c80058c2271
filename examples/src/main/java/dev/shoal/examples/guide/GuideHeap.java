package dev.shoal.examples.guide;

import java.time.Duration;

import dev.shoal.core.RegionSpec;
import dev.shoal.core.Region;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleLease;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.DirectBuffer;

/**
 * The example of the docs tagged {@code heap}.
 */
public final class GuideHeap
{
    private GuideHeap()
    {
    }

    static void process(final DirectBuffer payload)
    {
        // your code
    }

    static void run(final RegionSpec spec, final byte[] payload) throws Exception
    {
        // tag::heap[]
        try (Region region = Region.openOrCreate("crawl", spec);
             ScheduleHeap heap = ScheduleHeap.open(region, "timers"))   // one handle per thread
        {
            long id = heap.push(System.currentTimeMillis() + 5_000, payload);   // ScheduleHeap.FULL when full

            ScheduleLease lease = heap.take(Duration.ofSeconds(1), new BackoffIdleStrategy());  // null on timeout
            if (lease != null)
            {
                process(lease.payload());                                // a view in the region, no copy
                heap.reschedule(lease, System.currentTimeMillis() + 60_000);   // or heap.complete(lease)
            }
        }
        // end::heap[]
    }
}
