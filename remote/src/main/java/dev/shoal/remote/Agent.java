package dev.shoal.remote;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.remote.WireDescriptor.*;

/**
 * A worker host: serves a coordinator over Aeron until it closes. {@link #servePool} runs the coordinator pool's
 * job frames in a local pool of worker JVMs ({@code shoal agent --connect HOST:PORT}); {@link #serveHeap} pops,
 * processes and reschedules a coordinator heap's records on consumer threads
 * ({@code shoal agent --scheduler}). Local worker deaths are the local pool's business (its leases redeliver);
 * the coordinator only sees this host as one lease holder.
 *
 * <p>The agent says HELLO until the coordinator answers, then heartbeats. When the coordinator stays silent past
 * its host timeout (a cut link, a dead coordinator) the agent forgets the session (the coordinator has given its
 * items to others, and drops late answers) and says HELLO again, as a new host, until {@code connectTimeout}.
 * It ends when the coordinator says goodbye, or fails when the coordinator cannot be reached or refuses it.
 */
public final class Agent
{
    private static final long HELLO_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /**
     * How an agent reaches its coordinator.
     *
     * @param connect        the coordinator's {@code HOST:PORT}.
     * @param bind           the local address to receive on ({@code null}: the one that routes to the coordinator).
     * @param connectTimeout how long to try to reach the coordinator, at the start and after losing it.
     * @param status         one line per state change (connected, lost, done).
     */
    public record Config(String connect, String bind, Duration connectTimeout, Consumer<String> status)
    {
        /**
         * Checks the settings.
         */
        public Config
        {
            Objects.requireNonNull(connect, "connect");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(status, "status");
            if (connectTimeout.isNegative() || connectTimeout.isZero())
            {
                // It gave up at once: "no answer in 0 s".
                throw new IllegalArgumentException("connectTimeout must be more than zero: " + connectTimeout);
            }
        }
    }

    /**
     * The local pool of a pool agent.
     *
     * @param workers       local worker JVMs.
     * @param threads       consumer threads per worker.
     * @param registryClass the handler registry (the same names the coordinator submits).
     * @param maxJobBytes   the largest job frame the local pool takes (at least the coordinator's maxJobBytes).
     */
    public record PoolWorkers(int workers, int threads, String registryClass, int maxJobBytes)
    {
        /**
         * Checks the settings.
         */
        public PoolWorkers
        {
            Objects.requireNonNull(registryClass, "registryClass");
            if (workers < 1 || threads < 1)
            {
                throw new IllegalArgumentException("workers and threads must be >= 1: workers=" + workers +
                    " threads=" + threads);
            }
        }
    }

    private final Config config;
    private final AgentService service;
    private final Endpoint coordinator;
    private final ConcurrentLinkedQueue<AgentService.Answer> answers = new ConcurrentLinkedQueue<>();
    private final Consumer<AgentService.Answer> onAnswer = answers::add;
    private final WireEntries.EntryHandler onEntry = this::onEntry;
    private final UnsafeBuffer control = new UnsafeBuffer(new byte[1024]);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[EmbeddedAeron.MAX_MESSAGE]);
    private EmbeddedAeron aeron;
    private Subscription inbox;
    private ExclusivePublication toCoordinator;
    private String replyEndpoint;
    private int hostId;
    private long incarnation;
    private long timeoutNanos = TimeUnit.SECONDS.toNanos(3);
    private long heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(500);
    private long lastHeardNanos;
    private long lastSentNanos;
    private long lastHelloNanos;
    private long seekingSinceNanos;
    private boolean everConnected;
    /** Whether this session's first items came (said once per session, for whoever watches the agent). */
    private boolean itemsArrived;
    private int outCount;
    private int outLength;
    private boolean done;
    private String failure;
    /** Why this agent leaves, told the coordinator in its BYE; null when it just leaves. */
    private String byeReason;
    private long nowNanos;
    /** Set by the shutdown hook, read by the loop on every turn. */
    private volatile boolean stopRequested;

    private Agent(final Config config, final AgentService service)
    {
        this.config = config;
        this.service = service;
        this.coordinator = Endpoint.parse(config.connect(), "--connect", false);
    }

    /**
     * Serves a coordinator pool's jobs with local worker JVMs until it says goodbye.
     *
     * @param config  how to reach it.
     * @param workers the local pool.
     * @throws IllegalArgumentException when an endpoint is malformed or cannot be bound.
     * @throws IllegalStateException    when the coordinator cannot be reached within the connect timeout (at the
     *                                  start or after it was lost) or refuses this agent, saying why.
     */
    public static void servePool(final Config config, final PoolWorkers workers)
    {
        new Agent(config, new PoolAgentService(workers, hostName())).run();
    }

    /**
     * Pops, processes and reschedules a coordinator heap's records (a {@link HeapServer}) until it says goodbye.
     *
     * @param config    how to reach it.
     * @param consumers consumer threads, each processing one record at a time.
     * @param processor what a consumer does with a record.
     * @throws IllegalArgumentException when an endpoint is malformed or cannot be bound.
     * @throws IllegalStateException    when the coordinator cannot be reached within the connect timeout (at the
     *                                  start or after it was lost) or refuses this agent, saying why.
     */
    public static void serveHeap(final Config config, final int consumers, final RecordProcessor processor)
    {
        new Agent(config, new HeapAgentService(consumers, Objects.requireNonNull(processor, "processor"))).run();
    }

    private void run()
    {
        // SIGTERM or Ctrl-C: the loop says goodbye to the coordinator and closes the workers and the Aeron driver
        // (its directory on /dev/shm went with the process's death before, and the coordinator gave the host up
        // only at its host timeout). The hook waits for that, so the JVM does not end under it.
        final CountDownLatch closed = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            stopRequested = true;
            try
            {
                closed.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "shoal-agent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            open();
            loop();
            if (failure != null)
            {
                throw new IllegalStateException(failure);
            }
        }
        finally
        {
            try
            {
                close();
            }
            finally
            {
                closed.countDown();
                removeHook(hook);
            }
        }
    }

    private static void removeHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // the JVM is shutting down: the hook runs now
        }
    }

    private void open()
    {
        // A bracketed IPv6 address ([::1]) became the channel endpoint [[::1]]:0, which Aeron could not bind.
        final String bind = config.bind() != null ? Endpoint.bareHost(config.bind()) : localAddressTowards(coordinator);
        refuseMixedFamilies(bind);
        aeron = EmbeddedAeron.start(timeoutNanos);
        try
        {
            inbox = aeron.aeron().addSubscription(new Endpoint(bind, 0).channel(), TO_AGENT_STREAM); // any free port
        }
        catch (final io.aeron.exceptions.AeronException ex)
        {
            throw new IllegalArgumentException("cannot receive on " + bind + ": " + ex.getMessage(), ex);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> bound = inbox.localSocketAddresses();
        while (bound.isEmpty())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalArgumentException("cannot receive on " + bind + ": no socket bound in 10 s");
            }
            Thread.onSpinWait();
            bound = inbox.localSocketAddresses();
        }
        replyEndpoint = advertised(bound.get(0), bind);
        toCoordinator = aeron.aeron().addExclusivePublication(coordinator.channel(), TO_COORDINATOR_STREAM);
        // Before the first HELLO: workers that start while the coordinator waits for heartbeats could take longer
        // than its host timeout on a loaded machine.
        service.start(config.status());
    }

    private void refuseMixedFamilies(final String bind)
    {
        final String mismatch = Endpoint.familyMismatch(bind, coordinator);
        if (mismatch != null)
        {
            throw new IllegalArgumentException(mismatch);
        }
    }

    /**
     * The endpoint the coordinator is told to send to: the bound one, except that a wildcard bind (0.0.0.0, ::)
     * receives on every address and names none, so the address that routes to the coordinator is given with the
     * bound port (the coordinator would have sent its WELCOME to 0.0.0.0, that is to its own host).
     */
    private String advertised(final String boundEndpoint, final String bind)
    {
        final boolean wildcard;
        try
        {
            wildcard = InetAddress.getByName(bind).isAnyLocalAddress();
        }
        catch (final java.net.UnknownHostException ex)
        {
            return boundEndpoint; // it was bound, so it resolved: keep what the driver reports
        }
        if (!wildcard)
        {
            return boundEndpoint;
        }
        final int port = Integer.parseInt(boundEndpoint.substring(boundEndpoint.lastIndexOf(':') + 1));
        return new Endpoint(localAddressTowards(coordinator), port).toString();
    }

    private void loop()
    {
        final FragmentAssembler assembler = new FragmentAssembler(this::onMessage);
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 200_000);
        seekingSinceNanos = System.nanoTime();
        incarnation = ThreadLocalRandom.current().nextLong();
        while (!done)
        {
            if (stopRequested)
            {
                byeReason = "the agent was stopped (SIGTERM or Ctrl-C)";
                config.status().accept("agent: stopped; saying goodbye to " + coordinator);
                return;
            }
            nowNanos = System.nanoTime();
            int work = service.pump();
            work += inbox.poll(assembler, 64);
            work += sendAnswers();
            if (done)
            {
                break; // a refused WELCOME leaves a host id to say goodbye with, not a session to keep alive
            }
            if (hostId == 0)
            {
                seek();
            }
            else
            {
                keepAlive();
            }
            idle.idle(work);
        }
    }

    /**
     * Not connected: says HELLO every {@link #HELLO_EVERY_NANOS} until welcomed, or gives up after the connect
     * timeout.
     */
    private void seek()
    {
        if (nowNanos - seekingSinceNanos > config.connectTimeout().toNanos())
        {
            fail("the coordinator at " + coordinator + " is unreachable: no answer in " +
                config.connectTimeout().toSeconds() + " s" + (everConnected ? " since it was lost" : ""));
            return;
        }
        if (nowNanos - lastHelloNanos < HELLO_EVERY_NANOS)
        {
            return;
        }
        lastHelloNanos = nowNanos;
        final byte[] reply = replyEndpoint.getBytes(StandardCharsets.UTF_8);
        final byte[] me = (hostName() + "/" + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
        control.putInt(TYPE_OFFSET, HELLO, ORDER);
        control.putInt(HOST_OFFSET, 0, ORDER);
        control.putLong(HELLO_INCARNATION_OFFSET, incarnation, ORDER);
        control.putInt(HELLO_SERVICE_OFFSET, service.kind(), ORDER);
        control.putInt(HELLO_WORKERS_OFFSET, service.workers(), ORDER);
        control.putInt(HELLO_THREADS_OFFSET, service.threads(), ORDER);
        int at = HELLO_ENDPOINT_OFFSET;
        control.putInt(at, reply.length, ORDER);
        control.putBytes(at + Integer.BYTES, reply);
        at += Integer.BYTES + reply.length;
        control.putInt(at, me.length, ORDER);
        control.putBytes(at + Integer.BYTES, me);
        at += Integer.BYTES + me.length;
        toCoordinator.offer(control, 0, at); // not connected yet: the next HELLO tries again
    }

    private void fail(final String reason)
    {
        failure = reason;
        done = true;
    }

    private void keepAlive()
    {
        if (nowNanos - lastHeardNanos > timeoutNanos)
        {
            config.status().accept("agent: lost the coordinator at " + coordinator + " (silent for " +
                TimeUnit.NANOSECONDS.toMillis(nowNanos - lastHeardNanos) + " ms); what it gave this host is " +
                "abandoned, joining again");
            hostId = 0;
            incarnation = ThreadLocalRandom.current().nextLong();
            seekingSinceNanos = nowNanos;
            outCount = 0;
            return;
        }
        if (nowNanos - lastSentNanos > heartbeatNanos)
        {
            control.putInt(TYPE_OFFSET, AGENT_HEARTBEAT, ORDER);
            control.putInt(HOST_OFFSET, hostId, ORDER);
            if (toCoordinator.offer(control, 0, HEADER_LENGTH) > 0)
            {
                lastSentNanos = nowNanos;
            }
        }
    }

    private void onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < HEADER_LENGTH)
        {
            return;
        }
        final int type = buffer.getInt(offset + TYPE_OFFSET, ORDER);
        final int id = buffer.getInt(offset + HOST_OFFSET, ORDER);
        if (type == WELCOME)
        {
            onWelcome(buffer, offset, id);
            return;
        }
        if (type == REFUSE)
        {
            if (hostId == 0 && buffer.getLong(offset + REFUSE_INCARNATION_OFFSET, ORDER) == incarnation)
            {
                fail("the coordinator at " + coordinator + " refused this agent: " +
                    WireStrings.read(buffer, offset + REFUSE_REASON_OFFSET, offset + length));
            }
            return;
        }
        if (hostId == 0 || id != hostId)
        {
            return; // for a session this agent has left
        }
        lastHeardNanos = nowNanos;
        switch (type)
        {
            case ITEMS -> onItems(buffer, offset, length);
            case COORDINATOR_BYE ->
            {
                config.status().accept("agent: the coordinator at " + coordinator + " closed; exiting");
                done = true;
            }
            default ->
            {
                // a heartbeat
            }
        }
    }

    private void onWelcome(final DirectBuffer buffer, final int offset, final int id)
    {
        if (hostId != 0 || buffer.getLong(offset + WELCOME_INCARNATION_OFFSET, ORDER) != incarnation)
        {
            return; // an answer to an older HELLO
        }
        final int window = buffer.getInt(offset + WELCOME_WINDOW_OFFSET, ORDER);
        final int maxItem = buffer.getInt(offset + WELCOME_MAX_FRAME_OFFSET, ORDER);
        if (maxItem > service.maxItemBytes())
        {
            final String why = "sends items of up to " + maxItem + " bytes; this agent takes " +
                service.maxItemBytes() + " (raise its maxJobBytes, --max-job-bytes)";
            fail("the coordinator at " + coordinator + " " + why);
            hostId = id; // so that close() says goodbye, with the reason: the coordinator gives the host up at once
            byeReason = "the agent refused the session: the coordinator " + why;
            return;
        }
        timeoutNanos = TimeUnit.MILLISECONDS.toNanos(buffer.getLong(offset + WELCOME_TIMEOUT_OFFSET, ORDER));
        heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(buffer.getLong(offset + WELCOME_HEARTBEAT_OFFSET, ORDER));
        hostId = id;
        lastHeardNanos = nowNanos;
        lastSentNanos = nowNanos - heartbeatNanos - 1; // a heartbeat at once: the coordinator counts this host
        everConnected = true;
        itemsArrived = false;
        config.status().accept("agent: connected to " + coordinator + " as host " + id + " (window " + window +
            ", receiving on " + replyEndpoint + ")");
    }

    private void onItems(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!itemsArrived)
        {
            itemsArrived = true;
            config.status().accept("agent: work arriving as host " + hostId);
        }
        // A truncated message stops here: what it held is redelivered when the coordinator gives up on it.
        WireEntries.read(buffer, offset, length, onEntry);
    }

    private void onEntry(final long seq, final int attempt, final DirectBuffer buffer, final int offset,
        final int length)
    {
        service.onItem(incarnation, seq, attempt, buffer, offset, length, onAnswer);
    }

    /**
     * Packs ready answers into ANSWERS messages. Answers for a session this agent has left are dropped (the
     * coordinator sent those items elsewhere): a session is its incarnation, not its host id, because a coordinator
     * started again numbers its hosts from 1 again and its seqs from 1 again, so an answer its predecessor's items
     * earned could otherwise pass for one of its own.
     */
    private int sendAnswers()
    {
        int work = 0;
        AgentService.Answer a;
        while ((a = answers.peek()) != null)
        {
            if (a.session() != incarnation)
            {
                answers.poll();
                continue;
            }
            final int n = a.bytes().length;
            if (outCount > 0 && outLength + ANSWER_HEADER_LENGTH + n > BATCH_BYTES && !flushAnswers())
            {
                break; // back pressure: try again on the next turn
            }
            if (outCount == 0)
            {
                outLength = ITEMS_OFFSET;
            }
            answers.poll();
            out.putLong(outLength, a.seq(), ORDER);
            out.putInt(outLength + Long.BYTES, a.count(), ORDER);
            out.putInt(outLength + Long.BYTES + Integer.BYTES, n, ORDER);
            out.putBytes(outLength + ANSWER_HEADER_LENGTH, a.bytes());
            outLength += ANSWER_HEADER_LENGTH + n;
            outCount++;
            work++;
        }
        if (outCount > 0)
        {
            flushAnswers();
        }
        return work;
    }

    private boolean flushAnswers()
    {
        out.putInt(TYPE_OFFSET, ANSWERS, ORDER);
        out.putInt(HOST_OFFSET, hostId, ORDER);
        out.putInt(COUNT_OFFSET, outCount, ORDER);
        if (toCoordinator.offer(out, 0, outLength) > 0)
        {
            lastSentNanos = nowNanos;
            outCount = 0;
            outLength = ITEMS_OFFSET;
            return true;
        }
        return false;
    }

    private void close()
    {
        if (toCoordinator != null && hostId != 0)
        {
            // Leaving, or answering the coordinator's goodbye (it waits for this before closing its driver).
            control.putInt(TYPE_OFFSET, AGENT_BYE, ORDER);
            control.putInt(HOST_OFFSET, hostId, ORDER);
            int length = HEADER_LENGTH;
            if (byeReason != null)
            {
                final byte[] reason = byeReason.getBytes(StandardCharsets.UTF_8);
                final int n = Math.min(reason.length, control.capacity() - BYE_REASON_OFFSET - Integer.BYTES);
                control.putInt(BYE_REASON_OFFSET, n, ORDER);
                control.putBytes(BYE_REASON_OFFSET + Integer.BYTES, reason, 0, n);
                length = BYE_REASON_OFFSET + Integer.BYTES + n;
            }
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (toCoordinator.offer(control, 0, length) < 0 && System.nanoTime() - deadline < 0)
            {
                Thread.onSpinWait();
            }
        }
        service.close();
        CloseHelper.quietCloseAll(toCoordinator, inbox);
        if (aeron != null)
        {
            aeron.close();
        }
    }

    /**
     * The local address the operating system would send from to reach the coordinator (no packet is sent).
     */
    private static String localAddressTowards(final Endpoint to)
    {
        try (DatagramSocket probe = new DatagramSocket())
        {
            probe.connect(new InetSocketAddress(InetAddress.getByName(to.host()), to.port()));
            final InetAddress local = probe.getLocalAddress();
            if (local == null || local.isAnyLocalAddress())
            {
                throw new IllegalArgumentException("no local address routes to the coordinator at " + to +
                    "; give one with --bind");
            }
            return local.getHostAddress();
        }
        catch (final SocketException | java.net.UnknownHostException ex)
        {
            throw new IllegalArgumentException("no route to the coordinator at " + to + ": " + ex.getMessage(), ex);
        }
    }

    private static String hostName()
    {
        try
        {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (final java.net.UnknownHostException ex)
        {
            return "host";
        }
    }
}
