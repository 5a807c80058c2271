package dev.shoal.examples.recipes;

// tag::recipe-1[]
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.SharedLongArray;
// end::recipe-1[]

import static dev.shoal.examples.recipes.YourCode.process;

// tag::recipe-1[]

public final class Offsets
{
    static final long CHUNK = 1 << 20;

    public static void main(String[] args)          // run it in as many JVMs as you like: args = fileLength, workerId
    {
        long fileLength = Long.parseLong(args[0]);
        int worker = Integer.parseInt(args[1]);
        RegionSpec spec = RegionSpec.builder()
            .longArray("offsets", 1)                 // [0] = next unclaimed byte
            .paddedLongArray("done", 64)             // one counter per worker, each on its own cache line
            .build();
        try (Region region = Region.openOrCreate("file-offsets", spec))
        {
            SharedLongArray offsets = region.longArray("offsets");
            SharedLongArray done = region.longArray("done");
            long start;
            while ((start = offsets.getAndAdd(0, CHUNK)) < fileLength)   // one atomic add claims a range
            {
                long end = Math.min(start + CHUNK, fileLength);
                process(start, end);
                done.getAndAdd(worker, end - start);
            }
        }
    }
}
// end::recipe-1[]
