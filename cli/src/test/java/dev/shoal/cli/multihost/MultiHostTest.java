package dev.shoal.cli.multihost;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.shoal.cli.ShoalCli;
import dev.shoal.process.JavaProcess;
import dev.shoal.testing.ChildJvms;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool demo with its workers on other hosts: {@code shoal demo pool --listen} on a coordinator host,
 * {@code shoal agent --connect} on two worker hosts, each host a network namespace made and removed here (or a
 * loopback address where namespaces cannot be made, see {@link TestHosts}). A host is killed, cut off and brought
 * back, or joins late, mid-run; every job's result is checked by the demo, and no process or namespace is left.
 */
@Timeout(300)
class MultiHostTest
{
    private static final Pattern PIDS = Pattern.compile("local worker pids \\[([0-9, ]*)]");
    private static final Pattern HOST_ID = Pattern.compile("as host (\\d+) ");
    private static TestHosts hosts;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();

    @BeforeAll
    static void makeHosts()
    {
        hosts = TestHosts.create();
    }

    @AfterAll
    static void removeHosts()
    {
        hosts.close();
        final String tag = "sh" + (ProcessHandle.current().pid() % 100_000) + "-";
        assertFalse(TestHosts.namespacesNow().contains(tag), "namespaces left: " + TestHosts.namespacesNow());
    }

    @AfterEach
    void reap() throws Exception
    {
        final List<Long> workers = new ArrayList<>();
        for (int i = 0; i < started.size(); i++)
        {
            final Matcher m = PIDS.matcher(output(i));
            while (m.find())
            {
                for (final String pid : m.group(1).split(",\\s*"))
                {
                    workers.add(Long.parseLong(pid.trim()));
                }
            }
        }
        for (final Process p : started)
        {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            removeAeronDirectories(p.pid());
        }
        // An agent's workers halt once their agent is gone, however it went: no orphan on any host.
        ChildJvms.awaitCondition("every agent's workers to exit", Duration.ofSeconds(30), () -> workers.stream()
            .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    /**
     * A process killed with SIGKILL leaves its embedded Aeron driver's directory on /dev/shm (the next Shoal process
     * to start Aeron on the machine sweeps it); the test removes those of its own processes, all dead by now.
     */
    private static void removeAeronDirectories(final long pid)
    {
        final File[] left = new File("/dev/shm").listFiles((d, n) -> n.startsWith("shoal-aeron-" + pid + "-"));
        for (final File f : left == null ? new File[0] : left)
        {
            IoUtil.delete(f, false);
        }
    }

    private static List<String> shoal(final String... args)
    {
        return JavaProcess.of(ShoalCli.class).jvmOption("-Xmx256m").jvmOption("-XX:+UseSerialGC").args(args)
            .command();
    }

    private Process start(final String name, final List<String> command) throws IOException
    {
        final Path out = dir.resolve(name + ".log");
        final Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        started.add(p);
        outputs.add(out);
        return p;
    }

    private String output(final int i)
    {
        try
        {
            return Files.readString(outputs.get(i), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    private String output(final Process p)
    {
        return output(started.indexOf(p));
    }

    private void awaitOutput(final Process p, final String text, final Duration timeout)
    {
        ChildJvms.awaitCondition("'" + text + "' from " + p.pid(), timeout,
            () -> output(p).contains(text) || !p.isAlive());
        assertTrue(output(p).contains(text), "expected '" + text + "' in:\n" + output(p));
    }

    private static int port()
    {
        if (hosts.namespaces())
        {
            return 40_123; // a fresh namespace has every port free
        }
        try (DatagramSocket s = new DatagramSocket(0))
        {
            return s.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** A coordinator that gives a host up after 1 s of silence: the tests that cut or kill one wait that long. */
    private Process coordinator(final int port, final int jobs, final int minHosts) throws IOException
    {
        return coordinator(port, jobs, minHosts, 1000);
    }

    private Process coordinator(final int port, final int jobs, final int minHosts, final int hostTimeoutMs)
        throws IOException
    {
        return start("coordinator", hosts.onCoordinator(shoal("demo", "pool", "--listen",
            hosts.listenAddress() + ":" + port, "--local-workers", "0", "--jobs", Integer.toString(jobs),
            "--work-us", "50", "--batch", "4", "--min-hosts", Integer.toString(minHosts), "--host-timeout",
            Integer.toString(hostTimeoutMs), "--host-wait", "60", "--json")));
    }

    private Process agent(final String name, final TestHosts.Host host, final int port) throws IOException
    {
        return start(name, TestHosts.on(host, shoal("agent", "--connect", host.coordinatorAddress() + ":" + port,
            "--bind", host.address(), "--workers", "1", "--connect-timeout", "20")));
    }

    /**
     * @return the demo's JSON, after checking that every job came back right.
     */
    private Map<String, Object> verifiedRun(final Process coordinator, final int jobs) throws Exception
    {
        final Map<String, Object> r = jsonOf(coordinator);
        final String line = r.toString();
        assertEquals(jobs, ((Number)r.get("done")).intValue(), line);
        assertEquals(0, ((Number)r.get("wrong")).intValue(), line);
        assertEquals(0, ((Number)r.get("failed")).intValue(), line);
        assertEquals(Boolean.TRUE, r.get("verified"), line);
        return r;
    }

    /**
     * @return the JSON line of a demo that exited 0.
     */
    private Map<String, Object> jsonOf(final Process coordinator) throws Exception
    {
        assertTrue(coordinator.waitFor(180, TimeUnit.SECONDS), "coordinator still running:\n" + output(coordinator));
        assertEquals(0, coordinator.exitValue(), output(coordinator));
        final String line = output(coordinator).lines().filter(l -> l.startsWith("{")).findFirst()
            .orElseThrow(() -> new AssertionError("no JSON line:\n" + output(coordinator)));
        return JSON.std.mapFrom(line);
    }

    private static int hostId(final String agentOutput, final int nth)
    {
        final Matcher m = HOST_ID.matcher(agentOutput);
        for (int i = 0; i <= nth; i++)
        {
            assertTrue(m.find(), "connection " + (nth + 1) + " not in:\n" + agentOutput);
        }
        return Integer.parseInt(m.group(1));
    }

    @Test
    void shouldFinishEveryJobWhenAWholeHostIsKilledMidRun() throws Exception
    {
        final int port = port();
        final int jobs = 40_000;
        final Process coordinator = coordinator(port, jobs, 2);
        final Process a = agent("agent-a", hosts.worker(0), port);
        final Process b = agent("agent-b", hosts.worker(1), port);
        awaitOutput(a, "work arriving", Duration.ofSeconds(60));
        assertTrue(output(a).contains("receiving on " + hosts.worker(0).address() + ":"), output(a));
        a.destroyForcibly(); // the agent and, with it, its workers: the whole host
        a.waitFor(30, TimeUnit.SECONDS);
        final Map<String, Object> r = verifiedRun(coordinator, jobs);
        assertEquals(2, ((Number)r.get("remote_joined")).intValue(), r.toString());
        assertTrue(((Number)r.get("redelivered")).intValue() > 0, "the killed host held jobs: " + r);
        assertTrue(output(coordinator).contains("[remote] gave up host " + hostId(output(a), 0)), output(coordinator));
        assertTrue(b.waitFor(30, TimeUnit.SECONDS), output(b));
        assertEquals(0, b.exitValue(), output(b)); // told goodbye by the coordinator's close
    }

    /**
     * More jobs than the ring holds, and the only host killed while the coordinator still submits: its submit
     * waited for room in the ring for ever (the host wait was looked at only once every job was submitted).
     */
    @Test
    void shouldGiveUpARunWhoseOnlyHostIsGoneWhileItStillSubmits() throws Exception
    {
        final int port = port();
        final Process coordinator = start("coordinator", hosts.onCoordinator(shoal("demo", "pool", "--listen",
            hosts.listenAddress() + ":" + port, "--local-workers", "0", "--jobs", "8000", "--work-us", "2000",
            "--batch", "4", "--min-hosts", "1", "--host-timeout", "1000", "--host-wait", "2", "--json")));
        final Process a = agent("agent-a", hosts.worker(0), port);
        awaitOutput(a, "work arriving", Duration.ofSeconds(60));
        a.destroyForcibly();
        a.waitFor(30, TimeUnit.SECONDS);
        assertTrue(coordinator.waitFor(60, TimeUnit.SECONDS), "coordinator still running:\n" + output(coordinator));
        assertEquals(1, coordinator.exitValue(), output(coordinator));
        assertTrue(output(coordinator).contains("shoal demo pool: every agent of " + hosts.listenAddress() + ":" +
            port + " is gone and none came back within 2 s"), output(coordinator));
    }

    @Test
    @Tag("soak") // 15-25 s: in CI's soak step, out of mvn verify (docs/multi-host.md)
    void shouldRedeliverWhenAHostsLinkIsCutAndTakeItBackWhenRestored() throws Exception
    {
        final int port = port();
        final int jobs = 200_000;
        final Process coordinator = coordinator(port, jobs, 2);
        final TestHosts.Host hostA = hosts.worker(0);
        final Process a = agent("agent-a", hostA, port);
        agent("agent-b", hosts.worker(1), port);
        awaitOutput(a, "work arriving", Duration.ofSeconds(60));
        final int first = hostId(output(a), 0);
        cut(a, hostA, true);
        awaitOutput(coordinator, "[remote] gave up host " + first, Duration.ofSeconds(30));
        cut(a, hostA, false);
        awaitOutput(a, "lost the coordinator", Duration.ofSeconds(30));
        ChildJvms.awaitCondition("host A back as a new host", Duration.ofSeconds(30),
            () -> HOST_ID.matcher(output(a)).results().count() >= 2 || !coordinator.isAlive());
        final Map<String, Object> r = verifiedRun(coordinator, jobs);
        assertTrue(((Number)r.get("redelivered")).intValue() > 0, "the cut host held jobs: " + r);
        assertEquals(3, ((Number)r.get("remote_joined")).intValue(), "A, B, then A again: " + r +
            "\nA:\n" + output(a));
    }

    /**
     * Cuts (or restores) a host's link; on loopback hosts, stops (or continues) its agent, which the coordinator
     * cannot tell from a cut link: silence.
     */
    private static void cut(final Process agent, final TestHosts.Host host, final boolean cut) throws Exception
    {
        if (hosts.namespaces())
        {
            TestHosts.link(host, !cut);
            return;
        }
        final Process kill = new ProcessBuilder("kill", cut ? "-STOP" : "-CONT", Long.toString(agent.pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0);
    }

    @Test
    @Tag("soak") // 15-25 s: in CI's soak step, out of mvn verify (docs/multi-host.md)
    void shouldTakeAHostThatJoinsMidRun() throws Exception
    {
        final int port = port();
        final int jobs = 100_000;
        // No host is lost here: a long timeout, so that an agent starved for a second on this 2-core machine (a
        // worker JVM starting beside it) is not given up and counted again when it rejoins.
        final Process coordinator = coordinator(port, jobs, 1, 10_000);
        final Process a = agent("agent-a", hosts.worker(0), port);
        awaitOutput(a, "work arriving", Duration.ofSeconds(60));
        final Process b = agent("agent-b", hosts.worker(1), port);
        awaitOutput(b, "work arriving", Duration.ofSeconds(60));
        final Map<String, Object> r = verifiedRun(coordinator, jobs);
        assertEquals(2, ((Number)r.get("remote_joined")).intValue(), r.toString());
        assertEquals(2, ((Number)r.get("remote_hosts")).intValue(), r.toString());
    }

    @Test
    void shouldServeTheSchedulerHeapToOtherHostsWithAHostKilledMidRun() throws Exception
    {
        final int port = port();
        final Process coordinator = start("scheduler", hosts.onCoordinator(shoal("demo", "scheduler", "--listen",
            hosts.listenAddress() + ":" + port, "--local-workers", "1", "--records", "2000", "--seconds", "6",
            "--min-hosts", "2", "--host-timeout", "1000", "--json")));
        final List<Process> agents = new ArrayList<>();
        for (int i = 0; i < 2; i++)
        {
            final TestHosts.Host host = hosts.worker(i);
            agents.add(start("heap-agent-" + i, TestHosts.on(host, shoal("agent", "--connect",
                host.coordinatorAddress() + ":" + port, "--bind", host.address(), "--scheduler", "--workers", "2",
                "--connect-timeout", "20"))));
        }
        awaitOutput(agents.get(0), "work arriving", Duration.ofSeconds(60));
        agents.get(0).destroyForcibly(); // with the records it holds
        agents.get(0).waitFor(30, TimeUnit.SECONDS);
        final Map<String, Object> r = jsonOf(coordinator);
        final String line = r.toString();
        assertEquals(Boolean.TRUE, r.get("verified"), "every record present exactly once: " + line);
        assertEquals(2, ((Number)r.get("remote_joined")).intValue(), line);
        assertTrue(((Number)r.get("returned")).intValue() > 0, "the killed host's records came back: " + line);
        assertTrue(output(coordinator).contains("[remote] gave up host"), output(coordinator));
        assertTrue(agents.get(1).waitFor(30, TimeUnit.SECONDS), output(agents.get(1)));
        assertEquals(0, agents.get(1).exitValue(), output(agents.get(1)));
    }

    @Test
    void shouldSayOnBothEndsWhenTheOtherIsUnreachable() throws Exception
    {
        final int port = port();
        final Process agent = start("lonely-agent", TestHosts.on(hosts.worker(0), shoal("agent", "--connect",
            hosts.worker(0).coordinatorAddress() + ":" + port, "--bind", hosts.worker(0).address(),
            "--workers", "1", "--connect-timeout", "2")));
        final Process coordinator = start("lonely-coordinator", hosts.onCoordinator(shoal("demo", "pool",
            "--listen", hosts.listenAddress() + ":" + (port + 1), "--local-workers", "0", "--jobs", "10",
            "--host-wait", "2", "--json")));
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, agent.exitValue(), output(agent));
        assertTrue(output(agent).contains("shoal agent: the coordinator at " +
            hosts.worker(0).coordinatorAddress() + ":" + port + " is unreachable: no answer in 2 s"), output(agent));
        assertTrue(coordinator.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, coordinator.exitValue(), output(coordinator));
        assertTrue(output(coordinator).contains("shoal demo pool: no agent connected to " + hosts.listenAddress() +
            ":" + (port + 1) + " within 2 s"), output(coordinator));
        assertFalse(new File("/dev/shm").list((d, n) -> n.startsWith("shoal-aeron-" + agent.pid() + "-")).length > 0,
            "the agent's Aeron directory is removed");
    }
}
