package dev.shoal.remote;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.shoal.pool.spi.RemoteWorkers;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.remote.WireDescriptor.*;

/**
 * The coordinator's remote side: one thread that accepts agents, leases its service's items (a pool's job frames,
 * a heap's records) to them within each host's credit window, hands their answers to the service, and gives a host
 * up when it says goodbye, its image goes away or it stays silent past the host timeout. A given-up host's items
 * go back to the service, which sends them to another host (or takes them back) with their delivery count raised.
 *
 * <p>Everything here is touched by the hub's thread only, except the counters read by {@link #hosts()} and the
 * others (volatile or atomic) and the queue of lost images that Aeron's conductor thread fills.
 */
final class RemoteHub implements RemoteWorkers, Runnable
{
    /** System property for tests: the hub's thread throws this many milliseconds after it starts. */
    static final String TEST_FAULT_PROPERTY = "shoal.remote.test.hubFailsAfterMs";

    /** How long a closing hub waits for its hosts to answer its goodbye. */
    static final long GOODBYE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final HubService service;
    private final HubSettings settings;
    private final Consumer<String> log;
    private final EmbeddedAeron aeron;
    private final Subscription subscription;
    private final Endpoint endpoint;
    private final long timeoutNanos;
    private final long heartbeatNanos;
    private final int window;
    private final Int2ObjectHashMap<HostLink> hosts = new Int2ObjectHashMap<>();
    private final ArrayDeque<InFlightItem> waiting = new ArrayDeque<>();
    /** Images gone, by correlation id (unique per image: a reconnected agent's new image has a new one). */
    private final ConcurrentLinkedQueue<Long> lostImages = new ConcurrentLinkedQueue<>();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onMessage);
    /** The JOBS message being built. */
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[EmbeddedAeron.MAX_MESSAGE]);
    /** WELCOME, heartbeats and goodbyes (never built while a JOBS message is). */
    private final UnsafeBuffer control = new UnsafeBuffer(new byte[WELCOME_LENGTH]);
    /** The hosts as an array, replaced (never changed) when one joins or is given up: loops survive a give-up. */
    private HostLink[] hostArray = new HostLink[0];
    private final List<InFlightItem> batch = new ArrayList<>();
    private final HubService.ItemSink onItem = this::onItem;
    private final WireEntries.EntryHandler onAnswer = this::onAnswer;
    /** The host whose ANSWERS message is being read. */
    private HostLink answering;
    private final Thread thread;
    private final AtomicLong joined = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private volatile int hostCount;
    private volatile int inFlightCount;
    private volatile boolean running = true;
    /** Set on the hub's thread once it says goodbye: only the hosts' goodbyes count from then on. */
    private boolean closing;
    private long nextSeq = 1;
    private int nextHostId = 1;
    private long lateAnswers;
    private HostLink sendingTo;
    private int batchLength;
    private long nowNanos;
    /** Test hook: the hub's thread fails this many ms after it starts ({@value #TEST_FAULT_PROPERTY}); -1 never. */
    private final long testFaultAfterMillis;

    private RemoteHub(final HubService service, final HubSettings settings, final Endpoint endpoint,
        final EmbeddedAeron aeron)
    {
        this.service = service;
        this.settings = settings;
        this.endpoint = endpoint;
        this.aeron = aeron;
        this.log = settings.log();
        this.window = settings.window();
        this.timeoutNanos = settings.hostTimeout().toNanos();
        this.heartbeatNanos = Math.min(timeoutNanos / 6, TimeUnit.MILLISECONDS.toNanos(500));
        this.subscription = aeron.aeron().addSubscription(endpoint.channel(), TO_COORDINATOR_STREAM, null,
            image -> lostImages.add(image.correlationId()));
        this.thread = new Thread(this, "shoal-remote-hub");
        this.thread.setDaemon(true);
        this.testFaultAfterMillis = Long.getLong(TEST_FAULT_PROPERTY, -1);
    }

    /**
     * @param service  what the hub leases.
     * @param settings where it listens, the window, the host timeout.
     * @return the running hub.
     * @throws IllegalArgumentException when the endpoint is malformed or cannot be bound.
     */
    static RemoteHub start(final HubService service, final HubSettings settings)
    {
        final Endpoint endpoint = Endpoint.parse(settings.endpoint(), "listen endpoint", false);
        if (service.maxItemBytes() + ITEMS_OFFSET + ITEM_HEADER_LENGTH > EmbeddedAeron.MAX_MESSAGE)
        {
            throw new IllegalArgumentException("items of " + service.maxItemBytes() + " bytes are too large for " +
                "remote hosts: one must fit in one network message of " + EmbeddedAeron.MAX_MESSAGE + " bytes");
        }
        final EmbeddedAeron aeron = EmbeddedAeron.start(settings.hostTimeout().toNanos());
        final RemoteHub hub;
        try
        {
            hub = new RemoteHub(service, settings, endpoint, aeron);
        }
        catch (final AeronException ex)
        {
            aeron.close();
            throw new IllegalArgumentException("cannot listen on " + endpoint + ": " + ex.getMessage(), ex);
        }
        hub.thread.start();
        settings.log().accept("[remote] listening on " + endpoint + " for agents (window " + hub.window +
            ", host timeout " + settings.hostTimeout().toMillis() + " ms)");
        return hub;
    }

    @Override
    public void run()
    {
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 200_000);
        Throwable failure = null;
        final long faultAt = testFaultAfterMillis < 0 ? 0 :
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(testFaultAfterMillis) | 1; // never 0
        try
        {
            while (running)
            {
                nowNanos = System.nanoTime();
                if (faultAt != 0 && nowNanos - faultAt >= 0)
                {
                    throw new IllegalStateException("test fault (" + TEST_FAULT_PROPERTY + ")");
                }
                int work = subscription.poll(assembler, 64);
                work += checkHosts();
                work += dispatch();
                work += handBackWaiting();
                heartbeats();
                idle.idle(work);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            failure = ex;
            log.accept("[remote] the hub stopped on an error: " + ex);
            throw ex;
        }
        finally
        {
            try
            {
                releaseAll();
                service.closed();
            }
            catch (final RuntimeException ex)
            {
                log.accept("[remote] could not hand back what the hosts held: " + ex); // the network still closes
            }
            if (failure != null)
            {
                try
                {
                    service.stopped(failure.toString()); // told even when the hand-back above failed
                }
                catch (final RuntimeException ex)
                {
                    log.accept("[remote] could not tell the service the hub stopped: " + ex);
                }
            }
            sayGoodbye(idle);
            for (final HostLink host : hostArray)
            {
                CloseHelper.quietClose(host.publication);
            }
            hosts.clear();
            hostCount = 0;
            CloseHelper.quietClose(subscription);
            aeron.close();
        }
    }

    /**
     * Hands every item still out back to the service: the hub will not hear their answers.
     */
    private void releaseAll()
    {
        for (final HostLink host : hostArray)
        {
            for (final InFlightItem item : host.inFlight.values())
            {
                service.released(item);
            }
            host.inFlight.clear();
        }
        for (final InFlightItem item : waiting)
        {
            service.released(item);
        }
        waiting.clear();
        inFlightCount = 0;
    }

    /**
     * Tells every host the pool is going and waits (at most {@link #GOODBYE_NANOS}) for each to answer with its own
     * goodbye: the driver is closed right after, and a goodbye still in its buffers would be lost with it, leaving
     * the agent to find out by its timeout. Results arriving meanwhile are dropped: the pool is closing.
     */
    private void sayGoodbye(final IdleStrategy idle)
    {
        closing = true;
        final long deadline = System.nanoTime() + GOODBYE_NANOS;
        final boolean[] told = new boolean[hostArray.length];
        while (!hosts.isEmpty() && System.nanoTime() - deadline < 0)
        {
            nowNanos = System.nanoTime();
            int work = 0;
            for (int i = 0; i < hostArray.length; i++)
            {
                if (!told[i] && hosts.get(hostArray[i].hostId) == hostArray[i])
                {
                    told[i] = sendEmpty(hostArray[i], COORDINATOR_BYE);
                    work++;
                }
            }
            work += subscription.poll(assembler, 64);
            idle.idle(work);
        }
    }

    @Override
    public int hosts()
    {
        return hostCount;
    }

    @Override
    public long hostsJoined()
    {
        return joined.get();
    }

    @Override
    public long redelivered()
    {
        return redelivered.get();
    }

    @Override
    public int inFlight()
    {
        return inFlightCount;
    }

    @Override
    public boolean stopped()
    {
        return !thread.isAlive();
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < HEADER_LENGTH)
        {
            return;
        }
        final int type = buffer.getInt(offset + TYPE_OFFSET, ORDER);
        final int hostId = buffer.getInt(offset + HOST_OFFSET, ORDER);
        if (type == HELLO)
        {
            onHello(buffer, offset, length, ((Image)header.context()).correlationId());
            return;
        }
        final HostLink named = hosts.get(hostId);
        // A host's messages come on the image its HELLO came on. Another image naming the same host id is an agent
        // that served a coordinator before this one on the same endpoint and has not noticed yet: host ids and
        // seqs count from 1 in every coordinator, so its answers would pass for this host's.
        final HostLink host = named != null && ((Image)header.context()).correlationId() == named.imageId ?
            named : null;
        if (closing && host != null && type == AGENT_BYE)
        {
            hosts.remove(hostId); // it heard ours
            return;
        }
        if (host == null || closing)
        {
            if (type == ANSWERS)
            {
                lateAnswers++; // from a host given up: its items went elsewhere
            }
            return;
        }
        host.lastHeardNanos = nowNanos;
        if (!host.accepted && host.welcomed && type != AGENT_BYE)
        {
            accept(host);
        }
        switch (type)
        {
            case ANSWERS -> onAnswers(host, buffer, offset, length);
            case AGENT_BYE -> giveUp(host, byeReason(buffer, offset, length));
            default ->
            {
                // a heartbeat: being heard is all it says
            }
        }
    }

    private static String byeReason(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= BYE_REASON_OFFSET)
        {
            return "it said goodbye";
        }
        try
        {
            return "it left: " + WireStrings.read(buffer, offset + BYE_REASON_OFFSET, offset + length);
        }
        catch (final IllegalArgumentException ex)
        {
            return "it said goodbye (with a malformed reason: " + ex.getMessage() + ")";
        }
    }

    private void onHello(final DirectBuffer buffer, final int offset, final int length, final long imageId)
    {
        final long incarnation = buffer.getLong(offset + HELLO_INCARNATION_OFFSET, ORDER);
        for (final HostLink h : hosts.values())
        {
            if (h.incarnation == incarnation)
            {
                h.lastHeardNanos = nowNanos;
                if (h.welcomed)
                {
                    sendWelcome(h); // its copy was lost: say it again
                }
                return;
            }
        }
        final int kind = buffer.getInt(offset + HELLO_SERVICE_OFFSET, ORDER);
        final int workers = buffer.getInt(offset + HELLO_WORKERS_OFFSET, ORDER);
        final int threads = buffer.getInt(offset + HELLO_THREADS_OFFSET, ORDER);
        final String reply;
        final String name;
        final Endpoint replyTo;
        try
        {
            int at = offset + HELLO_ENDPOINT_OFFSET;
            reply = WireStrings.read(buffer, at, offset + length);
            at += WireStrings.wireLength(reply);
            name = WireStrings.read(buffer, at, offset + length);
            replyTo = Endpoint.parse(reply, "agent reply endpoint", false);
        }
        catch (final RuntimeException ex)
        {
            log.accept("[remote] ignored a malformed HELLO: " + ex.getMessage());
            return;
        }
        final ExclusivePublication publication;
        try
        {
            publication = aeron.aeron().addExclusivePublication(replyTo.channel(), TO_AGENT_STREAM);
        }
        catch (final AeronException ex)
        {
            log.accept("[remote] cannot answer agent " + name + " at " + replyTo + ": " + ex.getMessage());
            return;
        }
        if (kind != service.kind())
        {
            refuse(publication, incarnation, "this endpoint serves " + serviceName(service.kind()) + ", not " +
                serviceName(kind));
            log.accept("[remote] refused agent " + name + ": it serves " + serviceName(kind));
            return;
        }
        final HostLink host = new HostLink(nextHostId++, incarnation, name, replyTo.toString(), imageId,
            publication, nowNanos, workers + " worker(s) x " + threads + " thread(s)");
        hosts.put(host.hostId, host);
        hostsChanged(); // taken in to be welcomed; it counts as joined once it is heard from after that (accept)
    }

    /**
     * A welcomed host was heard from: it took the session. Until then it is not counted in {@link #hosts()} nor
     * {@link #hostsJoined()}, so that an agent that refuses the WELCOME (its item limit too small) never satisfies
     * a wait for hosts, not even for a moment.
     */
    private void accept(final HostLink host)
    {
        host.accepted = true;
        hostsChanged();
        joined.incrementAndGet();
        log.accept("[remote] " + host + " joined with " + host.capacity);
    }

    private static String serviceName(final int kind)
    {
        return kind == SERVICE_POOL ? "a pool" : kind == SERVICE_HEAP ? "a heap" : "service " + kind;
    }

    /**
     * Tells an agent why it is not taken, trying for a moment (the publication may not be connected yet), then
     * lets the publication go.
     */
    private void refuse(final ExclusivePublication publication, final long incarnation, final String reason)
    {
        final byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[REFUSE_REASON_OFFSET + Integer.BYTES + text.length]);
        b.putInt(TYPE_OFFSET, REFUSE, ORDER);
        b.putInt(HOST_OFFSET, 0, ORDER);
        b.putLong(REFUSE_INCARNATION_OFFSET, incarnation, ORDER);
        b.putInt(REFUSE_REASON_OFFSET, text.length, ORDER);
        b.putBytes(REFUSE_REASON_OFFSET + Integer.BYTES, text);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (publication.offer(b, 0, b.capacity()) < 0 && System.nanoTime() - deadline < 0)
        {
            Thread.onSpinWait();
        }
        CloseHelper.quietClose(publication);
    }

    private void hostsChanged()
    {
        hostArray = hosts.values().toArray(new HostLink[0]);
        int accepted = 0;
        for (final HostLink h : hostArray)
        {
            accepted += h.accepted ? 1 : 0;
        }
        hostCount = accepted;
    }


    private void sendWelcome(final HostLink host)
    {
        control.putInt(TYPE_OFFSET, WELCOME, ORDER);
        control.putInt(HOST_OFFSET, host.hostId, ORDER);
        control.putLong(WELCOME_INCARNATION_OFFSET, host.incarnation, ORDER);
        control.putInt(WELCOME_WINDOW_OFFSET, window, ORDER);
        control.putInt(WELCOME_MAX_FRAME_OFFSET, service.maxItemBytes(), ORDER);
        control.putLong(WELCOME_TIMEOUT_OFFSET, TimeUnit.NANOSECONDS.toMillis(timeoutNanos), ORDER);
        control.putLong(WELCOME_HEARTBEAT_OFFSET, TimeUnit.NANOSECONDS.toMillis(heartbeatNanos), ORDER);
        if (host.publication.offer(control, 0, WELCOME_LENGTH) > 0)
        {
            host.welcomed = true;
            host.lastSentNanos = nowNanos;
        }
    }

    private void onAnswers(final HostLink host, final DirectBuffer buffer, final int offset, final int length)
    {
        answering = host;
        if (!WireEntries.read(buffer, offset, length, onAnswer))
        {
            log.accept("[remote] " + host + " sent a truncated answer message; what it holds is answered again or " +
                "sent elsewhere");
        }
        answering = null;
    }

    private void onAnswer(final long seq, final int jobCount, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final HostLink host = answering;
        final InFlightItem item = host.inFlight.remove(seq);
        if (item == null)
        {
            lateAnswers++;
            return;
        }
        inFlightCount--;
        service.answered(item, host.hostId, host.toString(), jobCount, buffer, offset, offset + length);
    }

    private int checkHosts()
    {
        int work = 0;
        Long lost;
        while ((lost = lostImages.poll()) != null)
        {
            for (final HostLink h : hostArray)
            {
                if (h.imageId == lost)
                {
                    giveUp(h, "its connection went away (Aeron image unavailable)");
                    work++;
                }
            }
        }
        for (final HostLink h : hostArray)
        {
            if (hosts.get(h.hostId) != h)
            {
                continue; // given up just above
            }
            if (!h.welcomed)
            {
                sendWelcome(h);
            }
            if (nowNanos - h.lastHeardNanos > timeoutNanos)
            {
                giveUp(h, "silent for " + TimeUnit.NANOSECONDS.toMillis(nowNanos - h.lastHeardNanos) + " ms");
                work++;
            }
        }
        return work;
    }

    private void giveUp(final HostLink host, final String reason)
    {
        if (hosts.remove(host.hostId) == null)
        {
            return;
        }
        service.hostGone(host.hostId);
        final int held = host.inFlight.size();
        for (final InFlightItem item : host.inFlight.values())
        {
            item.host = null;
            item.attempt++;
            if (service.lost(item, host + ", " + reason))
            {
                waiting.add(item);
                redelivered.incrementAndGet();
            }
            else
            {
                inFlightCount--;
            }
        }
        host.inFlight.clear();
        CloseHelper.quietClose(host.publication);
        log.accept("[remote] gave up " + host + ": " + reason + "; " + held + " item(s) it held go back");
        hostsChanged(); // last: whoever sees the host count drop sees its items handed back and the line logged
    }

    /**
     * Fills each host's free credit: items waiting for a host first, then new ones from the service, packed into
     * ITEMS messages of up to {@link WireDescriptor#BATCH_BYTES}.
     */
    private int dispatch()
    {
        int sent = 0;
        for (final HostLink host : hostArray)
        {
            if (!host.accepted || hosts.get(host.hostId) != host)
            {
                continue; // not welcomed or not yet heard from since (it may refuse), or given up in this loop
            }
            int credit = window - host.inFlight.size();
            if (credit <= 0)
            {
                continue;
            }
            sendingTo = host;
            while (credit > 0 && !waiting.isEmpty())
            {
                append(waiting.poll());
                credit--;
            }
            if (credit > 0)
            {
                credit -= service.take(onItem, credit);
            }
            sent += batch.size();
            sendItems();
            sendingTo = null;
        }
        return sent;
    }

    private void onItem(final int attempt, final byte[] bytes, final Object context)
    {
        inFlightCount++;
        append(new InFlightItem(bytes, context, attempt));
    }

    private void append(final InFlightItem f)
    {
        if (batchLength + ITEM_HEADER_LENGTH + f.bytes.length > BATCH_BYTES && !batch.isEmpty())
        {
            sendItems();
        }
        if (batch.isEmpty())
        {
            batchLength = ITEMS_OFFSET;
        }
        f.seq = nextSeq++;
        f.host = sendingTo;
        sendingTo.inFlight.put(f.seq, f);
        out.putLong(batchLength, f.seq, ORDER);
        out.putInt(batchLength + Long.BYTES, f.attempt, ORDER);
        out.putInt(batchLength + Long.BYTES + Integer.BYTES, f.bytes.length, ORDER);
        out.putBytes(batchLength + ITEM_HEADER_LENGTH, f.bytes);
        batchLength += ITEM_HEADER_LENGTH + f.bytes.length;
        batch.add(f);
    }

    /**
     * Offers the ITEMS message built so far. When the host cannot take it now (back pressure, not connected), its
     * items go back to the front of the waiting queue, their delivery count unchanged: they never left.
     */
    private void sendItems()
    {
        if (batch.isEmpty())
        {
            return;
        }
        final HostLink host = sendingTo;
        out.putInt(TYPE_OFFSET, ITEMS, ORDER);
        out.putInt(HOST_OFFSET, host.hostId, ORDER);
        out.putInt(COUNT_OFFSET, batch.size(), ORDER);
        final long result = host.publication.offer(out, 0, batchLength);
        if (result > 0)
        {
            host.lastSentNanos = nowNanos;
        }
        else
        {
            for (int i = batch.size() - 1; i >= 0; i--)
            {
                final InFlightItem f = batch.get(i);
                host.inFlight.remove(f.seq);
                f.host = null;
                waiting.addFirst(f);
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                giveUp(host, "its publication closed");
            }
        }
        batch.clear();
        batchLength = ITEMS_OFFSET;
    }

    /**
     * With no host connected, items waiting for one go back to the service if it takes them (a pool with local
     * workers does).
     */
    private int handBackWaiting()
    {
        if (waiting.isEmpty() || hostCount > 0)
        {
            return 0;
        }
        int moved = 0;
        while (!waiting.isEmpty() && service.handBack(waiting.peek()))
        {
            waiting.poll();
            inFlightCount--;
            moved++;
        }
        return moved;
    }

    private void heartbeats()
    {
        for (final HostLink host : hostArray)
        {
            if (host.welcomed && nowNanos - host.lastSentNanos > heartbeatNanos)
            {
                sendEmpty(host, COORDINATOR_HEARTBEAT);
            }
        }
    }

    private boolean sendEmpty(final HostLink host, final int type)
    {
        control.putInt(TYPE_OFFSET, type, ORDER);
        control.putInt(HOST_OFFSET, host.hostId, ORDER);
        if (host.publication.offer(control, 0, HEADER_LENGTH) > 0)
        {
            host.lastSentNanos = nowNanos;
            return true;
        }
        return false;
    }

    @Override
    public String toString()
    {
        return "remote hub on " + endpoint + " (" + hostCount + " host(s), " + lateAnswers + " late answer(s))";
    }
}
