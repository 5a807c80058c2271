package dev.shoal.remote;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.TestHandlers;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A coordinator pool in this JVM, agents in child JVMs on distinct loopback addresses.
 */
@Timeout(120)
class RemoteHostsTest
{
    @TempDir
    Path dir;

    private ChildJvms children;

    @AfterEach
    void reap()
    {
        if (children != null)
        {
            children.close();
        }
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

    @Test
    void shouldRunEveryJobOnARemoteHostAndLetItGoAtClose() throws Exception
    {
        children = new ChildJvms(dir);
        final String endpoint = "127.0.0.1:" + freeUdpPort();
        final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        final Process agent;
        try (ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(0).listen(endpoint)
            .logSink(log::add).start())
        {
            agent = children.start(AgentChild.class, endpoint, "127.0.0.2", "1", TestHandlers.class.getName());
            ChildJvms.awaitCondition("the agent to join", Duration.ofSeconds(60), () -> pool.remoteHosts() == 1);
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
            final CompletableFuture<Long> one = pool.submit(TestHandlers.SQUARE, 9L);
            assertEquals(81L, one.get());
        }
        assertEquals(0, children.await(agent, Duration.ofSeconds(30)), children.output(agent));
        assertTrue(children.output(agent).contains("closed; exiting"), children.output(agent));
    }
}
