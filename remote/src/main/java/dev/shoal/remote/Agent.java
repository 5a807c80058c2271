package dev.shoal.remote;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.shoal.pool.JobFailedException;
import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.RemoteJobException;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.remote.WireDescriptor.*;

/**
 * A worker host: runs a local pool of worker JVMs and serves a coordinator's jobs with it over Aeron
 * ({@code shoal agent --connect HOST:PORT}). The coordinator's job frames go into the local pool as they are;
 * each frame's results go back in one item list once all its jobs are done. Local worker deaths are the local
 * pool's business (its leases redeliver); the coordinator only sees this host as one lease holder.
 *
 * <p>The agent says HELLO until the coordinator answers, then heartbeats. When the coordinator stays silent past
 * its host timeout (a cut link, a dead coordinator) the agent forgets the session (the coordinator has given its
 * jobs to others, and drops late answers) and says HELLO again, as a new host, until {@code connectTimeout}.
 * It ends when the coordinator says goodbye, or fails when the coordinator cannot be reached.
 */
public final class Agent
{
    private static final int EXIT_DONE = 0;
    private static final int EXIT_UNREACHABLE = 1;

    private static final long HELLO_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /**
     * An agent's settings.
     *
     * @param connect        the coordinator's {@code HOST:PORT}.
     * @param bind           the local address to receive on ({@code null}: the one that routes to the coordinator).
     * @param workers        local worker JVMs.
     * @param threads        consumer threads per worker.
     * @param registryClass  the handler registry (the same names the coordinator submits).
     * @param connectTimeout how long to try to reach the coordinator, at the start and after losing it.
     * @param maxJobBytes    the largest job frame the local pool takes (at least the coordinator's maxJobBytes).
     * @param status         one line per state change (connected, lost, done).
     */
    public record Config(String connect, String bind, int workers, int threads, String registryClass,
        Duration connectTimeout, int maxJobBytes, Consumer<String> status)
    {
        /**
         * Checks the settings.
         */
        public Config
        {
            Objects.requireNonNull(connect, "connect");
            Objects.requireNonNull(registryClass, "registryClass");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(status, "status");
            if (workers < 1 || threads < 1)
            {
                throw new IllegalArgumentException("workers and threads must be >= 1: workers=" + workers +
                    " threads=" + threads);
            }
        }
    }

    /** One frame's jobs, answered once all are complete (filled by the local pool's completion thread). */
    private record Done(int hostId, long seq, List<CompletableFuture<byte[]>> futures, String corrupt)
    {
    }

    private final Config config;
    private final Endpoint coordinator;
    private final String name;
    private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
    private final UnsafeBuffer control = new UnsafeBuffer(new byte[1024]);
    private final UnsafeBuffer results = new UnsafeBuffer(new byte[EmbeddedAeron.MAX_MESSAGE]);
    private final ExpandableArrayBuffer items = new ExpandableArrayBuffer(4096);
    private EmbeddedAeron aeron;
    private Subscription inbox;
    private ExclusivePublication toCoordinator;
    private String replyEndpoint;
    private ProcessPool pool;
    private int hostId;
    private long incarnation;
    private long timeoutNanos = TimeUnit.SECONDS.toNanos(3);
    private long heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(500);
    private long lastHeardNanos;
    private long lastSentNanos;
    private long lastHelloNanos;
    private long seekingSinceNanos;
    private boolean everConnected;
    private int resultsCount;
    private int resultsLength;
    private Integer exitCode;
    private String failure;
    /** Whether this session's first jobs came (said once per session, for whoever watches the agent). */
    private boolean jobsArrived;
    private long nowNanos;

    private Agent(final Config config)
    {
        this.config = config;
        this.coordinator = Endpoint.parse(config.connect(), "--connect", false);
        this.name = hostName() + "/" + ProcessHandle.current().pid();
    }

    /**
     * Runs an agent until its coordinator says goodbye.
     *
     * @param config the settings.
     * @throws IllegalArgumentException when an endpoint is malformed or cannot be bound.
     * @throws IllegalStateException when the coordinator cannot be reached within the connect timeout, at the
     *                               start or after it was lost, naming it.
     */
    public static void run(final Config config)
    {
        final Agent agent = new Agent(config);
        try
        {
            agent.open();
            if (agent.loop() != EXIT_DONE)
            {
                throw new IllegalStateException(agent.failure);
            }
        }
        finally
        {
            agent.close();
        }
    }

    private void open()
    {
        final String bind = config.bind() != null ? config.bind() : localAddressTowards(coordinator);
        aeron = EmbeddedAeron.start(timeoutNanos);
        inbox = aeron.aeron().addSubscription("aeron:udp?endpoint=" + hostPart(bind) + ":0", TO_AGENT_STREAM);
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
        replyEndpoint = bound.get(0);
        toCoordinator = aeron.aeron().addExclusivePublication(coordinator.channel(), TO_COORDINATOR_STREAM);
        startPool();
    }

    private static String hostPart(final String address)
    {
        return address.indexOf(':') >= 0 && address.indexOf('[') < 0 ? "[" + address + "]" : address;
    }

    private int loop()
    {
        final FragmentAssembler assembler = new FragmentAssembler(this::onMessage);
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 200_000);
        seekingSinceNanos = System.nanoTime();
        incarnation = ThreadLocalRandom.current().nextLong();
        while (exitCode == null)
        {
            nowNanos = System.nanoTime();
            int work = inbox.poll(assembler, 64);
            work += sendResults();
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
        return exitCode;
    }

    /**
     * Not connected: says HELLO every {@link #HELLO_EVERY_NANOS} until welcomed, or gives up after the connect
     * timeout.
     */
    private void seek()
    {
        if (nowNanos - seekingSinceNanos > config.connectTimeout().toNanos())
        {
            failure = "the coordinator at " + coordinator + " is unreachable: no answer in " +
                config.connectTimeout().toSeconds() + " s" + (everConnected ? " since it was lost" : "");
            exitCode = EXIT_UNREACHABLE;
            return;
        }
        if (nowNanos - lastHelloNanos < HELLO_EVERY_NANOS)
        {
            return;
        }
        lastHelloNanos = nowNanos;
        final byte[] reply = replyEndpoint.getBytes(StandardCharsets.UTF_8);
        final byte[] me = name.getBytes(StandardCharsets.UTF_8);
        control.putInt(TYPE_OFFSET, HELLO, ORDER);
        control.putInt(HOST_OFFSET, 0, ORDER);
        control.putLong(HELLO_INCARNATION_OFFSET, incarnation, ORDER);
        control.putInt(HELLO_WORKERS_OFFSET, config.workers(), ORDER);
        control.putInt(HELLO_THREADS_OFFSET, config.threads(), ORDER);
        int at = HELLO_ENDPOINT_OFFSET;
        control.putInt(at, reply.length, ORDER);
        control.putBytes(at + Integer.BYTES, reply);
        at += Integer.BYTES + reply.length;
        control.putInt(at, me.length, ORDER);
        control.putBytes(at + Integer.BYTES, me);
        at += Integer.BYTES + me.length;
        toCoordinator.offer(control, 0, at); // not connected yet: the next HELLO tries again
    }

    private void keepAlive()
    {
        if (nowNanos - lastHeardNanos > timeoutNanos)
        {
            config.status().accept("agent: lost the coordinator at " + coordinator + " (silent for " +
                TimeUnit.NANOSECONDS.toMillis(nowNanos - lastHeardNanos) + " ms); its jobs here are abandoned, " +
                "joining again");
            hostId = 0;
            incarnation = ThreadLocalRandom.current().nextLong();
            seekingSinceNanos = nowNanos;
            resultsCount = 0;
            return;
        }
        if (nowNanos - lastSentNanos > heartbeatNanos)
        {
            sendControl(AGENT_HEARTBEAT);
        }
    }

    private int byeMessage()
    {
        control.putInt(TYPE_OFFSET, AGENT_BYE, ORDER);
        control.putInt(HOST_OFFSET, hostId, ORDER);
        return HEADER_LENGTH;
    }

    private void sendControl(final int type)
    {
        control.putInt(TYPE_OFFSET, type, ORDER);
        control.putInt(HOST_OFFSET, hostId, ORDER);
        if (toCoordinator.offer(control, 0, HEADER_LENGTH) > 0)
        {
            lastSentNanos = nowNanos;
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
        if (hostId == 0 || id != hostId)
        {
            return; // for a session this agent has left
        }
        lastHeardNanos = nowNanos;
        switch (type)
        {
            case JOBS -> onJobs(buffer, offset, length);
            case COORDINATOR_BYE ->
            {
                config.status().accept("agent: the coordinator at " + coordinator + " closed; exiting");
                exitCode = EXIT_DONE;
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
        final int maxFrame = buffer.getInt(offset + WELCOME_MAX_FRAME_OFFSET, ORDER);
        if (maxFrame > config.maxJobBytes())
        {
            failure = "the coordinator at " + coordinator + " sends job frames of up to " + maxFrame + " bytes; " +
                "this agent takes " + config.maxJobBytes() + " (raise its maxJobBytes, --max-job-bytes)";
            exitCode = EXIT_UNREACHABLE;
            return;
        }
        timeoutNanos = TimeUnit.MILLISECONDS.toNanos(buffer.getLong(offset + WELCOME_TIMEOUT_OFFSET, ORDER));
        heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(buffer.getLong(offset + WELCOME_HEARTBEAT_OFFSET, ORDER));
        hostId = id;
        lastHeardNanos = nowNanos;
        everConnected = true;
        jobsArrived = false;
        config.status().accept("agent: connected to " + coordinator + " as host " + id + " (" + config.workers() +
            " worker(s), window " + window + " frames, receiving on " + replyEndpoint + ")");
    }

    /**
     * Starts the local pool before the first HELLO: a pool that starts while the coordinator waits for heartbeats
     * could take longer than its host timeout on a loaded machine.
     */
    private void startPool()
    {
        pool = ProcessPool.builder(config.registryClass())
            .workers(config.workers())
            .threadsPerWorker(config.threads())
            .maxJobBytes(config.maxJobBytes())
            .logSink(line -> config.status().accept("agent: " + line))
            .start();
        config.status().accept("agent: local worker pids " + pool.workerPids());
    }

    private void onJobs(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!jobsArrived)
        {
            jobsArrived = true;
            config.status().accept("agent: jobs arriving as host " + hostId);
        }
        final int end = offset + length;
        final int count = buffer.getInt(offset + COUNT_OFFSET, ORDER);
        int at = offset + FRAMES_OFFSET;
        final int session = hostId;
        for (int i = 0; i < count && at + JOB_HEADER_LENGTH <= end; i++)
        {
            final long seq = buffer.getLong(at, ORDER);
            final int frameLength = buffer.getInt(at + Long.BYTES + Integer.BYTES, ORDER);
            at += JOB_HEADER_LENGTH;
            if (frameLength < 0 || at + frameLength > end)
            {
                done.add(new Done(session, seq, List.of(), "a job frame past the end of its message"));
                return;
            }
            try
            {
                final List<CompletableFuture<byte[]>> futures = pool.submitFrame(buffer, at, frameLength);
                CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                    .whenComplete((v, t) -> done.add(new Done(session, seq, futures, null)));
            }
            catch (final IllegalArgumentException ex)
            {
                done.add(new Done(session, seq, List.of(), "corrupt job frame: " + ex.getMessage()));
            }
            at += frameLength;
        }
    }

    /**
     * Packs the answers of finished frames into RESULTS messages. Answers for a session this agent has left are
     * dropped (the coordinator sent those jobs elsewhere).
     */
    private int sendResults()
    {
        int work = 0;
        Done d;
        while ((d = done.peek()) != null)
        {
            if (d.hostId() != hostId)
            {
                done.poll();
                continue;
            }
            final int n = encodeItems(d);
            if (resultsCount > 0 && resultsLength + RESULT_HEADER_LENGTH + n > BATCH_BYTES && !flushResults())
            {
                break; // back pressure: try again on the next turn
            }
            if (resultsCount == 0)
            {
                resultsLength = FRAMES_OFFSET;
            }
            done.poll();
            results.putLong(resultsLength, d.seq(), ORDER);
            results.putInt(resultsLength + Long.BYTES, d.futures().isEmpty() ? 0 : d.futures().size(), ORDER);
            results.putInt(resultsLength + Long.BYTES + Integer.BYTES, n, ORDER);
            results.putBytes(resultsLength + RESULT_HEADER_LENGTH, items, 0, n);
            resultsLength += RESULT_HEADER_LENGTH + n;
            resultsCount++;
            work++;
        }
        if (resultsCount > 0)
        {
            flushResults();
        }
        return work;
    }

    private boolean flushResults()
    {
        results.putInt(TYPE_OFFSET, RESULTS, ORDER);
        results.putInt(HOST_OFFSET, hostId, ORDER);
        results.putInt(COUNT_OFFSET, resultsCount, ORDER);
        if (toCoordinator.offer(results, 0, resultsLength) > 0)
        {
            lastSentNanos = nowNanos;
            resultsCount = 0;
            resultsLength = FRAMES_OFFSET;
            return true;
        }
        return false;
    }

    /**
     * Encodes one frame's answers into {@link #items}; an answer too large for one network message becomes a
     * failure that says so.
     *
     * @return the items' length.
     */
    private int encodeItems(final Done d)
    {
        int at = 0;
        for (final CompletableFuture<byte[]> f : d.futures())
        {
            at = encode(f, at);
        }
        final int room = EmbeddedAeron.MAX_MESSAGE - FRAMES_OFFSET - RESULT_HEADER_LENGTH;
        if (d.corrupt() != null || at > room)
        {
            final String reason = d.corrupt() != null ? "agent " + name + ": " + d.corrupt() :
                "agent " + name + ": the frame's results take " + at + " bytes, more than one network message (" +
                room + " bytes)";
            at = 0;
            for (int i = 0; i < Math.max(1, d.futures().size()); i++)
            {
                at = item(at, STATUS_FAILED, strings(reason));
            }
        }
        return at;
    }

    private int encode(final CompletableFuture<byte[]> f, final int at)
    {
        try
        {
            return item(at, STATUS_OK, f.join());
        }
        catch (final CompletionException ex)
        {
            final Throwable cause = ex.getCause();
            if (cause instanceof RemoteJobException r)
            {
                return item(at, STATUS_THREW, strings(r.remoteClass(), r.remoteMessage(), r.remoteStack()));
            }
            if (cause instanceof JobFailedException)
            {
                return item(at, STATUS_FAILED, strings("on host " + name + ": " + cause.getMessage()));
            }
            final StringWriter trace = new StringWriter();
            cause.printStackTrace(new PrintWriter(trace));
            return item(at, STATUS_FAILED, strings("on host " + name + ": " + trace));
        }
    }

    private int item(final int at, final int status, final byte[] body)
    {
        items.putInt(at, status, ORDER);
        items.putInt(at + Integer.BYTES, body.length, ORDER);
        items.putBytes(at + ITEM_HEADER_LENGTH, body);
        return at + ITEM_HEADER_LENGTH + body.length;
    }

    private static byte[] strings(final String... parts)
    {
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer(64);
        int at = 0;
        for (final String part : parts)
        {
            final byte[] bytes = (part == null ? "" : part).getBytes(StandardCharsets.UTF_8);
            b.putInt(at, bytes.length, ORDER);
            b.putBytes(at + Integer.BYTES, bytes);
            at += Integer.BYTES + bytes.length;
        }
        final byte[] out = new byte[at];
        b.getBytes(0, out);
        return out;
    }

    private void close()
    {
        if (toCoordinator != null && hostId != 0)
        {
            // Leaving, or answering the coordinator's goodbye (it waits for this before closing its driver).
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (toCoordinator.offer(control, 0, byeMessage()) < 0 && System.nanoTime() - deadline < 0)
            {
                Thread.onSpinWait();
            }
        }
        if (pool != null)
        {
            pool.shutdownNow();
        }
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
