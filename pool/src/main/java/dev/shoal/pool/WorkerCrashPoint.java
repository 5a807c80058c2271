package dev.shoal.pool;

import dev.shoal.core.CrashPoint;

/**
 * The crash points of a worker's hand-back of a redelivered frame ({@code WorkerMain}: a thread that finds a
 * suspect while another runs alone offers a copy to the ring, then releases its own lease). The offer's and the
 * release's own writes are the ring's points ({@code RingCrashPoint}); these two mark where the hand-back starts
 * and where its offer is done, so a test can halt a worker at every point of the sequence in turn.
 */
enum WorkerCrashPoint implements CrashPoint
{
    /** Before the offer of the copy: a death here redelivers the lease (charged), no copy exists. */
    HAND_BACK_OFFER,
    /** Copy published, before the lease's release: a death here leaves both, and the job runs twice. */
    HAND_BACK_RELEASE;

    @Override
    public String protocol()
    {
        return "pool-hand-back";
    }
}
