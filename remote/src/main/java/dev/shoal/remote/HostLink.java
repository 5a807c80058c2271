package dev.shoal.remote;

import io.aeron.ExclusivePublication;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The coordinator's record of one connected agent: where to reach it, what it holds, when it was last heard.
 * Touched by the hub's thread only.
 */
final class HostLink
{
    final int hostId;
    final long incarnation;
    final String name;
    final String endpoint;
    /** The correlation id of the Aeron image its messages arrive on: when that image goes, so does the host. */
    final long imageId;
    final ExclusivePublication publication;
    /** Items sent to this host and not answered, by seq. */
    final Long2ObjectHashMap<InFlightItem> inFlight = new Long2ObjectHashMap<>();
    long lastHeardNanos;
    long lastSentNanos;
    boolean welcomed;
    /**
     * Heard from after its WELCOME: it took the session (an agent that refuses it says goodbye instead). Only an
     * accepted host counts as joined.
     */
    boolean accepted;
    /** What its HELLO said it runs, for the line that says it joined. */
    final String capacity;
    final long joinedNanos;

    HostLink(final int hostId, final long incarnation, final String name, final String endpoint, final long imageId,
        final ExclusivePublication publication, final long nowNanos, final String capacity)
    {
        this.capacity = capacity;
        this.hostId = hostId;
        this.incarnation = incarnation;
        this.name = name;
        this.endpoint = endpoint;
        this.imageId = imageId;
        this.publication = publication;
        this.lastHeardNanos = nowNanos;
        this.joinedNanos = nowNanos;
    }

    @Override
    public String toString()
    {
        return "host " + hostId + " (" + name + " at " + endpoint + ")";
    }
}
