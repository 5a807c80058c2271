package dev.shoal.pool;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.shoal.core.JobRingDescriptor;
import dev.shoal.core.Participant;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;
import dev.shoal.core.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The builder's checks, which run before any region or process exists.
 */
class ProcessPoolConfigTest
{
    @ParameterizedTest
    @ValueSource(ints = {JobRingDescriptor.MAX_ATTEMPT, JobRingDescriptor.MAX_ATTEMPT + 1, 1000, Integer.MAX_VALUE})
    void shouldRejectMaxAttemptsTheLeaseCannotCount(final int maxAttempts)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ProcessPool.builder(TestHandlers.class).maxAttempts(maxAttempts).start());
        assertTrue(ex.getMessage().contains("maxAttempts=" + maxAttempts), ex.getMessage());
        assertTrue(ex.getMessage().contains("1.." + (JobRingDescriptor.MAX_ATTEMPT - 1)), ex.getMessage());
        assertTrue(ex.getMessage().contains("MAX_ATTEMPT=" + JobRingDescriptor.MAX_ATTEMPT), ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void shouldRejectMaxAttemptsBelowOne(final int maxAttempts)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ProcessPool.builder(TestHandlers.class).maxAttempts(maxAttempts).start());
        assertTrue(ex.getMessage().contains("maxAttempts=" + maxAttempts), ex.getMessage());
    }

    @Test
    void shouldAcceptTheLargestMaxAttemptsThatCanFire()
    {
        final ProcessPool.Builder builder = ProcessPool.builder(TestHandlers.class)
            .maxAttempts(JobRingDescriptor.MAX_ATTEMPT - 1);
        assertEquals(JobRingDescriptor.MAX_ATTEMPT - 1, builder.config().maxAttempts);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3})
    void shouldRejectSubmitHandlesBelowOne(final int handles)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ProcessPool.builder(TestHandlers.class).submitHandles(handles).start());
        assertTrue(ex.getMessage().contains("submitHandles=" + handles), ex.getMessage());
    }

    @Test
    void shouldNameTheSettingThatIsNullOrMakesTheRegionTooLarge()
    {
        final NullPointerException noOptions = assertThrows(NullPointerException.class,
            () -> ProcessPool.builder(TestHandlers.class).jvmOptions(null));
        assertEquals("jvmOptions", noOptions.getMessage());
        assertEquals("registryClass", assertThrows(NullPointerException.class,
            () -> ProcessPool.builder((String)null)).getMessage());
        assertEquals("initializer", assertThrows(NullPointerException.class,
            () -> ProcessPool.builder(TestHandlers.class).initializer(null)).getMessage());
        // It said only "region too large: length=2152062976 max=2147479552".
        final IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
            () -> ProcessPool.builder(TestHandlers.class).workers(1).resultBufferBytes(1 << 30).start());
        assertTrue(tooLarge.getMessage().contains("resultBufferBytes=" + (1 << 30)) &&
            tooLarge.getMessage().contains("workers=1"), tooLarge.getMessage());
    }

    @Test
    void shouldRejectMoreConsumerThreadsThanTheRegionHasParticipantsForBeforeStartingAnyWorker()
    {
        // Threw nothing: the region's participants were capped quietly and a worker never got ready, 60 s later,
        // with an empty output.
        final int most = ProcessPool.maxThreadsPerWorker(8, ProcessPool.DEFAULT_SUBMIT_HANDLES);
        assertTrue(most > 200 && most < 256, "8 workers: " + most);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ProcessPool.builder(TestHandlers.class).workers(8).threadsPerWorker(most + 1)
                .listen("127.0.0.1:7399").start());
        assertTrue(ex.getMessage().contains("threadsPerWorker=" + (most + 1)) && ex.getMessage().contains("4096"),
            ex.getMessage());
        assertEquals(most, ProcessPool.builder(TestHandlers.class).workers(8).threadsPerWorker(most).listen(
            "127.0.0.1:7399").config().threadsPerWorker, "the largest fits, listening too");
        assertThrows(IllegalArgumentException.class,
            () -> ProcessPool.builder(TestHandlers.class).workers(1).threadsPerWorker(10_000).start());
    }

    @Test
    void shouldSayWhoHoldsANamedRegionThatExistsAlready(@TempDir final Path dir)
    {
        // As a pool's region whose JVM was killed leaves it: made, and nobody attached any more.
        final Path left = dir.resolve("left");
        Region.create(left.toString(), RegionSpec.builder().longArray("a", 1).build()).close();
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> ProcessPool.builder(TestHandlers.class).workers(1).region(left.toString()).start());
        assertTrue(ex.getMessage().contains("region already exists") && ex.getMessage().contains(
            "no live process attached") && ex.getMessage().contains("shoal delete " + left), ex.getMessage());
        try (Region held = Region.open(left.toString()); Participant me = held.attach(Role.CONSUMER))
        {
            final IllegalStateException live = assertThrows(IllegalStateException.class,
                () -> ProcessPool.builder(TestHandlers.class).workers(1).region(left.toString()).start());
            assertTrue(live.getMessage().contains("in use by live pids [" + ProcessHandle.current().pid() + "]"),
                live.getMessage());
        }
        assertTrue(Files.exists(left), "the region that was there is left as it was");
    }

    /** A null start timeout failed after the workers had started; a negative one as "not ready after -1000 ms". */
    @Test
    void shouldRejectStartTimeoutsAndGracesOutOfRangeAndANullLogSink()
    {
        for (final java.time.Duration bad : new java.time.Duration[]{ null, java.time.Duration.ZERO,
            java.time.Duration.ofMillis(-1000), java.time.Duration.ofSeconds(Long.MAX_VALUE) })
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder(TestHandlers.class).startTimeout(bad));
            assertTrue(ex.getMessage().startsWith("startTimeout must be more than zero and at most "), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
            () -> ProcessPool.builder(TestHandlers.class).shutdownGrace(java.time.Duration.ofSeconds(Long.MAX_VALUE)));
        assertThrows(NullPointerException.class, () -> ProcessPool.builder(TestHandlers.class).logSink(null));
    }

    @Test
    void shouldRejectANullCompletionExecutor()
    {
        assertThrows(NullPointerException.class,
            () -> ProcessPool.builder(TestHandlers.class).completionExecutor(null));
    }

    /** A result over what one journal append holds was found only after its job ran, as a failed append. */
    @Test
    void shouldRejectAResultBufferWhoseResultsAJournalCannotHold(@TempDir final Path dir)
    {
        final Path journal = dir.resolve("journal");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ProcessPool.builder(TestHandlers.class).journal(journal).resultBufferBytes(128 << 20).start());
        assertTrue(ex.getMessage().startsWith("resultBufferBytes=134217728 lets a result take 16777216 bytes, more " +
            "than one journal append holds"), ex.getMessage());
        assertFalse(Files.exists(journal), "nothing made before the failure");
    }

    @Test
    void shouldNameTheMissingJournalModule(@TempDir final Path dir)
    {
        // shoal-pool's own tests run without shoal-journal: the provider is missing, as for a library user.
        final Path journal = dir.resolve("journal");
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> ProcessPool.builder(TestHandlers.class).journal(journal).start());
        assertTrue(ex.getMessage().contains("needs shoal-journal (dev.shoal:shoal-journal)"), ex.getMessage());
        assertFalse(Files.exists(journal), "nothing made before the failure");
    }
}
