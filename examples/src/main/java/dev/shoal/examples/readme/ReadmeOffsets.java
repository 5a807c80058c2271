package dev.shoal.examples.readme;

import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.SharedLongArray;

/**
 * The example of the docs tagged {@code readme-offsets}.
 */
public final class ReadmeOffsets
{
    static final long CHUNK = 1 << 20;

    private ReadmeOffsets()
    {
    }

    static void process(final long start, final long end)
    {
        // your code
    }

    static void run(final long fileLength) throws Exception
    {
        // tag::readme-offsets[]
        RegionSpec spec = RegionSpec.builder().longArray("offsets", 64).build();
        try (Region region = Region.openOrCreate("shared-offsets", spec)) { // /dev/shm/shoal/shared-offsets
            SharedLongArray offsets = region.longArray("offsets");
            long start;
            while ((start = offsets.getAndAdd(0, CHUNK)) < fileLength) {   // one atomic add claims a range
                process(start, Math.min(start + CHUNK, fileLength));
            }
        }
        // end::readme-offsets[]
    }
}
