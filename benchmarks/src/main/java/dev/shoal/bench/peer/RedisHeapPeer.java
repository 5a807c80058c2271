package dev.shoal.bench.peer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.proc.CrossProcessCase;
import dev.shoal.bench.proc.Pinning;
import dev.shoal.bench.proc.RunRecord;

/**
 * The heap workload through Redis on loopback: a sorted set of {@code records} members; two client JVMs each do
 * {@code ZPOPMIN} then {@code ZADD} with a later score, over RESP on a plain socket. The server is started by
 * {@code benchmarks/peers/redis/start-redis.sh} (which installs Debian's redis-server when missing) on a free
 * port of 127.0.0.1 without persistence, and killed at the end. Redis does about 1/20 of the pairs per run of
 * the in-memory peers, so runs take similar time.
 */
public final class RedisHeapPeer implements PeerImpl
{
    private static final String SCRIPT = "redis/start-redis.sh";
    private String installFailure;
    private boolean installTried;

    @Override
    public String impl()
    {
        return "redis";
    }

    @Override
    public synchronized String skipReason(final CaseParams params)
    {
        final Path script = PeerFiles.find(SCRIPT);
        if (script == null)
        {
            return "benchmarks/peers/" + SCRIPT + " not found (set -Dshoal.bench.peers=DIR)";
        }
        if (!installTried)
        {
            installTried = true;
            installFailure = install(script);
        }
        return installFailure;
    }

    private static String install(final Path script)
    {
        try
        {
            final Process p = new ProcessBuilder("bash", script.toString(), "install")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(150, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                return "redis-server install took over 150 s";
            }
            return p.exitValue() == 0 ? null : "redis-server not installed and apt-get install failed";
        }
        catch (final IOException ex)
        {
            return "cannot run " + script + ": " + ex.getMessage();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public List<Measurement> run(final CaseParams params) throws Exception
    {
        final long ops = Math.max(Counter.WORKERS, params.opsPerRun() / 20 / Counter.WORKERS * Counter.WORKERS);
        final int port = freePort();
        final Process server = new ProcessBuilder("bash", PeerFiles.find(SCRIPT).toString(), "run",
            Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (CrossProcessCase shared = new CrossProcessCase("redis-heap"))
        {
            try (Resp admin = connect(port, server))
            {
                fill(admin, params.records());
                for (int w = 0; w < Counter.WORKERS; w++)
                {
                    shared.start(RedisHeapTask.class, shared.baseArgs().put("port", port)
                        .put("records", params.records()).put("ops", ops / Counter.WORKERS),
                        Pinning.cpuFor(w, Counter.WORKERS), ProcessHandoffPeer.CHILD_JVM);
                }
                final List<RunRecord[]> runs = shared.runAll(params.totalRuns(), Duration.ofSeconds(60));
                final Object card = admin.call("ZCARD", RedisHeapTask.KEY);
                if (!Long.valueOf(params.records()).equals(card))
                {
                    throw new IllegalStateException("redis heap holds " + card + " records, expected " +
                        params.records());
                }
                return List.of(Measurement.of(Counter.samples(runs, params.warmups(), ops),
                    Pinning.pins(Counter.WORKERS), Counter.WORKERS + 1).with("records", params.records())
                    .with("workers", Counter.WORKERS).with("transport", "loopback-tcp"));
            }
        }
        finally
        {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void fill(final Resp admin, final int records) throws IOException
    {
        admin.call("DEL", RedisHeapTask.KEY);
        for (int i = 0; i < records; i++)
        {
            admin.send("ZADD", RedisHeapTask.KEY, Integer.toString(i), Integer.toString(i));
        }
        admin.flush();
        for (int i = 0; i < records; i++)
        {
            admin.read();
        }
    }

    private static Resp connect(final int port, final Process server) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            try
            {
                final Resp resp = new Resp(port);
                resp.call("PING");
                return resp;
            }
            catch (final IOException ex)
            {
                if (!server.isAlive() || System.nanoTime() > deadline)
                {
                    throw new IOException("redis-server did not start on 127.0.0.1:" + port, ex);
                }
                Thread.sleep(50);
            }
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
