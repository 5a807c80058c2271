package dev.shoal.crossprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.RingCrashPoint;
import dev.shoal.core.SharedLongArray;
import dev.shoal.testing.ChildJvms;

import static dev.shoal.crossprocess.RingChild.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Real processes halted at named ring crash points (the in-process explorer in core enumerates every point,
 * mode and scenario; this checks that its in-process death is what a dead JVM leaves). For each point a
 * producer or consumer passes on its fast path, a child JVM dies there mid-stream, and this JVM then drains
 * the ring: no stall, every job delivered, none twice but the one the dead consumer held, counters exact.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RingCrashProcessTest
{
    private static final int JOBS = 40;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

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
            .jobRing(RING, 8, RingProcessTest.JOB_BYTES)
            .longArray(SEEN, JOBS)
            .longArray(CONTROL, 4)
            .participants(16)
            .build());
    }

    @AfterEach
    void tearDown()
    {
        children.close();
        region.close();
    }

    @ParameterizedTest
    @EnumSource(value = RingCrashPoint.class, names = { "TAKE_SEQUENCE", "TAKE_SLOT_CAS", "TAKE_HEAD_CAS",
        "TAKE_COPY", "TAKE_LEASE_STORE", "TAKE_SLOT_RELEASE", "DONE_STORE", "DONE_CLEAR" })
    void shouldLoseNothingWhenAConsumerProcessDiesAt(final RingCrashPoint point)
    {
        killConsumerAndCheck(point, "consume", 3);
    }

    /**
     * As above with a consumer that drains runs, each job leased in place (never copied into its record): its
     * third take is a direct take past a head it has not moved yet (or, at {@code DRAIN_HEAD_CAS}, it dies as it
     * moves the head past its second run); at {@code DONE_IN_SLOT_RELEASE} it dies with a completed job still
     * in its slot, which the recoverer copies out.
     */
    @ParameterizedTest
    @EnumSource(value = RingCrashPoint.class, names = { "TAKE_SEQUENCE", "TAKE_SLOT_CAS", "TAKE_IN_SLOT",
        "TAKE_IN_SLOT_LEASE_STORE", "DONE_STORE", "DONE_IN_SLOT_RELEASE", "DONE_CLEAR", "DRAIN_HEAD_CAS" })
    void shouldLoseNothingWhenADrainingConsumerProcessDiesAt(final RingCrashPoint point)
    {
        killConsumerAndCheck(point, "drain", point == RingCrashPoint.DRAIN_HEAD_CAS ? 2 : 3);
    }

    /**
     * A child consumer ({@code mode}: poll or drain) dies at the {@code occurrence}th hit of {@code point}; then
     * the rest of the jobs are offered and drained here: each delivered once, but for the dead consumer's held
     * job, which may come twice; no corrupt payload; counters exact.
     */
    private void killConsumerAndCheck(final RingCrashPoint point, final String mode, final int occurrence)
    {
        final JobRing ring = JobRing.open(region, RING);
        offerAll(ring, 8); // a full ring: the dead consumer's slot stands in every producer's way
        final Process child = children.start(RingCrashChild.class, List.of("-Dshoal.test.crashpoints=true"),
            mode, path, point.name(), Integer.toString(occurrence));
        assertEquals(RingCrashChild.DIED, children.await(child, DEADLINE), "child died at " + point);
        offerAll(ring, JOBS - 8);
        drain(ring);
        final SharedLongArray seen = region.longArray(SEEN);
        int twice = 0;
        for (int id = 0; id < JOBS; id++)
        {
            assertTrue(seen.get(id) >= 1 && seen.get(id) <= 2, "job " + id + " delivered " + seen.get(id));
            twice += seen.get(id) == 2 ? 1 : 0;
        }
        assertTrue(twice <= 1, twice + " jobs delivered twice; only the dead consumer's held job may be");
        assertEquals(0, region.longArray(CONTROL).get(BAD), "corrupt payloads");
        assertEquals(JOBS, ring.submitted());
        assertEquals(JOBS, ring.completed());
    }

    @ParameterizedTest
    @EnumSource(value = RingCrashPoint.class, names = { "OFFER_INTENT", "OFFER_TAIL_CAS", "OFFER_WRITE",
        "OFFER_PUBLISH" })
    void shouldNotStallWhenAProducerProcessDiesAt(final RingCrashPoint point)
    {
        final JobRing ring = JobRing.open(region, RING);
        final Process child = children.start(RingCrashChild.class, List.of("-Dshoal.test.crashpoints=true"),
            "produce", path, point.name(), "5", Integer.toString(JOBS));
        assertEquals(RingCrashChild.DIED, children.await(child, DEADLINE), "child died at " + point);
        final long offered = region.longArray(CONTROL).get(RingCrashChild.OFFERED);
        assertEquals(4, offered, "offers that returned before the death");
        // The cut offer's sequence (4) was claimed and abandoned, or never claimed; ours follow it either way.
        offerAll(ring, JOBS - 5);
        drain(ring);
        final SharedLongArray seen = region.longArray(SEEN);
        int delivered = 0;
        for (int id = 0; id < JOBS; id++)
        {
            assertTrue(seen.get(id) <= 1, "job " + id + " delivered " + seen.get(id));
            assertTrue(id >= offered || seen.get(id) == 1, "offered job " + id + " lost");
            delivered += (int)seen.get(id);
        }
        assertEquals(JOBS - 1, delivered);
        assertEquals(JOBS - 1, ring.submitted());
        assertEquals(JOBS - 1, ring.completed());
    }

    /** Offers jobs whose payload names the id they get (ids = sequences, checked by the consumers). */
    private void offerAll(final JobRing ring, final int count)
    {
        final UnsafeBuffer job = new UnsafeBuffer(new byte[RingProcessTest.JOB_BYTES]);
        final SharedLongArray control = region.longArray(CONTROL);
        try (JobProducer producer = ring.producer())
        {
            for (int i = 0; i < count; i++)
            {
                final long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (true)
                {
                    final long id = producer.tryClaim(RingProcessTest.JOB_BYTES);
                    if (id != JobProducer.FULL)
                    {
                        RingChild.fill(job, id, RingProcessTest.JOB_BYTES);
                        producer.claimed().putBytes(0, job, 0, RingProcessTest.JOB_BYTES);
                        producer.commit();
                        break;
                    }
                    assertTrue(System.nanoTime() - deadline < 0, "stall: ring full for " + DEADLINE);
                    drainSome(ring, control);
                }
            }
        }
    }

    private void drainSome(final JobRing ring, final SharedLongArray control)
    {
        ring.recoverDeadLeases();
        try (JobConsumer consumer = ring.consumer())
        {
            while (consumeOne(consumer, control))
            {
                Thread.onSpinWait();
            }
        }
    }

    private void drain(final JobRing ring)
    {
        final SharedLongArray control = region.longArray(CONTROL);
        try (JobConsumer consumer = ring.consumer())
        {
            ChildJvms.awaitCondition("ring drained", DEADLINE, () ->
            {
                if (!consumeOne(consumer, control))
                {
                    ring.recoverDeadLeases();
                }
                return ring.isDrained();
            });
        }
    }

    private boolean consumeOne(final JobConsumer consumer, final SharedLongArray control)
    {
        final SharedLongArray seen = region.longArray(SEEN);
        if (consumer.poll((id, attempt, buffer, offset, length) ->
        {
            if (!RingChild.check(buffer, offset, id, length))
            {
                control.getAndAdd(BAD, 1);
            }
            seen.getAndAdd((int)id, 1);
        }))
        {
            consumer.taskDone();
            return true;
        }
        return false;
    }
}
