package dev.shoal.pool;

import dev.shoal.core.JobRing;
import dev.shoal.core.RegionSpec;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * What a pool's region holds: the job ring, the result buffer (an Agrona {@code ManyToOneRingBuffer} in a bytes
 * structure) and a padded control array.
 */
final class PoolLayout
{
    static final String JOBS = "jobs";
    static final String RESULTS = "results";
    static final String CONTROL = "control";

    /** Control element: the pool's state, see the {@code STATE_*} values. */
    static final int STATE = 0;
    static final int CONTROL_LENGTH = 4;

    static final long STATE_RUNNING = 0;
    /** Workers finish what is in the ring, then exit. */
    static final long STATE_DRAIN = 1;
    /** Workers finish the job in hand, then exit. */
    static final long STATE_STOP = 2;

    private PoolLayout()
    {
    }

    static RegionSpec spec(final int ringCapacity, final int slotBytes, final int resultBufferBytes,
        final int participants)
    {
        return RegionSpec.builder()
            .add(JobRing.spec(JOBS, ringCapacity, slotBytes))
            .bytes(RESULTS, resultBufferBytes + RingBufferDescriptor.TRAILER_LENGTH)
            .paddedLongArray(CONTROL, CONTROL_LENGTH)
            .participants(participants)
            .build();
    }
}
