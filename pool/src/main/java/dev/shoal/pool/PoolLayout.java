package dev.shoal.pool;

import dev.shoal.core.JobRing;
import dev.shoal.core.RegionSpec;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * What a pool's region holds: the job ring, one result buffer per writing process (an Agrona
 * {@code ManyToOneRingBuffer} in a bytes structure each: one per local worker, whose threads share it, and one for
 * the parent's remote gateway) and a padded control array.
 *
 * <p>Why one buffer per worker and not one for all: a worker killed between claiming a record and committing it
 * leaves the record half-written, and the reader stops there. In a buffer of its own, the reader knows whose it is
 * without guessing: once the OS says the process has exited, nothing can write there again, so the collector reads
 * what it committed and empties the rest ({@link ResultBufferSalvage}) before a new worker takes the buffer over.
 * In a buffer shared by all, the same record could only be judged stale by time.
 */
final class PoolLayout
{
    static final String JOBS = "jobs";
    /** Prefix of the result buffers' names: {@code results.0} .. {@code results.<workers - 1>} for the local
     * workers, {@code results.<workers>} for the remote gateway. */
    static final String RESULTS = "results.";
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

    /**
     * @param writer a local worker's id, or the number of local workers for the gateway's buffer.
     * @return the name of that writer's result buffer.
     */
    static String results(final int writer)
    {
        return RESULTS + writer;
    }

    static RegionSpec spec(final int ringCapacity, final int slotBytes, final int resultBufferBytes,
        final int workers, final int participants)
    {
        final RegionSpec.Builder b = RegionSpec.builder().add(JobRing.spec(JOBS, ringCapacity, slotBytes));
        for (int writer = 0; writer <= workers; writer++)
        {
            b.bytes(results(writer), resultBufferBytes + RingBufferDescriptor.TRAILER_LENGTH);
        }
        try
        {
            return b.paddedLongArray(CONTROL, CONTROL_LENGTH).participants(participants).build();
        }
        catch (final IllegalArgumentException ex)
        {
            // "region too large" named neither setting that makes it so.
            throw new IllegalArgumentException("the pool's region does not fit: a job ring of " + ringCapacity +
                " slots x maxJobBytes=" + slotBytes + " and " + (workers + 1) + " result buffers (workers=" +
                workers + " + 1) x resultBufferBytes=" + resultBufferBytes + ": " + ex.getMessage(), ex);
        }
    }
}
