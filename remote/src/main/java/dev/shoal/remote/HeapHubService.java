package dev.shoal.remote;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.shoal.core.Region;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleLease;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.remote.WireDescriptor.*;

/**
 * A heap's side of the hub: its items are the heap's due records, each leased through the server's own heap
 * handle (opened and closed on the hub's thread) while a host holds it; an answer reschedules or completes the
 * record; a host given up returns its records to the heap at their keys (due again at once, for anyone, local or
 * remote).
 */
final class HeapHubService implements HubService
{
    private final Region region;
    private final String heapName;
    private final int payloadBytes;
    /** The server's own handle, opened on the hub's thread at first use (a handle belongs to one thread). */
    private ScheduleHeap heap;
    private final LongSupplier clock;
    private final Consumer<String> log;
    /** Written by the hub's thread, read by {@link HeapServer#returned()}. */
    private volatile long returned;
    private long stale;

    HeapHubService(final Region region, final String heapName, final LongSupplier clock, final Consumer<String> log)
    {
        this.region = region;
        this.heapName = heapName;
        this.payloadBytes = ScheduleHeap.stats(region, heapName).payloadBytes();
        this.clock = clock;
        this.log = log;
    }

    @Override
    public int kind()
    {
        return SERVICE_HEAP;
    }

    @Override
    public int maxItemBytes()
    {
        return RECORD_PAYLOAD_OFFSET + payloadBytes;
    }

    @Override
    public int take(final ItemSink sink, final int limit)
    {
        if (heap == null)
        {
            heap = ScheduleHeap.open(region, heapName);
        }
        final long now = clock.getAsLong();
        int taken = 0;
        ScheduleLease lease;
        while (taken < limit && (lease = heap.pollDue(now)) != null)
        {
            final DirectBuffer payload = lease.payload();
            final byte[] bytes = new byte[RECORD_PAYLOAD_OFFSET + payload.capacity()];
            final UnsafeBuffer b = new UnsafeBuffer(bytes);
            b.putLong(RECORD_KEY_OFFSET, lease.key(), ORDER);
            b.putInt(RECORD_DELIVERIES_OFFSET, lease.deliveries(), ORDER);
            b.putBytes(RECORD_PAYLOAD_OFFSET, payload, 0, payload.capacity());
            sink.item(lease.deliveries(), bytes, lease);
            taken++;
        }
        return taken;
    }

    @Override
    public void answered(final InFlightItem item, final int hostId, final String hostName, final int count,
        final DirectBuffer buffer, final int offset, final int end)
    {
        final ScheduleLease lease = (ScheduleLease)item.context;
        if (end - offset < RECORD_ANSWER_LENGTH)
        {
            log.accept("[remote] " + hostName + " sent a malformed answer for record " + lease.id() +
                "; returned to the heap");
            giveBack(lease, false);
            return;
        }
        final int action = buffer.getInt(offset + RECORD_ACTION_OFFSET, ORDER);
        try
        {
            if (action == ACTION_COMPLETE)
            {
                heap.complete(lease);
            }
            else
            {
                heap.reschedule(lease, buffer.getLong(offset + RECORD_NEW_KEY_OFFSET, ORDER));
            }
        }
        catch (final IllegalStateException ex)
        {
            stale++; // cancelled or replaced while out (replaceAll): the heap already let it go
        }
    }

    @Override
    public boolean lost(final InFlightItem item, final String reason)
    {
        giveBack((ScheduleLease)item.context, true);
        return false;
    }

    private void giveBack(final ScheduleLease lease, final boolean fromLostHost)
    {
        try
        {
            heap.giveBack(lease); // unprocessed: its delivery count goes on, so the next consumer sees more than 1
            if (fromLostHost)
            {
                returned++; // one writer: the hub's thread
            }
        }
        catch (final IllegalStateException ex)
        {
            stale++;
        }
    }

    @Override
    public void released(final InFlightItem item)
    {
        giveBack((ScheduleLease)item.context, false);
    }

    @Override
    public boolean handBack(final InFlightItem item)
    {
        return false; // never waiting: a lost record goes back to the heap itself
    }

    long returned()
    {
        return returned;
    }

    @Override
    public void closed()
    {
        if (heap != null)
        {
            heap.close();
        }
    }
}
