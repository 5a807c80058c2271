package dev.shoal.remote;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.ScheduleEntry;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A heap served to consumers on other hosts (child JVMs on loopback addresses): records popped, processed and
 * rescheduled remotely; a host killed with records in hand returns them; at the end every record is in the heap
 * exactly once.
 */
@Timeout(120)
class RemoteHeapTest
{
    private static final int RECORDS = 500;

    @TempDir
    Path dir;

    private ChildJvms children;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void children()
    {
        children = new ChildJvms(dir);
    }

    @AfterEach
    void reap()
    {
        children.close();
    }

    private Process heapAgent(final String endpoint, final String bind)
    {
        final Process p = children.start(AgentChild.class, "heap", endpoint, bind, "2", "5", "60000");
        ChildJvms.awaitCondition("heap agent on " + bind + " to connect", Duration.ofSeconds(60),
            () -> children.output(p).contains("connected to") || !p.isAlive());
        assertTrue(p.isAlive(), children.output(p));
        return p;
    }

    private static long reschedules(final Region region)
    {
        return ScheduleHeap.stats(region, "h").counters().reschedules();
    }

    @Test
    void shouldServeTheHeapToRemoteConsumersAndReturnWhatALostHostHeld() throws Exception
    {
        final String endpoint = "127.0.0.1:" + RemoteHostsTest.freeUdpPort();
        final RegionSpec spec = RegionSpec.builder().add(ScheduleHeap.spec("h", 1024, 16)).build();
        try (Region region = Region.create(dir.resolve("heap-region").toString(), spec);
            ScheduleHeap filler = ScheduleHeap.open(region, "h"))
        {
            final long now = System.currentTimeMillis();
            for (int i = 0; i < RECORDS; i++)
            {
                filler.push(now, ByteBuffer.allocate(8).putLong(0, i).array());
            }
            try (HeapServer server = HeapServer.builder(region, "h").listen(endpoint).window(16)
                    .hostTimeout(Duration.ofSeconds(1)).log(log::add).start())
            {
                final Process a = heapAgent(endpoint, "127.0.0.2");
                final Process b = heapAgent(endpoint, "127.0.0.3");
                ChildJvms.awaitCondition("two hosts", Duration.ofSeconds(30), () -> server.hosts() == 2);
                ChildJvms.awaitCondition("records rescheduled remotely", Duration.ofSeconds(60),
                    () -> reschedules(region) >= 3 * RECORDS);
                children.kill(a);
                ChildJvms.awaitCondition("the killed host given up", Duration.ofSeconds(30),
                    () -> server.hosts() == 1);
                assertTrue(server.returned() > 0, "host A held records when it died: " + log);
                final long before = reschedules(region);
                ChildJvms.awaitCondition("host B carrying on", Duration.ofSeconds(60),
                    () -> reschedules(region) >= before + 2 * RECORDS);
                server.close();
                assertEquals(0, children.await(b, Duration.ofSeconds(30)), children.output(b));
            }
            // Every record once: none lost with the killed host, none doubled.
            final List<ScheduleEntry> all = filler.snapshot();
            assertEquals(RECORDS, all.size());
            final Set<Long> numbers = new HashSet<>();
            for (final ScheduleEntry e : all)
            {
                assertTrue(numbers.add(ByteBuffer.wrap(e.payload()).getLong(0)), "record twice: " + e);
            }
            assertEquals(RECORDS, filler.size());
        }
    }

    /**
     * A processor that throws an Error (an assertion, say) killed its consumer thread: the agent kept
     * heartbeating, so its host was never given up, and the records it held stayed out of the heap for good.
     */
    @Test
    void shouldRescheduleARecordWhoseProcessorThrowsAnErrorAndCarryOn() throws Exception
    {
        final String endpoint = "127.0.0.1:" + RemoteHostsTest.freeUdpPort();
        final int records = 100;
        final RegionSpec spec = RegionSpec.builder().add(ScheduleHeap.spec("h", 256, 16)).build();
        try (Region region = Region.create(dir.resolve("heap-region").toString(), spec);
            ScheduleHeap filler = ScheduleHeap.open(region, "h"))
        {
            final long now = System.currentTimeMillis();
            for (int i = 0; i < records; i++)
            {
                filler.push(now, ByteBuffer.allocate(8).putLong(0, i).array());
            }
            try (HeapServer server = HeapServer.builder(region, "h").listen(endpoint).window(4).log(log::add)
                .start())
            {
                final Process p = children.start(AgentChild.class, "heap-error", endpoint, "127.0.0.2", "2", "5",
                    "60000");
                ChildJvms.awaitCondition("records rescheduled past the failures", Duration.ofSeconds(60),
                    () -> reschedules(region) >= 3 * records || !p.isAlive());
                assertTrue(p.isAlive(), children.output(p));
                assertTrue(children.output(p).contains("failed, rescheduled at its key: java.lang.AssertionError: " +
                    "bad record"), children.output(p));
                server.close();
                assertEquals(0, children.await(p, Duration.ofSeconds(30)), children.output(p));
            }
            assertEquals(records, filler.size(), "every record back in the heap");
        }
    }

    @Test
    void shouldRefuseAnAgentOfTheOtherKindSayingWhy() throws Exception
    {
        final String endpoint = "127.0.0.1:" + RemoteHostsTest.freeUdpPort();
        final RegionSpec spec = RegionSpec.builder().add(ScheduleHeap.spec("h", 16, 16)).build();
        try (Region region = Region.create(dir.resolve("heap-region").toString(), spec);
            HeapServer server = HeapServer.builder(region, "h").listen(endpoint).log(log::add).start())
        {
            final Process p = children.start(AgentChild.class, "pool", endpoint, "127.0.0.2", "1",
                dev.shoal.pool.TestHandlers.class.getName(), "30000");
            assertEquals(1, children.await(p, Duration.ofSeconds(60)), children.output(p));
            assertTrue(children.output(p).contains("refused this agent: this endpoint serves a heap, not a pool"),
                children.output(p));
            assertEquals(0, server.hosts());
            final IllegalArgumentException noListen = assertThrows(IllegalArgumentException.class,
                () -> HeapServer.builder(region, "h").start());
            assertTrue(noListen.getMessage().contains("needs listen(HOST:PORT)"), noListen.getMessage());
        }
    }
}
