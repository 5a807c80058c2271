package dev.shoal.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Holes 3 and 7 of the crash-safety review: a live process must never be judged dead (exact start ticks, no
 * wall clock, unknown means alive, boot id), releases act only on what the releaser holds, and region files
 * left by dead creators or truncated under a running process are handled.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LivenessTest
{
    @TempDir
    Path dir;

    private static String stat(final String comm, final char state, final long startTicks)
    {
        final StringBuilder text = new StringBuilder("4242 (").append(comm).append(") ").append(state);
        for (int field = 4; field <= 21; field++)
        {
            text.append(' ').append(field * 10);
        }
        return text.append(' ').append(startTicks).append(" 999 888\n").toString();
    }

    @Test
    void shouldParseStartTicksAfterTheLastParenthesisOfAnyCommandName()
    {
        for (final String comm : new String[]{ "java", "a) b (c", "x y", ") )" })
        {
            final String line = stat(comm, 'S', 123_456_789L);
            assertEquals(123_456_789L, ProcessLiveness.parseStartTicks(line, line.lastIndexOf(')')), comm);
        }
    }

    @Test
    void shouldJudgeDeadOnlyWhatIsProvenDead()
    {
        final long identity = ProcessLiveness.identity(4242, 1000);
        assertTrue(ProcessLiveness.isAlive(identity, pid -> stat("java", 'S', 1000)));
        assertFalse(ProcessLiveness.isAlive(identity, pid -> stat("java", 'S', 1001)), "start ticks differ");
        assertFalse(ProcessLiveness.isAlive(identity, pid -> stat("java", 'Z', 1000)), "zombie");
        assertFalse(ProcessLiveness.isAlive(identity, pid ->
        {
            throw new NoSuchFileException("/proc/4242/stat");
        }), "no such pid");
        assertTrue(ProcessLiveness.isAlive(identity, pid ->
        {
            throw new AccessDeniedException("/proc/4242/stat");
        }), "unreadable (hidepid, another user): unknown, so alive");
        assertTrue(ProcessLiveness.isAlive(identity, pid ->
        {
            throw new IOException("EIO");
        }), "read error: unknown, so alive");
        assertTrue(ProcessLiveness.isAlive(identity, pid -> "garbage"), "unparsable: unknown, so alive");
        assertTrue(ProcessLiveness.isAlive(ProcessLiveness.identity(4242, 0), pid -> stat("java", 'S', 77)),
            "identity without start ticks: pid only");
    }

    @Test
    void shouldIdentifyARealProcessByItsKernelStartTicksExactly()
    {
        final long parent = ProcessHandle.current().parent().orElseThrow().pid();
        final long ticks = ProcessLiveness.startTicks(pid -> Files.readString(Path.of("/proc/" + pid + "/stat")),
            parent);
        assertTrue(ticks > 0, "start ticks of pid " + parent);
        assertTrue(ProcessLiveness.isAlive(ProcessLiveness.identity(parent, ticks)));
        assertFalse(ProcessLiveness.isAlive(ProcessLiveness.identity(parent, ticks + 1)), "one tick off: reused");
        assertFalse(ProcessLiveness.isAlive(ProcessLiveness.identity(parent, ticks - 1)), "one tick off: reused");
        assertEquals(ProcessLiveness.currentIdentity(), ProcessLiveness.identity(ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartTicks()), "no wall clock in an identity");
    }

    /**
     * CI found it: an inspect right after a kill showed the killed participant alive, because every liveness
     * question read an answer kept 10 ms for idle scans. Only {@link ProcessLiveness#isAliveRecently} may.
     */
    @Test
    void shouldTellAProcessSeenEndingDeadAtOnceEvenRightAfterAScanKeptItAlive() throws Exception
    {
        for (int round = 0; round < 5; round++)
        {
            final Process child = new ProcessBuilder("sleep", "60").start();
            try
            {
                final long ticks = ProcessLiveness.startTicks(
                    pid -> Files.readString(Path.of("/proc/" + pid + "/stat")), child.pid());
                final long identity = ProcessLiveness.identity(child.pid(), ticks);
                assertTrue(ProcessLiveness.isAliveRecently(identity), "a scan keeps it alive for 10 ms");
                assertTrue(ProcessLiveness.isAlive(identity));
                child.destroyForcibly();
                assertTrue(child.waitFor(20, TimeUnit.SECONDS));
                assertFalse(ProcessLiveness.isAlive(identity), "round " + round + ": reaped, so dead, now");
            }
            finally
            {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void shouldJudgeAnEntryOfAnotherBootDeadAndReclaimIt()
    {
        try (Region region = Region.create(dir.resolve("boot").toString(),
            RegionSpec.builder().longArray("a", 1).participants(4).build()))
        {
            final Participant participant = region.attach(Role.PRODUCER);
            assertTrue(region.participants().isAlive(participant.token()));
            final int table = region.buffer().getInt(HeaderDescriptor.PARTICIPANTS_OFFSET_OFFSET);
            final int entry = ParticipantDescriptor.entryOffset(table, participant.index());
            region.buffer().putLongVolatile(entry + ParticipantDescriptor.BOOT_ID_OFFSET,
                ProcessLiveness.bootId() + 1);
            assertFalse(region.participants().isAlive(participant.token()), "a region on disk outlived a reboot");
            region.buffer().putLongVolatile(entry + ParticipantDescriptor.BOOT_ID_OFFSET, 0);
            assertTrue(region.participants().isAlive(participant.token()),
                "an owner that could not read its boot id is judged by its process alone");
            region.buffer().putLongVolatile(entry + ParticipantDescriptor.BOOT_ID_OFFSET,
                ProcessLiveness.bootId() + 1);
            assertTrue(region.participants().reclaimIfDead(participant.index()));
        }
    }

    @Test
    void shouldNeverClearTheLockOfAHolderThatTookItOver()
    {
        try (Region region = Region.create(dir.resolve("lock").toString(),
            RegionSpec.builder().scheduleHeap("h", 4, 8).participants(4).build()))
        {
            final Participant first = region.attach(Role.CONSUMER);
            final Participant second = region.attach(Role.CONSUMER);
            final int lockWord = (int)region.structure("h").offset() + ScheduleHeapDescriptor.LOCK_OFFSET;
            final RegionLock a = new RegionLock(region.buffer(), lockWord, lockWord + 8, region.participants(),
                first.token());
            final RegionLock b = new RegionLock(region.buffer(), lockWord, lockWord + 8, region.participants(),
                second.token());
            assertEquals(RegionLock.Acquisition.ACQUIRED, a.acquire());
            final CrashActor judgedDead = new CrashActor("a");
            judgedDead.owns(first.token());
            CrashExplorer.killTokens(region, judgedDead);
            judgedDead.stop();
            assertEquals(RegionLock.Acquisition.TAKEN_OVER, b.acquire());
            final IllegalStateException late = assertThrows(IllegalStateException.class, a::release);
            assertTrue(late.getMessage().contains("not held"), late.getMessage());
            assertTrue(b.isHeldByMe(), "the late release left the new holder's lock alone");
            b.release();
        }
    }

    @Test
    void shouldNotClearTheLockOfAHolderThatTookItOverWhileTheReleaserWasInsideRelease()
    {
        try (Region region = Region.create(dir.resolve("race").toString(),
            RegionSpec.builder().scheduleHeap("h", 4, 8).participants(4).build()))
        {
            final Participant first = region.attach(Role.CONSUMER);
            final Participant second = region.attach(Role.CONSUMER);
            final int lockWord = (int)region.structure("h").offset() + ScheduleHeapDescriptor.LOCK_OFFSET;
            final RegionLock a = new RegionLock(region.buffer(), lockWord, lockWord + 8, region.participants(),
                first.token());
            final RegionLock b = new RegionLock(region.buffer(), lockWord, lockWord + 8, region.participants(),
                second.token());
            assertEquals(RegionLock.Acquisition.ACQUIRED, a.acquire());
            final CrashActor releaser = new CrashActor("releaser");
            releaser.owns(first.token());
            CrashPoints.install(point ->
            {
                if (point == ParticipantCrashPoint.LOCK_RELEASE_CAS && CrashActor.current() == releaser)
                {
                    releaser.stopHere(false);
                }
            });
            try
            {
                // The releaser is inside release (a check-then-store would have checked already) when it is
                // judged dead and the lock is taken over; then it goes on.
                assertEquals(CrashActor.Outcome.STOPPED, releaser.run(a::release, 5_000));
                CrashExplorer.killTokens(region, releaser);
                assertEquals(RegionLock.Acquisition.TAKEN_OVER, b.acquire());
                releaser.resume();
                assertEquals(CrashActor.Outcome.FAILED, releaser.await(5_000));
                assertInstanceOf(IllegalStateException.class, releaser.failure());
                assertTrue(releaser.failure().getMessage().contains("lock word=" + second.token()),
                    releaser.failure().getMessage());
                assertTrue(b.isHeldByMe(), "the late release left the new holder's lock word alone");
                b.release();
            }
            finally
            {
                CrashPoints.install(null);
                releaser.stop();
            }
        }
    }

    @Test
    void shouldSweepADeadCreatorsFileWhenTheRegionAlreadyExists() throws IOException
    {
        final String name = dir.resolve("r").toString();
        try (Region ignored = Region.create(name, RegionSpec.builder().longArray("a", 1).build()))
        {
            final Path dead = dir.resolve(".r.creating." + ProcessLiveness.currentPid() + "-" +
                (ProcessLiveness.currentStartTicks() + 1) + ".5");
            final Path live = dir.resolve(".r.creating." + ProcessLiveness.currentPid() + "-" +
                ProcessLiveness.currentStartTicks() + ".6");
            Files.write(dead, new byte[]{ 1 });
            Files.write(live, new byte[]{ 1 });
            try (Region again = Region.open(name))
            {
                assertFalse(Files.exists(dead), "a dead creator's file is swept even though the region exists");
                assertTrue(Files.exists(live), "a live creator's file is never swept");
            }
            Files.delete(live);
        }
    }

    @Test
    void shouldNameATruncationInsteadOfFaulting() throws IOException
    {
        final String name = dir.resolve("t").toString();
        try (Region region = Region.create(name, RegionSpec.builder().jobRing("jobs", 64, 64).build()))
        {
            region.checkIntact();
            final JobRing ring = JobRing.open(region, "jobs");
            try (var channel = java.nio.channels.FileChannel.open(Path.of(name),
                java.nio.file.StandardOpenOption.WRITE))
            {
                channel.truncate(100);
            }
            final RegionFormatException ex = assertThrows(RegionFormatException.class, region::checkIntact);
            assertEquals("region " + Path.of(name) + " is 100 bytes but its header says " + region.length() +
                ": truncated", ex.getMessage());
            assertThrows(RegionFormatException.class, ring::recoverDeadLeases, "recovery checks before it walks");
        }
        final RegionFormatException reopen = assertThrows(RegionFormatException.class, () -> Region.open(name));
        assertTrue(reopen.getMessage().contains("truncated"), reopen.getMessage());
    }
}
