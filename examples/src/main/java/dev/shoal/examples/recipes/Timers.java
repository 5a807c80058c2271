package dev.shoal.examples.recipes;

// tag::recipe-5[]
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleLease;
import dev.shoal.core.ScheduleRecord;
import org.agrona.concurrent.BackoffIdleStrategy;
// end::recipe-5[]

import static dev.shoal.examples.recipes.YourCode.fetch;

// tag::recipe-5[]

public final class Timers
{
    static final RegionSpec SPEC = RegionSpec.builder().scheduleHeap("timers", 100_000, 64).build();

    /** The refresher: one process. */
    static void refresher(List<String> urls) throws InterruptedException
    {
        try (Region region = Region.openOrCreate("crawl", SPEC);
             ScheduleHeap heap = ScheduleHeap.open(region, "timers"))
        {
            while (true)
            {
                List<ScheduleRecord> records = new ArrayList<>();
                long now = System.currentTimeMillis();
                for (String url : urls)
                {
                    records.add(new ScheduleRecord(now, url.getBytes(StandardCharsets.UTF_8)));
                }
                if (heap.replaceAll(records) == null)
                {
                    System.err.println("refresh does not fit beside the leases in flight; retrying");
                }
                for (int i = 0; i < 600; i++)
                {
                    heap.recoverDeadLeases();      // records held by dead workers go back into the heap
                    Thread.sleep(100);
                }
            }
        }
    }

    /** A worker: N processes, one heap handle per thread. */
    static void worker()
    {
        try (Region region = Region.openOrCreate("crawl", SPEC);
             ScheduleHeap heap = ScheduleHeap.open(region, "timers"))
        {
            BackoffIdleStrategy idle = new BackoffIdleStrategy();
            ScheduleLease lease = heap.newLease();    // each take fills it: no garbage per record
            while (true)
            {
                if (!heap.take(Duration.ofSeconds(1), idle, lease))   // waits until the head is due
                {
                    continue;
                }
                String url = lease.payload().getStringWithoutLengthUtf8(0, lease.payload().capacity());
                boolean ok = fetch(url);
                long next = System.currentTimeMillis() + (ok ? 60_000 : 5_000);
                heap.reschedule(lease, next);      // false: cancelled or refreshed meanwhile; drop it
            }
        }
    }
}
// end::recipe-5[]
