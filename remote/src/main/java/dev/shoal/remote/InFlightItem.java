package dev.shoal.remote;

/**
 * One item the coordinator took from its service (a pool's job frame, a heap's record), while it travels: the
 * bytes sent, what the service needs to settle it, and the delivery it is on. Leased to at most one host at a time
 * ({@link #host}); in the hub's waiting queue when none.
 */
final class InFlightItem
{
    final byte[] bytes;
    /** The service's handle on the item (a pool frame's job ids, a heap lease). */
    final Object context;
    /** Deliveries so far, the current one included. */
    int attempt;
    /** The host holding it, or {@code null} while it waits for one. */
    HostLink host;
    long seq;

    InFlightItem(final byte[] bytes, final Object context, final int attempt)
    {
        this.bytes = bytes;
        this.context = context;
        this.attempt = attempt;
    }
}
