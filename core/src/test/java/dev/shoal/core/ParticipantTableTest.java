package dev.shoal.core;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

class ParticipantTableTest
{
    @TempDir
    Path dir;

    private Region region(final int participants)
    {
        return Region.create(dir.resolve("p" + System.nanoTime()).toString(),
            RegionSpec.builder().longArray("a", 1).participants(participants).build());
    }

    @Test
    void shouldAttachDetachAndReuseEntries()
    {
        try (Region region = region(2))
        {
            final ParticipantTable table = region.participants();
            final Participant a = region.attach(Role.PRODUCER);
            final Participant b = region.attach(Role.CONSUMER);
            assertNotEquals(a.index(), b.index());
            assertTrue(table.isAlive(a.token()));
            assertTrue(table.isAlive(b.token()));
            assertThrows(IllegalStateException.class, () -> region.attach(Role.WORKER));

            final List<ParticipantInfo> infos = table.snapshot();
            assertEquals(2, infos.size());
            assertEquals(ProcessLiveness.currentPid(), infos.get(0).pid());
            assertTrue(infos.get(0).alive());

            b.close();
            assertFalse(table.isAlive(b.token()), "a detached token is no longer alive");
            final Participant c = region.attach(Role.WORKER);
            assertEquals(b.index(), c.index());
            assertNotEquals(b.token(), c.token(), "a new attachment gets a new generation");
            assertFalse(table.isAlive(b.token()));
            assertTrue(table.isAlive(c.token()));
            assertEquals(Role.WORKER, table.snapshot().get(1).role());
        }
    }

    /** Every one of these read or wrote the unmapped region after its close: SIGSEGV, the whole JVM gone. */
    @Test
    void shouldThrowInsteadOfTouchingAClosedRegion()
    {
        final Region region = region(4);
        final ParticipantTable table = region.participants();
        final Participant tracked = region.attach(Role.SUPERVISOR);
        final Participant untracked = table.attach(Role.SUPERVISOR); // not closed by the region's close
        final long token = untracked.token();
        region.close();
        final List<org.junit.jupiter.api.function.Executable> uses = List.of(
            () -> tracked.intent(0), () -> tracked.putIntentVolatile(1, 5), () -> untracked.putIntentRelease(1, 5),
            untracked::heartbeat, () -> untracked.intent(0), table::snapshot, table::liveCount, table::reclaimDead,
            () -> table.attach(Role.SUPERVISOR), () -> table.isAlive(token), () -> table.isAliveRecently(token),
            () -> table.tokenAt(0), () -> table.intentVolatile(0, 0), () -> table.reclaimIfDead(0));
        for (final org.junit.jupiter.api.function.Executable use : uses)
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, use);
            assertTrue(ex.getMessage().startsWith("region closed"), ex.getMessage());
        }
        untracked.close(); // detaching after the close writes nothing and does not throw
    }

    /** A null role failed after the entry was claimed: it stayed owned, half-written, by this live process. */
    @Test
    void shouldRefuseANullRoleWithoutTakingAnEntry()
    {
        try (Region region = region(2))
        {
            for (int i = 0; i < 3; i++)
            {
                assertThrows(NullPointerException.class, () -> region.attach(null));
            }
            assertEquals(List.of(), region.participants().snapshot(), "no entry taken");
            region.attach(Role.PRODUCER).close();
        }
    }

    @Test
    void shouldRecordAndClearIntents()
    {
        try (Region region = region(4))
        {
            final Participant p = region.attach(Role.PRODUCER);
            p.putIntentVolatile(0, 99);
            p.putIntentRelease(7, -5);
            assertEquals(99, region.participants().intentVolatile(p.index(), 0));
            assertEquals(-5, p.intent(7));
            assertThrows(IndexOutOfBoundsException.class, () -> p.putIntentVolatile(8, 1));
            p.close();
            assertEquals(0, region.participants().intentVolatile(p.index(), 0));
            assertThrows(IllegalStateException.class, p::heartbeat);
        }
    }

    @Test
    void shouldTreatEntriesOfDeadProcessesAsDeadAndReclaimThem()
    {
        try (Region region = region(2))
        {
            final long dead = ProcessLiveness.identity(ProcessLiveness.MAX_PID, 1000);
            final int entry = ParticipantDescriptor.entryOffset(
                region.buffer().getInt(HeaderDescriptor.PARTICIPANTS_OFFSET_OFFSET), 0);
            region.buffer().putLongVolatile(entry + ParticipantDescriptor.OWNER_OFFSET, dead);
            region.buffer().putLongVolatile(entry + ParticipantDescriptor.GENERATION_OFFSET, 3);
            final ParticipantTable table = region.participants();
            final long deadToken = table.tokenAt(0);
            assertFalse(table.isAlive(deadToken));
            assertFalse(table.snapshot().get(0).alive());

            final Participant live = region.attach(Role.CONSUMER);
            assertEquals(1, live.index(), "a free entry is preferred over a dead one");
            final Participant takeover = region.attach(Role.CONSUMER);
            assertEquals(0, takeover.index(), "with no free entry the dead one is taken over");
            assertEquals(4, ParticipantTable.generationOf(takeover.token()));
            assertFalse(table.isAlive(deadToken));
            assertTrue(table.isAlive(takeover.token()));
        }
    }

    @Test
    void shouldJudgePidReuseByStartTime()
    {
        final long me = ProcessLiveness.currentIdentity();
        assertTrue(ProcessLiveness.isAlive(me));
        final long sameStartUnknown = ProcessLiveness.identity(ProcessLiveness.currentPid(), 0);
        assertTrue(ProcessLiveness.isAlive(sameStartUnknown));
        final long reused = ProcessLiveness.identity(ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartMillis() - 3_600_000L);
        assertFalse(ProcessLiveness.isAlive(reused), "same pid, other start time: another process");
        assertFalse(ProcessLiveness.isAlive(0));
        assertFalse(ProcessLiveness.isAlive(-1));
        assertEquals(ProcessLiveness.currentPid(), ProcessLiveness.pidOf(me));
    }

    @Test
    void shouldReclaimDeadEntries()
    {
        try (Region region = region(3))
        {
            final int table = region.buffer().getInt(HeaderDescriptor.PARTICIPANTS_OFFSET_OFFSET);
            region.buffer().putLongVolatile(ParticipantDescriptor.entryOffset(table, 2) +
                ParticipantDescriptor.OWNER_OFFSET, ProcessLiveness.identity(ProcessLiveness.MAX_PID, 1000));
            final Participant p = region.attach(Role.PROCESS);
            assertEquals(1, region.participants().reclaimDead());
            assertEquals(0, region.participants().tokenAt(2));
            assertEquals(1, region.participants().liveCount());
            assertTrue(region.participants().isAlive(p.token()));
        }
    }
}
