package dev.shoal.crossprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.SharedLongArray;
import dev.shoal.testing.ChildJvms;

import static dev.shoal.crossprocess.RingChild.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The job ring across real JVMs: exactly-once delivery, a consumer killed with SIGKILL mid-run, and a producer
 * that halts between claiming a slot and publishing it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RingProcessTest
{
    /** Bytes of every test job. */
    static final int JOB_BYTES = 48;
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(40);
    private static final int MAX_IDS = 40_000;

    @TempDir
    Path dir;

    private ChildJvms children;
    private Region region;
    private String path;

    @BeforeEach
    void setUp() throws IOException
    {
        children = new ChildJvms(Files.createDirectories(dir.resolve("logs")));
        path = ChildJvms.regionPath(dir).toString();
        region = Region.create(path, RegionSpec.builder()
            .jobRing(RING, 64, 64)
            .longArray(SEEN, MAX_IDS)
            .longArray(CONTROL, 4)
            .participants(32)
            .build());
    }

    @AfterEach
    void tearDown()
    {
        children.close();
        region.close();
    }

    @ParameterizedTest(name = "producers={0} consumers={1}")
    @CsvSource({ "1, 3", "3, 1", "2, 2" })
    void shouldDeliverEveryJobExactlyOnceAcrossProcesses(final int producers, final int consumers)
    {
        final int perProducer = 6_000;
        final List<Process> consumerProcesses = startConsumers(consumers, 0);
        final List<Process> producerProcesses = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            producerProcesses.add(children.start(RingChild.class, "produce", path, Integer.toString(perProducer)));
        }
        producerProcesses.forEach(p -> children.awaitSuccess(p, CHILD_TIMEOUT));
        final JobRing ring = JobRing.open(region, RING);
        assertTrue(ring.join(Duration.ofSeconds(30), new BackoffIdleStrategy()), () -> "join timed out: " +
            ring.stats());
        stop(consumerProcesses);

        final int total = producers * perProducer;
        final long[] seen = region.longArray(SEEN).snapshot();
        for (int id = 0; id < total; id++)
        {
            assertEquals(1, seen[id], "deliveries of job " + id);
        }
        assertEquals(0, seen[total], "no job beyond the last id");
        assertEquals(0, region.longArray(CONTROL).get(BAD), "corrupt payloads");
        assertEquals(total, ring.submitted());
        assertEquals(total, ring.completed());
        assertEquals(0, ring.redelivered());
        assertEquals(0, ring.abandoned());
    }

    @Test
    void shouldCompleteEveryJobWhenAConsumerIsKilledMidRun()
    {
        final int total = 8_000;
        final List<Process> consumerProcesses = startConsumers(3, 100);
        final Process producer = children.start(RingChild.class, "produce", path, Integer.toString(total));
        final JobRing ring = JobRing.open(region, RING);
        ChildJvms.awaitCondition("a quarter of the jobs done", Duration.ofSeconds(30),
            () -> ring.completed() > total / 4);
        final Process victim = consumerProcesses.remove(0);
        children.kill(victim);
        children.awaitSuccess(producer, CHILD_TIMEOUT);
        assertTrue(ring.join(Duration.ofSeconds(30), new BackoffIdleStrategy()), () -> "join timed out: " +
            ring.stats());
        stop(consumerProcesses);

        final long[] seen = region.longArray(SEEN).snapshot();
        int duplicates = 0;
        for (int id = 0; id < total; id++)
        {
            assertTrue(seen[id] == 1 || seen[id] == 2, "job " + id + " seen " + seen[id] + " times");
            duplicates += seen[id] == 2 ? 1 : 0;
        }
        assertEquals(0, region.longArray(CONTROL).get(BAD), "corrupt payloads");
        assertTrue(ring.redelivered() <= 1, "the killed consumer held at most one lease: " + ring.stats());
        assertTrue(duplicates <= ring.redelivered(), "duplicates=" + duplicates + " only among redelivered jobs: " +
            ring.stats());
        assertEquals(total, ring.submitted());
        assertEquals(total, ring.completed());
        assertEquals(0, ring.stats().leases().size());
        System.out.println("after SIGKILL of a consumer: duplicates=" + duplicates + " " + ring.stats());
    }

    @Test
    void shouldAbandonTheSlotOfAProducerHaltedBetweenClaimAndPublish()
    {
        final int halted = 100;
        final int after = 3_000;
        final List<Process> consumerProcesses = startConsumers(2, 0);
        // Job ids count from 0: job `halted` is the (halted + 1)-th offer.
        final Process dying = children.start(RingChild.class, List.of("-Dshoal.test.crashpoints=true",
            "-D" + RingChild.HALT_AT_PUBLISH + "=" + (halted + 1)), "produce", path, "1000");
        assertEquals(RingChild.HALT_STATUS, children.await(dying, CHILD_TIMEOUT), () -> children.output(dying));
        final Process producer = children.start(RingChild.class, "produce", path, Integer.toString(after));
        children.awaitSuccess(producer, CHILD_TIMEOUT);
        final JobRing ring = JobRing.open(region, RING);
        assertTrue(ring.join(Duration.ofSeconds(30), new BackoffIdleStrategy()), () -> "join timed out: " +
            ring.stats());
        stop(consumerProcesses);

        final long[] seen = region.longArray(SEEN).snapshot();
        final int lastId = halted + after;
        for (int id = 0; id <= lastId; id++)
        {
            assertEquals(id == halted ? 0 : 1, seen[id], "deliveries of job " + id);
        }
        System.out.println("after a producer halted mid-claim: " + ring.stats());
        assertEquals(1, ring.abandoned());
        assertEquals(lastId, ring.submitted());
        assertEquals(lastId, ring.completed());
        assertEquals(0, region.longArray(CONTROL).get(BAD), "corrupt payloads");
    }

    private List<Process> startConsumers(final int count, final int workMicros)
    {
        final List<Process> list = new ArrayList<>();
        for (int c = 0; c < count; c++)
        {
            list.add(children.start(RingChild.class, "consume", path, Integer.toString(workMicros)));
        }
        final SharedLongArray control = region.longArray(CONTROL);
        ChildJvms.awaitCondition(count + " consumers started", Duration.ofSeconds(30),
            () -> control.get(STARTED) == count);
        return list;
    }

    private void stop(final List<Process> consumers)
    {
        region.longArray(CONTROL).set(STOP, 1);
        consumers.forEach(c -> children.awaitSuccess(c, CHILD_TIMEOUT));
    }
}
