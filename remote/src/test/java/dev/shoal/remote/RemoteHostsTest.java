package dev.shoal.remote;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.shoal.pool.Codecs;
import dev.shoal.pool.JobFailedException;
import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.TestHandlers;
import dev.shoal.testing.ChildJvms;
import io.aeron.ExclusivePublication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A coordinator pool in this JVM, agents in child JVMs bound to distinct loopback addresses (127.0.0.2, 127.0.0.3):
 * what the pool promises with local workers holds with remote hosts that die, stall and come back. The same cases
 * between network namespaces, with links cut, are in the CLI's multi-host tests.
 */
@Timeout(180)
class RemoteHostsTest
{
    private static final Pattern PIDS = Pattern.compile("local worker pids \\[([0-9, ]*)]");

    @TempDir
    Path dir;

    private ChildJvms children;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> agentWorkers = new ArrayList<>();

    @BeforeEach
    void children()
    {
        children = new ChildJvms(dir);
    }

    @AfterEach
    void reap()
    {
        children.close();
        // A killed agent's workers halt when they see their parent gone: no orphan is left.
        ChildJvms.awaitCondition("every agent's workers to exit", Duration.ofSeconds(30),
            () -> agentWorkers.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                .orElse(false)));
    }

    static int freeUdpPort()
    {
        try (DatagramSocket s = new DatagramSocket(0))
        {
            return s.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private Process agent(final String endpoint, final String bind, final Class<?> registry)
    {
        final Process p = children.start(AgentChild.class, "pool", endpoint, bind, "1", registry.getName(), "60000");
        ChildJvms.awaitCondition("agent on " + bind + " to connect", Duration.ofSeconds(60),
            () -> children.output(p).contains("connected to") || !p.isAlive());
        assertTrue(p.isAlive(), children.output(p));
        final Matcher m = PIDS.matcher(children.output(p));
        assertTrue(m.find(), children.output(p));
        for (final String pid : m.group(1).split(",\\s*"))
        {
            agentWorkers.add(Long.parseLong(pid.trim()));
        }
        return p;
    }

    private static ProcessPool.Builder coordinator(final String endpoint)
    {
        return ProcessPool.builder(TestHandlers.class).workers(0).listen(endpoint);
    }

    private static void signal(final Process p, final String signal) throws Exception
    {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal);
    }

    private static List<CompletableFuture<byte[]>> mixJobs(final ProcessPool pool, final int from, final int count,
        final long workMicros)
    {
        final List<byte[]> args = new ArrayList<>();
        for (int i = from; i < from + count; i++)
        {
            args.add(TestHandlers.mixArgument(i, workMicros));
        }
        return pool.submitAll(TestHandlers.MIX, args, 4);
    }

    private static void assertMixed(final List<CompletableFuture<byte[]>> futures, final int from) throws Exception
    {
        for (int i = 0; i < futures.size(); i++)
        {
            final byte[] r = futures.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(TestHandlers.mix(from + i), ByteBuffer.wrap(r).getLong(0), "job " + (from + i));
        }
    }

    @Test
    void shouldRunEveryJobOnARemoteHostAndLetItGoAtClose() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        final Process agent;
        try (ProcessPool pool = coordinator(endpoint).logSink(log::add).start())
        {
            agent = agent(endpoint, "127.0.0.2", TestHandlers.class);
            ChildJvms.awaitCondition("the agent to join", Duration.ofSeconds(30), () -> pool.remoteHosts() == 1);
            final List<Long> args = new ArrayList<>();
            for (long i = 0; i < 20_000; i++)
            {
                args.add(i);
            }
            final List<Long> squares = pool.map(TestHandlers.SQUARE, args, 16);
            for (int i = 0; i < args.size(); i++)
            {
                assertEquals(args.get(i) * args.get(i), squares.get(i), "job " + i);
            }
            assertEquals(81L, pool.submit(TestHandlers.SQUARE, 9L).get(30, TimeUnit.SECONDS));
            final ExecutionException threw = assertThrows(ExecutionException.class,
                () -> pool.submit(TestHandlers.FAIL, "x".getBytes()).get(30, TimeUnit.SECONDS));
            assertTrue(threw.getCause().getMessage().contains("boom x"), threw.getCause().toString());
        }
        // close(): every result was in; the agent hears goodbye and exits 0, its workers with it.
        assertEquals(0, children.await(agent, Duration.ofSeconds(30)), children.output(agent));
        assertTrue(children.output(agent).contains("closed; exiting"), children.output(agent));
    }

    @Test
    void shouldRedeliverWhatAKilledHostHeld() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try (ProcessPool pool = coordinator(endpoint).hostTimeout(Duration.ofSeconds(1)).remoteWindow(16)
            .logSink(log::add).start())
        {
            final Process a = agent(endpoint, "127.0.0.2", TestHandlers.class);
            agent(endpoint, "127.0.0.3", TestHandlers.class);
            ChildJvms.awaitCondition("two hosts", Duration.ofSeconds(30), () -> pool.remoteHosts() == 2);
            final List<CompletableFuture<byte[]>> futures = mixJobs(pool, 0, 4_000, 200);
            ChildJvms.awaitCondition("a tenth of the jobs done", Duration.ofSeconds(60),
                () -> pool.stats().completed() >= 400);
            children.kill(a); // the whole host: the agent, and so its workers
            assertMixed(futures, 0);
            assertEquals(1, pool.remoteHosts());
            assertTrue(pool.remoteRedelivered() > 0, "the killed host held frames: " + log);
            assertEquals(0, pool.stats().failed());
        }
    }

    /**
     * A credit window larger than the agent's local ring (1024 slots): the agent's only thread waited for room in
     * that ring, stopped hearing and answering, and the coordinator gave the healthy host up again and again,
     * failing its jobs. Now frames that find the local ring full wait in the agent, and it stays responsive.
     */
    @Test
    void shouldKeepAHostWhoseWindowIsLargerThanItsLocalRing() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try (ProcessPool pool = coordinator(endpoint).hostTimeout(Duration.ofSeconds(1)).remoteWindow(4096)
            .logSink(log::add).start())
        {
            agent(endpoint, "127.0.0.2", TestHandlers.class);
            ChildJvms.awaitCondition("the host", Duration.ofSeconds(30), () -> pool.remoteHosts() == 1);
            final List<byte[]> args = new ArrayList<>();
            for (int i = 0; i < 2_500; i++)
            {
                // 2.5 s for its one worker; past the local ring's 1024 slots the old agent's thread was stuck
                // about 1.5 s, over the 1 s host timeout
                args.add(TestHandlers.mixArgument(i, 1_000));
            }
            assertMixed(pool.submitAll(TestHandlers.MIX, args, 1), 0);
            assertEquals(0, pool.stats().failed(), String.join("\n", log));
            assertEquals(1, pool.remoteHostsJoined(), "never given up: " + log);
            assertEquals(0, pool.remoteRedelivered(), String.join("\n", log));
        }
    }

    @Test
    void shouldNotTakeAnswersTheKilledCoordinatorBeforeItEarnedAsItsOwn() throws Exception
    {
        // Coordinator A (a child JVM) leases 16 frames of 4 slow jobs to the agent and is killed; the agent's local
        // pool goes on answering them for seconds. Coordinator B, on the same endpoint, numbers its hosts and seqs
        // from 1 as A did: the agent joins it as host 1 again and B's frames get seqs 1.. while A's answers for
        // seqs 1.. are still coming. They must not complete B's jobs.
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        final Process first = children.start(CoordinatorChild.class, endpoint, "400", "50000", "16", "1000");
        ChildJvms.awaitCondition("coordinator A to listen", Duration.ofSeconds(60),
            () -> children.output(first).contains("submitted") || !first.isAlive());
        final Process a = agent(endpoint, "127.0.0.2", TestHandlers.class);
        ChildJvms.awaitCondition("A's frames to reach the agent", Duration.ofSeconds(60),
            () -> children.output(a).contains("work arriving") || !a.isAlive());
        children.kill(first);
        try (ProcessPool pool = coordinator(endpoint).hostTimeout(Duration.ofSeconds(1)).remoteWindow(16)
            .logSink(log::add).start())
        {
            ChildJvms.awaitCondition("the agent to join B", Duration.ofSeconds(60), () -> pool.remoteHosts() == 1);
            final List<CompletableFuture<byte[]>> futures = mixJobs(pool, 100_000, 400, 100);
            assertMixed(futures, 100_000);
            assertEquals(0, pool.stats().failed());
        }
        final Matcher asHostOne = Pattern.compile("as host 1 ").matcher(children.output(a));
        assertTrue(asHostOne.find() && asHostOne.find(), "the agent was host 1 of both:\n" + children.output(a));
    }

    /**
     * shutdownNow with a long job running on the agent: the coordinator says goodbye, and the job's result has
     * nobody to go to. The agent waited the pool's default 30 s grace for it before exiting.
     */
    @Test
    void shouldLetAnAgentGoSoonAfterGoodbyeWhenItsJobsHaveNobodyToAnswer() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        final Process a;
        try (ProcessPool pool = coordinator(endpoint).logSink(log::add).start())
        {
            a = agent(endpoint, "127.0.0.2", TestHandlers.class);
            ChildJvms.awaitCondition("the host", Duration.ofSeconds(30), () -> pool.remoteHosts() == 1);
            mixJobs(pool, 0, 4, 60_000_000); // one frame of a minute's work
            ChildJvms.awaitCondition("the frame at the agent", Duration.ofSeconds(60),
                () -> children.output(a).contains("work arriving") || !a.isAlive());
            pool.shutdownNow();
        }
        assertEquals(0, children.await(a, Duration.ofSeconds(15)), children.output(a));
    }

    /** An agent bound to every address (0.0.0.0) told the coordinator to answer it at 0.0.0.0. */
    @Test
    void shouldTellTheCoordinatorARoutableAddressWhenBoundToEveryAddress() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try (ProcessPool pool = coordinator(endpoint).logSink(log::add).start())
        {
            final Process a = agent(endpoint, "0.0.0.0", TestHandlers.class);
            assertTrue(children.output(a).contains("receiving on 127.0.0.1:"), children.output(a));
            ChildJvms.awaitCondition("the host", Duration.ofSeconds(30), () -> pool.remoteHosts() == 1);
            assertMixed(mixJobs(pool, 0, 100, 0), 0);
            assertTrue(log.stream().anyMatch(l -> l.contains(" at 127.0.0.1:") && l.contains("joined")),
                String.join("\n", log));
        }
    }

    /**
     * SIGTERM (or Ctrl-C) on a coordinator whose pool is open: its shutdown hook now closes the hub, which says
     * goodbye, so the agent leaves at once (it waited out its connect timeout, its workers busy meanwhile) and the
     * hub's Aeron directory is removed (it was left on /dev/shm).
     */
    @Test
    void shouldSayGoodbyeToTheAgentsWhenTheCoordinatorIsTerminated() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        final Process coordinator = children.start(CoordinatorChild.class, endpoint, "400", "50000", "16", "60000");
        ChildJvms.awaitCondition("the coordinator to listen", Duration.ofSeconds(60),
            () -> children.output(coordinator).contains("submitted") || !coordinator.isAlive());
        final Process a = agent(endpoint, "127.0.0.2", TestHandlers.class);
        ChildJvms.awaitCondition("frames at the agent", Duration.ofSeconds(60),
            () -> children.output(a).contains("work arriving") || !a.isAlive());
        signal(coordinator, "TERM");
        assertTrue(coordinator.waitFor(30, TimeUnit.SECONDS), children.output(coordinator));
        assertEquals(0, children.await(a, Duration.ofSeconds(20)), children.output(a));
        assertTrue(children.output(a).contains("closed; exiting"), children.output(a));
        assertEquals(List.of(), aeronDirectories(coordinator.pid()), "the coordinator's driver directory");
    }

    /** The same for an agent: it says why it leaves, and the coordinator need not wait out its host timeout. */
    @Test
    void shouldHearAnAgentThatIsTerminatedLeaveSayingSo() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        final ProcessPool pool = coordinator(endpoint).hostTimeout(Duration.ofSeconds(60)).remoteWindow(16)
            .logSink(log::add).start();
        try
        {
            final Process a = agent(endpoint, "127.0.0.2", TestHandlers.class);
            ChildJvms.awaitCondition("the host", Duration.ofSeconds(30), () -> pool.remoteHosts() == 1);
            mixJobs(pool, 0, 400, 50_000);
            ChildJvms.awaitCondition("frames at the agent", Duration.ofSeconds(60),
                () -> children.output(a).contains("work arriving") || !a.isAlive());
            signal(a, "TERM");
            ChildJvms.awaitCondition("the host gone", Duration.ofSeconds(30), () -> pool.remoteHosts() == 0);
            assertTrue(log.stream().anyMatch(l -> l.contains("it left: the agent was stopped (SIGTERM or Ctrl-C)")),
                String.join("\n", log));
            assertTrue(a.waitFor(30, TimeUnit.SECONDS), children.output(a));
            assertEquals(List.of(), aeronDirectories(a.pid()), "the agent's driver directory");
        }
        finally
        {
            pool.shutdownNow(); // its jobs have no host left: a close would wait for them
        }
    }

    private static List<String> aeronDirectories(final long pid)
    {
        final String[] left = new java.io.File("/dev/shm").list((d, n) -> n.startsWith("shoal-aeron-" + pid + "-"));
        return left == null ? List.of() : List.of(left);
    }

    @Test
    void shouldTakeAHostsAnswersOnlyFromTheImageItJoinedOn() throws Exception
    {
        // An agent that was host 1 of an earlier coordinator on this endpoint, and has not noticed its death yet,
        // still sends answers naming host 1 and seqs 1..: this coordinator numbers its own hosts and seqs from 1
        // too. The test plays that agent, answering seqs 1..16 from a publication of its own while the real host 1
        // holds them.
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try (ProcessPool pool = coordinator(endpoint).remoteWindow(16).logSink(log::add).start();
            EmbeddedAeron stale = EmbeddedAeron.start(TimeUnit.SECONDS.toNanos(3));
            ExclusivePublication toHub = stale.aeron().addExclusivePublication(
                Endpoint.parse(endpoint, "endpoint", false).channel(), WireDescriptor.TO_COORDINATOR_STREAM))
        {
            final Process a = agent(endpoint, "127.0.0.2", TestHandlers.class);
            assertTrue(children.output(a).contains("as host 1 "), children.output(a));
            final List<CompletableFuture<byte[]>> futures = mixJobs(pool, 0, 64, 20_000); // 16 frames, 80 ms each
            ChildJvms.awaitCondition("the frames at the agent", Duration.ofSeconds(60),
                () -> children.output(a).contains("work arriving"));
            final UnsafeBuffer answers = staleAnswers(1, 16, 4);
            ChildJvms.awaitCondition("the stale answers sent", Duration.ofSeconds(30),
                () -> toHub.offer(answers) > 0);
            assertMixed(futures, 0);
            assertEquals(0, pool.stats().failed());
        }
    }

    /**
     * @return one ANSWERS message naming {@code hostId}, answering seqs 1..{@code seqs}, each a frame of
     *         {@code jobs} jobs that returned 8 zero bytes.
     */
    private static UnsafeBuffer staleAnswers(final int hostId, final int seqs, final int jobs)
    {
        final int answerLength = jobs * (WireDescriptor.JOB_OUTCOME_HEADER_LENGTH + Long.BYTES);
        final UnsafeBuffer m = new UnsafeBuffer(new byte[WireDescriptor.ITEMS_OFFSET +
            seqs * (WireDescriptor.ANSWER_HEADER_LENGTH + answerLength)]);
        m.putInt(WireDescriptor.TYPE_OFFSET, WireDescriptor.ANSWERS, WireDescriptor.ORDER);
        m.putInt(WireDescriptor.HOST_OFFSET, hostId, WireDescriptor.ORDER);
        m.putInt(WireDescriptor.COUNT_OFFSET, seqs, WireDescriptor.ORDER);
        int at = WireDescriptor.ITEMS_OFFSET;
        for (int seq = 1; seq <= seqs; seq++)
        {
            m.putLong(at, seq, WireDescriptor.ORDER);
            m.putInt(at + Long.BYTES, jobs, WireDescriptor.ORDER);
            m.putInt(at + Long.BYTES + Integer.BYTES, answerLength, WireDescriptor.ORDER);
            at += WireDescriptor.ANSWER_HEADER_LENGTH;
            for (int j = 0; j < jobs; j++)
            {
                m.putInt(at, WireDescriptor.STATUS_OK, WireDescriptor.ORDER);
                m.putInt(at + Integer.BYTES, Long.BYTES, WireDescriptor.ORDER);
                at += WireDescriptor.JOB_OUTCOME_HEADER_LENGTH + Long.BYTES; // the result: 8 zero bytes
            }
        }
        return m;
    }

    @Test
    void shouldHearOnBothEndsWhyAnAgentRefusedTheSession() throws Exception
    {
        // The agent's local pool takes frames of up to 4096 bytes; this coordinator sends up to 8192.
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try (ProcessPool pool = coordinator(endpoint).maxJobBytes(8192).logSink(log::add).start())
        {
            final Process p = children.start(AgentChild.class, "pool", endpoint, "127.0.0.2", "1",
                TestHandlers.class.getName(), "60000");
            assertEquals(1, children.await(p, Duration.ofSeconds(60)), children.output(p));
            assertTrue(children.output(p).contains("sends items of up to 8192 bytes; this agent takes 4096"),
                children.output(p));
            // It said why in its goodbye: the coordinator gave the host up at once, not after its host timeout.
            ChildJvms.awaitCondition("the coordinator to hear why", Duration.ofSeconds(30),
                () -> log.stream().anyMatch(l -> l.contains("it left: the agent refused the session: the " +
                    "coordinator sends items of up to 8192 bytes")));
            // It never took the session, so it never counted as a host (a --min-hosts wait was met by it before).
            assertEquals(0, pool.remoteHostsJoined(), log.toString());
            assertTrue(log.stream().noneMatch(l -> l.contains("joined")), log.toString());
        }
    }

    @Test
    void shouldGiveUpAStalledHostAndTakeItBackAsANewOne() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try (ProcessPool pool = coordinator(endpoint).hostTimeout(Duration.ofSeconds(1)).remoteWindow(8)
            .logSink(log::add).start())
        {
            final Process a = agent(endpoint, "127.0.0.2", TestHandlers.class);
            agent(endpoint, "127.0.0.3", TestHandlers.class);
            ChildJvms.awaitCondition("two hosts", Duration.ofSeconds(30), () -> pool.remoteHosts() == 2);
            final List<CompletableFuture<byte[]>> first = mixJobs(pool, 0, 3_000, 200);
            ChildJvms.awaitCondition("some jobs done", Duration.ofSeconds(60), () -> pool.stats().completed() >= 300);
            signal(a, "STOP"); // silent, as behind a cut link: its results, if any, come late
            ChildJvms.awaitCondition("the stalled host given up", Duration.ofSeconds(30),
                () -> pool.remoteHosts() == 1);
            signal(a, "CONT");
            ChildJvms.awaitCondition("the host back as a new one", Duration.ofSeconds(30),
                () -> pool.remoteHosts() == 2 && children.output(a).contains("as host 3"));
            final List<CompletableFuture<byte[]>> second = mixJobs(pool, 3_000, 3_000, 100);
            assertMixed(first, 0);
            assertMixed(second, 3_000);
            assertTrue(children.output(a).contains("lost the coordinator"), children.output(a));
            assertEquals(0, pool.stats().failed());
        }
    }

    @Test
    void shouldBoundWhatAStalledHostHoldsByItsWindow() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(1).listen(endpoint)
            .remoteWindow(2).hostTimeout(Duration.ofSeconds(60)).logSink(log::add).start())
        {
            final Process a = agent(endpoint, "127.0.0.2", TestHandlers.class);
            ChildJvms.awaitCondition("the host", Duration.ofSeconds(30), () -> pool.remoteHosts() == 1);
            signal(a, "STOP");
            final List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (long i = 0; i < 300; i++)
            {
                futures.add(pool.submit(TestHandlers.SQUARE, i));
            }
            // The local worker does all but what the stalled host took: at most its window of frames.
            ChildJvms.awaitCondition("all but the window done", Duration.ofSeconds(60),
                () -> pool.stats().completed() >= 298 && pool.stats().pending() <= 2);
            signal(a, "CONT");
            for (int i = 0; i < futures.size(); i++)
            {
                assertEquals((long)i * i, futures.get(i).get(60, TimeUnit.SECONDS));
            }
        }
    }

    /**
     * A frame a lost host held goes back into the ring when no host is left; its delivery on the host counts on
     * there (it started again at 1, so a job that kills every host it lands on could cycle past maxAttempts).
     */
    @Test
    void shouldCountAHandedBackFramesDeliveriesOnItsLostHost() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(1).listen(endpoint)
            .remoteWindow(1).hostTimeout(Duration.ofSeconds(1)).logSink(log::add).start())
        {
            final Process a = agent(endpoint, "127.0.0.2", TestHandlers.class);
            ChildJvms.awaitCondition("the host", Duration.ofSeconds(30), () -> pool.remoteHosts() == 1);
            signal(a, "STOP"); // what it takes now it holds until it is given up
            final List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++)
            {
                futures.add(pool.submit(TestHandlers.ATTEMPT, new byte[0]));
            }
            ChildJvms.awaitCondition("the stalled host given up", Duration.ofSeconds(30),
                () -> pool.remoteHosts() == 0);
            children.kill(a);
            int second = 0;
            for (final CompletableFuture<byte[]> f : futures)
            {
                final long attempt = Codecs.LONG.decode(f.get(60, TimeUnit.SECONDS));
                assertTrue(attempt == 1 || attempt == 2, "attempt " + attempt);
                second += attempt == 2 ? 1 : 0;
            }
            assertTrue(pool.remoteRedelivered() >= 1, "the host held a frame: " + log);
            assertEquals(pool.remoteRedelivered(), second, "each frame the host held ran locally as its 2nd delivery");
        }
    }

    @Test
    void shouldFailAJobThatKillsItsWorkerOnTheHostAloneAfterMaxAttempts() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try (ProcessPool pool = coordinator(endpoint).logSink(log::add).start())
        {
            agent(endpoint, "127.0.0.2", TestHandlers.class);
            ChildJvms.awaitCondition("the host", Duration.ofSeconds(30), () -> pool.remoteHosts() == 1);
            final CompletableFuture<byte[]> poison = pool.submit(TestHandlers.HALT, new byte[0]);
            final List<CompletableFuture<Long>> fine = new ArrayList<>();
            for (long i = 0; i < 50; i++)
            {
                fine.add(pool.submit(TestHandlers.SQUARE, i));
            }
            final ExecutionException ex = assertThrows(ExecutionException.class,
                () -> poison.get(120, TimeUnit.SECONDS));
            assertInstanceOf(JobFailedException.class, ex.getCause());
            assertTrue(ex.getCause().getMessage().contains("on host") &&
                ex.getCause().getMessage().contains("died on each of"), ex.getCause().getMessage());
            for (int i = 0; i < fine.size(); i++)
            {
                assertEquals((long)i * i, fine.get(i).get(60, TimeUnit.SECONDS), "the others are not harmed");
            }
            assertEquals(1, pool.remoteHosts(), "the host itself stays: only its worker died");
        }
    }

    @Test
    void shouldFailAJobWhoseHandlerTheHostLacksNamingIt() throws Exception
    {
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        try (ProcessPool pool = coordinator(endpoint).logSink(log::add).start())
        {
            agent(endpoint, "127.0.0.2", OtherHandlers.class);
            ChildJvms.awaitCondition("the host", Duration.ofSeconds(30), () -> pool.remoteHosts() == 1);
            final ExecutionException ex = assertThrows(ExecutionException.class,
                () -> pool.submit(TestHandlers.SQUARE, 3L).get(30, TimeUnit.SECONDS));
            assertInstanceOf(JobFailedException.class, ex.getCause());
            assertTrue(ex.getCause().getMessage().contains("no handler named 'square'") &&
                ex.getCause().getMessage().contains("on host"), ex.getCause().getMessage());
        }
    }

    @Test
    void shouldBreakThePoolWhenTheHubThreadFailsInsteadOfLeavingItsJobsWaiting() throws Exception
    {
        // No host ever joins, so the job waits at the hub; then the hub's thread fails (the test hook stands for a
        // bug). Its job could never be answered: the pool must fail it, without join, and refuse new jobs.
        final String endpoint = "127.0.0.2:" + freeUdpPort();
        System.setProperty(RemoteHub.TEST_FAULT_PROPERTY, "1000");
        final ProcessPool pool;
        try
        {
            pool = coordinator(endpoint).logSink(log::add).start();
        }
        finally
        {
            System.clearProperty(RemoteHub.TEST_FAULT_PROPERTY);
        }
        try (pool)
        {
            final CompletableFuture<Long> waiting = pool.submit(TestHandlers.SQUARE, 7L);
            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> waiting.get(60, TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof JobFailedException &&
                failed.getCause().getMessage().contains("pool broken: the remote side stopped on an error") &&
                failed.getCause().getMessage().contains("test fault"), failed.getCause().toString());
            final RejectedExecutionException refused = assertThrows(RejectedExecutionException.class,
                () -> pool.submit(TestHandlers.SQUARE, 8L));
            assertTrue(refused.getMessage().startsWith("pool broken: "), refused.getMessage());
            assertThrows(RejectedExecutionException.class,
                () -> pool.map(TestHandlers.SQUARE, List.of(1L, 2L), 2));
            assertTrue(pool.join(Duration.ofSeconds(5)), "nothing left pending");
        }
        assertTrue(String.join("\n", log).contains("[pool] broken: the remote side stopped"), String.join("\n", log));
    }

    @Test
    void shouldSayWhenTheCoordinatorIsUnreachable()
    {
        final Process p = children.start(AgentChild.class, "pool", "127.0.0.1:" + freeUdpPort(), "127.0.0.2", "1",
            TestHandlers.class.getName(), "1500");
        assertEquals(1, children.await(p, Duration.ofSeconds(60)), children.output(p));
        assertTrue(children.output(p).contains("is unreachable: no answer in 1 s"), children.output(p));
    }

    @Test
    void shouldNameAListenEndpointItCannotUse()
    {
        final IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
            () -> coordinator("nowhere").logSink(log::add).start());
        assertTrue(malformed.getMessage().contains("listen endpoint must be HOST:PORT: 'nowhere'"),
            malformed.getMessage());
        // 192.0.2.0/24 is reserved for documentation: no interface of this machine has it.
        final RuntimeException foreign = assertThrows(RuntimeException.class,
            () -> coordinator("192.0.2.1:" + freeUdpPort()).logSink(log::add).start());
        assertTrue(foreign.getMessage().contains("cannot listen on 192.0.2.1"), foreign.toString());
    }
}
