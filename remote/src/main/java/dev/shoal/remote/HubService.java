package dev.shoal.remote;

import org.agrona.DirectBuffer;

/**
 * What a {@link RemoteHub} leases to its hosts and how it settles them: a pool's job frames
 * ({@link PoolHubService}) or a heap's records ({@link HeapHubService}). Called on the hub's thread only.
 */
interface HubService
{
    /**
     * Receives the items a service hands out.
     */
    @FunctionalInterface
    interface ItemSink
    {
        /**
         * @param attempt deliveries so far, this one included.
         * @param bytes   what is sent (owned by the hub from now on).
         * @param context the service's handle, given back with the answer or the loss.
         */
        void item(int attempt, byte[] bytes, Object context);
    }

    /**
     * @return {@link WireDescriptor#SERVICE_POOL} or {@link WireDescriptor#SERVICE_HEAP}: an agent of the other
     * kind is refused.
     */
    int kind();

    /**
     * @return the largest item, in bytes.
     */
    int maxItemBytes();

    /**
     * Hands out up to {@code limit} new items, without waiting.
     *
     * @param sink  receives them.
     * @param limit most items.
     * @return items handed out.
     */
    int take(ItemSink sink, int limit);

    /**
     * Settles an item with its host's answer.
     *
     * @param item     the item.
     * @param hostId   the host that answered.
     * @param hostName for messages.
     * @param count    the count the answer states (a pool's job count).
     * @param buffer   holds the answer.
     * @param offset   where it starts.
     * @param end      where it ends.
     */
    void answered(InFlightItem item, int hostId, String hostName, int count, DirectBuffer buffer, int offset, int end);

    /**
     * The item's host was given up before it answered. Its attempt is already raised for the next delivery.
     *
     * @param item   the item.
     * @param reason which host, and why it was given up.
     * @return true to have the hub send it to another host; false when the service settled it (took it back or
     * failed it).
     */
    boolean lost(InFlightItem item, String reason);

    /**
     * Items wait for a host and none is connected: the service may take one back (a pool, for its local workers).
     *
     * @param item the item.
     * @return true when taken back.
     */
    boolean handBack(InFlightItem item);

    /**
     * The hub is closing with the item still out: the service may take it back (a heap does; a pool's futures are
     * failed by the pool itself).
     *
     * @param item the item.
     */
    default void released(final InFlightItem item)
    {
    }

    /**
     * The hub's thread is ending: release what the service opened on it.
     */
    default void closed()
    {
    }

    /**
     * The hub's thread failed (a bug, not a host's failure), after {@link #released} and {@link #closed}: items
     * still out will not be answered.
     *
     * @param reason the error.
     */
    default void stopped(final String reason)
    {
    }

    /**
     * A host is gone: forget what was kept for it.
     *
     * @param hostId the host.
     */
    default void hostGone(final int hostId)
    {
    }
}
