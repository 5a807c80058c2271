package dev.shoal.examples.guide;

import dev.shoal.core.Region;
import dev.shoal.core.SharedLongArray;

/**
 * The example of the docs tagged {@code array}.
 */
public final class GuideArray
{
    static final long CHUNK = 1 << 20;

    private GuideArray()
    {
    }

    static void run(final Region region, final long latency) throws Exception
    {
        // tag::array[]
        SharedLongArray a = region.longArray("offsets");
        long start = a.getAndAdd(0, CHUNK);     // atomic: each caller gets a different start
        a.set(1, 42);                           // release store
        long v = a.get(1);                      // volatile load
        a.compareAndSet(2, 0, 7);               // true if [2] was 0
        a.accumulateMax(3, latency);            // raise [3] to latency if it is lower
        long[] copy = a.snapshot();             // each element read atomically, not the array as a whole
        // end::array[]
    }
}
