package dev.shoal.cli.crossprocess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.ScheduleEntry;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleHeapStats;
import dev.shoal.cli.demo.SchedulerRecords;
import dev.shoal.cli.demo.SchedulerWorker;
import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Child JVMs popping and rescheduling records of one heap; one of them halted with the lock held in the middle
 * of a sift. Afterwards every record must be present exactly once, with a valid key, in a consistent heap.
 */
class ScheduleHeapCrossProcessTest
{
    private static final String HEAP = "timers";
    private static final int RECORDS = 2_000;
    private static final long START_KEY = 1_000;

    @TempDir
    Path dir;

    private ChildJvms children;
    private Region region;
    private Map<Long, Long> numberById;

    @BeforeEach
    void setUp()
    {
        children = new ChildJvms(dir);
        region = Region.create(ChildJvms.regionPath(dir).toString(),
            RegionSpec.builder().add(ScheduleHeap.spec(HEAP, RECORDS, SchedulerRecords.PAYLOAD_BYTES)).build());
        numberById = new HashMap<>();
        try (ScheduleHeap heap = ScheduleHeap.open(region, HEAP))
        {
            for (int i = 0; i < RECORDS; i++)
            {
                numberById.put(heap.push(START_KEY + i % 50, SchedulerRecords.payload(i)), (long)i);
            }
        }
    }

    @AfterEach
    void tearDown()
    {
        children.close();
        region.close();
    }

    private String path()
    {
        return region.location().path().toString();
    }

    @Test
    @Timeout(60)
    void shouldKeepEveryIdExactlyOnceWhenSeveralJvmsPopAndReschedule()
    {
        final int ops = 40_000;
        final Process a = children.start(HeapChild.class, path(), HEAP, Integer.toString(ops));
        final Process b = children.start(HeapChild.class, path(), HEAP, Integer.toString(ops));
        children.awaitSuccess(a, Duration.ofSeconds(45));
        children.awaitSuccess(b, Duration.ofSeconds(45));

        try (ScheduleHeap heap = ScheduleHeap.open(region, HEAP))
        {
            assertEveryRecordOnce(heap);
            final ScheduleHeapStats.Counters counters = heap.stats().counters();
            assertEquals(2L * ops, counters.pops());
            assertEquals(2L * ops, counters.reschedules());
            assertEquals(0, counters.takeovers());
        }
    }

    @Test
    @Timeout(60)
    void shouldTakeOverFromAJvmHaltedInTheMiddleOfASift()
    {
        final Process halted = children.start(HeapChild.class, List.of("-Dshoal.test.crashpoints=true",
            "-D" + SchedulerWorker.HALT_AT_SIFT + "=5000"), path(), HEAP, "1000000");
        assertEquals(SchedulerWorker.HALT_STATUS, children.await(halted, Duration.ofSeconds(30)),
            children.output(halted));
        final ScheduleHeapStats before = ScheduleHeap.stats(region, HEAP);
        assertNotEquals(0, before.lockOwnerToken(), "halted with the lock held");
        assertFalse(before.lockOwnerAlive());

        final Process survivor = children.start(HeapChild.class, path(), HEAP, "5000");
        children.awaitSuccess(survivor, Duration.ofSeconds(30));

        try (ScheduleHeap heap = ScheduleHeap.open(region, HEAP))
        {
            assertEquals(1, heap.stats().counters().takeovers());
            assertEquals(0, heap.stats().lockOwnerToken());
            assertEveryRecordOnce(heap);
        }
    }

    private void assertEveryRecordOnce(final ScheduleHeap heap)
    {
        heap.verify();
        final List<ScheduleEntry> entries = heap.snapshot();
        final Map<Long, Integer> seen = new HashMap<>();
        for (final ScheduleEntry entry : entries)
        {
            final Long number = numberById.get(entry.id());
            assertNotNull(number, "unknown id=" + entry.id());
            assertEquals(number.longValue(), SchedulerRecords.number(entry.payload()), "payload of id=" + entry.id());
            assertTrue(entry.key() >= START_KEY && entry.key() < START_KEY + 10_000_000, "key=" + entry.key());
            assertFalse(entry.leased(), "id=" + entry.id() + " still leased");
            assertEquals(null, seen.put(entry.id(), 1), "id=" + entry.id() + " duplicated");
        }
        assertEquals(RECORDS, seen.size(), "every id present");
        assertEquals(RECORDS, heap.size());
    }
}
