package dev.shoal.remote;

/**
 * One job frame the coordinator took from its pool, while it travels: a copy of its bytes, which jobs it holds,
 * and the delivery it is on. Leased to at most one host at a time ({@link #host}); in the hub's retry queue when
 * none.
 */
final class InFlightFrame
{
    final byte[] frame;
    final long firstJobId;
    final int jobCount;
    /** Deliveries so far, the current one included. */
    int attempt;
    /** The host holding it, or {@code null} while it waits for one. */
    HostLink host;
    long seq;

    InFlightFrame(final byte[] frame, final long firstJobId, final int jobCount, final int attempt)
    {
        this.frame = frame;
        this.firstJobId = firstJobId;
        this.jobCount = jobCount;
        this.attempt = attempt;
    }
}
