package dev.shoal.pool;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The gate that keeps a redelivered job alone in its worker, with threads of this JVM standing for a worker's
 * consumer threads.
 */
@Timeout(30)
class SoloGateTest
{
    @Test
    void shouldRunASuspectAloneOnceTheJobsBesideItFinished() throws Exception
    {
        final SoloGate gate = gate(3);
        assertTrue(gate.tryEnter(0), "thread 0 runs a job");
        assertTrue(gate.tryEnter(1), "thread 1 takes a suspect");
        final CompletableFuture<SoloGate.Solo> solo = CompletableFuture.supplyAsync(() -> gate.trySolo(1));
        // Thread 1 now owns the solo run and waits for thread 0: thread 2 may take nothing meanwhile.
        awaitRefused(gate, 2);
        assertFalse(solo.isDone(), "the suspect waits for the job beside it");
        gate.leave(0);
        assertEquals(SoloGate.Solo.ALONE, solo.get(10, TimeUnit.SECONDS));
        assertFalse(gate.tryEnter(0), "nothing is taken beside the solo run");
        assertEquals(SoloGate.Solo.TAKEN, gate.trySolo(2), "a second suspect is handed back");
        gate.leave(1);
        gate.endSolo(1);
        assertTrue(gate.tryEnter(0), "the worker goes on after the solo run");
    }

    @Test
    void shouldRunASuspectBesideAJobThatOutlastsTheWait() throws Exception
    {
        final SoloGate gate = gate(2);
        assertTrue(gate.tryEnter(0), "thread 0 runs a long job (or a hung one)");
        assertTrue(gate.tryEnter(1), "thread 1 takes a suspect");
        final long start = System.nanoTime();
        // Before the bound, the whole worker stood still behind the long job, for ever behind a hung one.
        assertEquals(SoloGate.Solo.CROWDED, gate.trySolo(1));
        assertTrue(System.nanoTime() - start >= SoloGate.SOLO_WAIT_NANOS, "it waited its bound first");
        gate.leave(0);
        assertTrue(gate.tryEnter(0), "no solo run is left behind");
    }

    @Test
    void shouldStartASoloRunBesideASuspectHeldWhileTheRingIsFull() throws Exception
    {
        final SoloGate gate = gate(3);
        assertTrue(gate.tryEnter(0));
        assertTrue(gate.tryEnter(1));
        final CompletableFuture<SoloGate.Solo> solo = CompletableFuture.supplyAsync(() -> gate.trySolo(0));
        awaitRefused(gate, 2);
        assertEquals(SoloGate.Solo.TAKEN, gate.trySolo(1));
        gate.hold(1); // it could not hand its frame back: it runs nothing, so the solo run may start
        assertEquals(SoloGate.Solo.ALONE, solo.get(10, TimeUnit.SECONDS));
    }

    /** A gate for {@code threads} consumer threads (this test's threads stand for them; none is woken). */
    private static SoloGate gate(final int threads)
    {
        final Thread[] consumers = new Thread[threads];
        java.util.Arrays.fill(consumers, new Thread(() -> { }));
        return new SoloGate(consumers);
    }

    /** Waits until {@code index}'s entry is refused: a solo run owns the worker. */
    private static void awaitRefused(final SoloGate gate, final int index)
    {
        ChildJvms.awaitCondition("a solo run owning the worker", Duration.ofSeconds(10), () ->
        {
            if (gate.tryEnter(index))
            {
                gate.leave(index);
                return false;
            }
            return true;
        });
    }
}
