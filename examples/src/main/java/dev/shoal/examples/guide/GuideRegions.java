package dev.shoal.examples.guide;

import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.SharedLongArray;

/**
 * The example of the docs tagged {@code regions}.
 */
public final class GuideRegions
{
    private GuideRegions()
    {
    }

    static void run() throws Exception
    {
        // tag::regions[]
        RegionSpec spec = RegionSpec.builder()
            .longArray("offsets", 64)              // 64 longs, 8 bytes apart
            .paddedLongArray("counters", 8)        // 8 longs, each on its own 128-byte line
            .jobRing("jobs", 1024, 256)            // 1024 slots, jobs up to 256 bytes
            .scheduleHeap("timers", 100_000, 64)   // up to 100 000 records, payloads up to 64 bytes
            .participants(128)                     // attached handles at once (default 128)
            .build();

        try (Region region = Region.openOrCreate("jobs", spec))
        {
            SharedLongArray offsets = region.longArray("offsets");
            JobRing ring = JobRing.open(region, "jobs");
            // ...
        }
        // end::regions[]
    }
}
