package dev.shoal.remote;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.shoal.pool.spi.RemoteGateway;
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
 * The coordinator's remote side: one thread that accepts agents, leases the pool's job frames to them within each
 * host's credit window, writes their results into the pool, and gives a host up when it says goodbye, its image
 * goes away or it stays silent past the host timeout. A given-up host's frames go to another host (or back to the
 * local workers) with their delivery count raised; past {@code maxAttempts} their jobs fail.
 *
 * <p>Everything here is touched by the hub's thread only, except the counters read by {@link #hosts()} and the
 * others (volatile or atomic) and the queue of lost images that Aeron's conductor thread fills.
 */
final class RemoteHub implements RemoteWorkers, Runnable
{
    /** Remote results are reported under worker id {@code REMOTE_WORKER_BASE + host id}. */
    static final int REMOTE_WORKER_BASE = 10_000;
    /** How long a closing hub waits for its hosts to answer its goodbye. */
    static final long GOODBYE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RemoteGateway gateway;
    private final Consumer<String> log;
    private final EmbeddedAeron aeron;
    private final Subscription subscription;
    private final Endpoint endpoint;
    private final long timeoutNanos;
    private final long heartbeatNanos;
    private final int window;
    private final Int2ObjectHashMap<HostLink> hosts = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<RemoteGateway.ResultSink> sinks = new Int2ObjectHashMap<>();
    private final ArrayDeque<InFlightFrame> waiting = new ArrayDeque<>();
    /** Images gone, by correlation id (unique per image: a reconnected agent's new image has a new one). */
    private final ConcurrentLinkedQueue<Long> lostImages = new ConcurrentLinkedQueue<>();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onMessage);
    /** The JOBS message being built. */
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[EmbeddedAeron.MAX_MESSAGE]);
    /** WELCOME, heartbeats and goodbyes (never built while a JOBS message is). */
    private final UnsafeBuffer control = new UnsafeBuffer(new byte[WELCOME_LENGTH]);
    /** The hosts as an array, replaced (never changed) when one joins or is given up: loops survive a give-up. */
    private HostLink[] hostArray = new HostLink[0];
    private final List<InFlightFrame> batch = new ArrayList<>();
    private final RemoteGateway.FrameHandler onFrame = this::onFrame;
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
    private long lateResults;
    private HostLink sendingTo;
    private int batchLength;
    private long nowNanos;

    private RemoteHub(final RemoteGateway gateway, final Endpoint endpoint, final EmbeddedAeron aeron)
    {
        this.gateway = gateway;
        this.endpoint = endpoint;
        this.aeron = aeron;
        this.log = gateway.log();
        this.window = gateway.window();
        this.timeoutNanos = gateway.hostTimeout().toNanos();
        this.heartbeatNanos = Math.min(timeoutNanos / 6, TimeUnit.MILLISECONDS.toNanos(500));
        this.subscription = aeron.aeron().addSubscription(endpoint.channel(), TO_COORDINATOR_STREAM, null,
            image -> lostImages.add(image.correlationId()));
        this.thread = new Thread(this, "shoal-remote-hub");
        this.thread.setDaemon(true);
    }

    /**
     * @param gateway the pool's side.
     * @return the running hub.
     * @throws IllegalArgumentException when the endpoint is malformed or cannot be bound.
     */
    static RemoteHub start(final RemoteGateway gateway)
    {
        final Endpoint endpoint = Endpoint.parse(gateway.endpoint(), "listen endpoint", false);
        if (gateway.maxFrameBytes() + FRAMES_OFFSET + JOB_HEADER_LENGTH > EmbeddedAeron.MAX_MESSAGE)
        {
            throw new IllegalArgumentException("maxJobBytes=" + gateway.maxFrameBytes() + " is too large for remote " +
                "hosts: one job frame must fit in one network message of " + EmbeddedAeron.MAX_MESSAGE + " bytes");
        }
        final EmbeddedAeron aeron = EmbeddedAeron.start(gateway.hostTimeout().toNanos());
        final RemoteHub hub;
        try
        {
            hub = new RemoteHub(gateway, endpoint, aeron);
        }
        catch (final AeronException ex)
        {
            aeron.close();
            throw new IllegalArgumentException("cannot listen on " + endpoint + ": " + ex.getMessage(), ex);
        }
        hub.thread.start();
        gateway.log().accept("[remote] listening on " + endpoint + " for agents (window " + hub.window +
            " frames, host timeout " + gateway.hostTimeout().toMillis() + " ms)");
        return hub;
    }

    @Override
    public void run()
    {
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 200_000);
        try
        {
            while (running)
            {
                nowNanos = System.nanoTime();
                int work = subscription.poll(assembler, 64);
                work += checkHosts();
                work += dispatch();
                work += requeueWaiting();
                heartbeats();
                idle.idle(work);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            log.accept("[remote] the hub stopped on an error: " + ex);
            throw ex;
        }
        finally
        {
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
        final HostLink host = hosts.get(hostId);
        if (closing && host != null && type == AGENT_BYE)
        {
            hosts.remove(hostId); // it heard ours
            return;
        }
        if (host == null || closing)
        {
            if (type == RESULTS)
            {
                lateResults++; // from a host given up: its frames went elsewhere
            }
            return;
        }
        host.lastHeardNanos = nowNanos;
        switch (type)
        {
            case RESULTS -> onResults(host, buffer, offset, length);
            case AGENT_BYE -> giveUp(host, "it said goodbye");
            default ->
            {
                // a heartbeat: being heard is all it says
            }
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
        final int workers = buffer.getInt(offset + HELLO_WORKERS_OFFSET, ORDER);
        final int threads = buffer.getInt(offset + HELLO_THREADS_OFFSET, ORDER);
        final String reply;
        final String name;
        final Endpoint replyTo;
        try
        {
            int at = offset + HELLO_ENDPOINT_OFFSET;
            reply = string(buffer, at, offset + length);
            at += Integer.BYTES + reply.getBytes(StandardCharsets.UTF_8).length;
            name = string(buffer, at, offset + length);
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
        final HostLink host = new HostLink(nextHostId++, incarnation, name, replyTo.toString(), imageId,
            publication, nowNanos);
        hosts.put(host.hostId, host);
        sinks.put(host.hostId, gateway.resultSink(REMOTE_WORKER_BASE + host.hostId));
        hostsChanged();
        joined.incrementAndGet();
        log.accept("[remote] " + host + " joined with " + workers + " worker(s) x " + threads + " thread(s)");
    }

    private void hostsChanged()
    {
        hostArray = hosts.values().toArray(new HostLink[0]);
        hostCount = hostArray.length;
    }

    private static String string(final DirectBuffer buffer, final int at, final int end)
    {
        if (at + Integer.BYTES > end)
        {
            throw new IllegalArgumentException("string header past the message end");
        }
        final int n = buffer.getInt(at, ORDER);
        if (n < 0 || at + Integer.BYTES + n > end)
        {
            throw new IllegalArgumentException("string of " + n + " bytes past the message end");
        }
        final byte[] bytes = new byte[n];
        buffer.getBytes(at + Integer.BYTES, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void sendWelcome(final HostLink host)
    {
        control.putInt(TYPE_OFFSET, WELCOME, ORDER);
        control.putInt(HOST_OFFSET, host.hostId, ORDER);
        control.putLong(WELCOME_INCARNATION_OFFSET, host.incarnation, ORDER);
        control.putInt(WELCOME_WINDOW_OFFSET, window, ORDER);
        control.putInt(WELCOME_MAX_FRAME_OFFSET, gateway.maxFrameBytes(), ORDER);
        control.putLong(WELCOME_TIMEOUT_OFFSET, TimeUnit.NANOSECONDS.toMillis(timeoutNanos), ORDER);
        control.putLong(WELCOME_HEARTBEAT_OFFSET, TimeUnit.NANOSECONDS.toMillis(heartbeatNanos), ORDER);
        if (host.publication.offer(control, 0, WELCOME_LENGTH) > 0)
        {
            host.welcomed = true;
            host.lastSentNanos = nowNanos;
        }
    }

    private void onResults(final HostLink host, final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        final int count = buffer.getInt(offset + COUNT_OFFSET, ORDER);
        int at = offset + FRAMES_OFFSET;
        for (int i = 0; i < count && at + RESULT_HEADER_LENGTH <= end; i++)
        {
            final long seq = buffer.getLong(at, ORDER);
            final int jobCount = buffer.getInt(at + Long.BYTES, ORDER);
            final int itemsLength = buffer.getInt(at + Long.BYTES + Integer.BYTES, ORDER);
            at += RESULT_HEADER_LENGTH;
            if (itemsLength < 0 || at + itemsLength > end)
            {
                log.accept("[remote] " + host + " sent a truncated result message; its frames are sent again");
                return; // what it still holds is redelivered when it is given up, or answered again
            }
            final InFlightFrame f = host.inFlight.remove(seq);
            if (f == null)
            {
                lateResults++;
            }
            else
            {
                deliver(host, f, jobCount, buffer, at, at + itemsLength);
            }
            at += itemsLength;
        }
    }

    /**
     * Writes one frame's results into the pool. A malformed item fails the jobs from it on, naming the host: a
     * future never waits on a result that cannot be read.
     */
    private void deliver(final HostLink host, final InFlightFrame f, final int jobCount, final DirectBuffer buffer,
        final int from, final int end)
    {
        final RemoteGateway.ResultSink sink = sinks.get(host.hostId);
        sink.begin(f.firstJobId, f.attempt);
        int at = from;
        String problem = jobCount == f.jobCount ? null : host + " answered " + jobCount + " job(s) for a frame of " +
            f.jobCount;
        for (int i = 0; i < f.jobCount; i++)
        {
            if (problem == null)
            {
                try
                {
                    at = item(sink, buffer, at, end);
                    continue;
                }
                catch (final RuntimeException ex)
                {
                    problem = host + " sent a malformed result: " + ex.getMessage();
                }
            }
            sink.failed("job " + (f.firstJobId + i) + ": " + problem);
        }
        sink.flush();
        inFlightCount--;
    }

    private static int item(final RemoteGateway.ResultSink sink, final DirectBuffer buffer, final int at,
        final int end)
    {
        if (at + ITEM_HEADER_LENGTH > end)
        {
            throw new IllegalArgumentException("item header past the frame end");
        }
        final int status = buffer.getInt(at, ORDER);
        final int n = buffer.getInt(at + Integer.BYTES, ORDER);
        final int body = at + ITEM_HEADER_LENGTH;
        if (n < 0 || body + n > end)
        {
            throw new IllegalArgumentException("item of " + n + " bytes past the frame end");
        }
        switch (status)
        {
            case STATUS_OK ->
            {
                final byte[] bytes = new byte[n];
                buffer.getBytes(body, bytes);
                sink.ok(bytes);
            }
            case STATUS_THREW ->
            {
                final String cls = string(buffer, body, body + n);
                int p = body + Integer.BYTES + cls.getBytes(StandardCharsets.UTF_8).length;
                final String message = string(buffer, p, body + n);
                p += Integer.BYTES + message.getBytes(StandardCharsets.UTF_8).length;
                sink.threw(cls, message, string(buffer, p, body + n));
            }
            case STATUS_FAILED -> sink.failed(string(buffer, body, body + n));
            default -> throw new IllegalArgumentException("unknown status " + status);
        }
        return body + n;
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
        sinks.remove(host.hostId);
        hostsChanged();
        final int held = host.inFlight.size();
        for (final InFlightFrame f : host.inFlight.values())
        {
            f.host = null;
            f.attempt++;
            if (f.attempt > gateway.maxAttempts())
            {
                fail(f, "its remote host was lost on each of " + gateway.maxAttempts() + " attempts (last: " + host +
                    ", " + reason + ")");
            }
            else
            {
                waiting.add(f);
                redelivered.incrementAndGet();
            }
        }
        host.inFlight.clear();
        CloseHelper.quietClose(host.publication);
        log.accept("[remote] gave up " + host + ": " + reason + "; " + held + " frame(s) it held go elsewhere");
    }

    private void fail(final InFlightFrame f, final String reason)
    {
        final RemoteGateway.ResultSink sink = gateway.resultSink(REMOTE_WORKER_BASE);
        sink.begin(f.firstJobId, f.attempt);
        for (int i = 0; i < f.jobCount; i++)
        {
            sink.failed("job " + (f.firstJobId + i) + " failed: " + reason);
        }
        sink.flush();
        inFlightCount--;
    }

    /**
     * Fills each host's free credit: frames waiting for a host first, then new ones from the pool's ring, packed
     * into JOBS messages of up to {@link WireDescriptor#BATCH_BYTES}.
     */
    private int dispatch()
    {
        int sent = 0;
        for (final HostLink host : hostArray)
        {
            if (!host.welcomed || hosts.get(host.hostId) != host)
            {
                continue; // not welcomed yet, or given up earlier in this loop
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
                credit -= gateway.takeFrames(onFrame, credit);
            }
            sent += batch.size();
            sendJobs();
            sendingTo = null;
        }
        return sent;
    }

    private void onFrame(final long firstJobId, final int jobCount, final int attempt, final DirectBuffer buffer,
        final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        final InFlightFrame f = new InFlightFrame(copy, firstJobId, jobCount, attempt);
        inFlightCount++;
        if (attempt > gateway.maxAttempts())
        {
            fail(f, "it was delivered " + gateway.maxAttempts() + " times without an answer");
            return;
        }
        append(f);
    }

    private void append(final InFlightFrame f)
    {
        if (batchLength + JOB_HEADER_LENGTH + f.frame.length > BATCH_BYTES && !batch.isEmpty())
        {
            sendJobs();
        }
        if (batch.isEmpty())
        {
            batchLength = FRAMES_OFFSET;
        }
        f.seq = nextSeq++;
        f.host = sendingTo;
        sendingTo.inFlight.put(f.seq, f);
        out.putLong(batchLength, f.seq, ORDER);
        out.putInt(batchLength + Long.BYTES, f.attempt, ORDER);
        out.putInt(batchLength + Long.BYTES + Integer.BYTES, f.frame.length, ORDER);
        out.putBytes(batchLength + JOB_HEADER_LENGTH, f.frame);
        batchLength += JOB_HEADER_LENGTH + f.frame.length;
        batch.add(f);
    }

    /**
     * Offers the JOBS message built so far. When the host cannot take it now (back pressure, not connected), its
     * frames go back to the front of the waiting queue, their delivery count unchanged: they never left.
     */
    private void sendJobs()
    {
        if (batch.isEmpty())
        {
            return;
        }
        final HostLink host = sendingTo;
        out.putInt(TYPE_OFFSET, JOBS, ORDER);
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
                final InFlightFrame f = batch.get(i);
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
        batchLength = FRAMES_OFFSET;
    }

    /**
     * With no host connected, frames waiting for one go back to the local workers, if the pool has any.
     */
    private int requeueWaiting()
    {
        if (waiting.isEmpty() || !hosts.isEmpty() || !gateway.hasLocalWorkers())
        {
            return 0;
        }
        int moved = 0;
        while (!waiting.isEmpty())
        {
            final InFlightFrame f = waiting.peek();
            if (!gateway.requeue(new UnsafeBuffer(f.frame), 0, f.frame.length))
            {
                break;
            }
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
        return "remote hub on " + endpoint + " (" + hostCount + " host(s), " + lateResults + " late result(s))";
    }
}
