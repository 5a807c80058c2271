package dev.shoal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The consumer's clock pacing: a spinning wait reads the clock at most once in
 * {@link ClockPacer#MAX_TRIES_PER_READ} tries, and a wait whose reads come far apart reads it on every try.
 */
@Timeout(30)
class ClockPacerTest
{
    @Test
    void readsOnTheFirstTry()
    {
        final ClockPacer clock = new ClockPacer();
        final long before = System.nanoTime();
        assertTrue(clock.tick(), "a new pacer reads the clock on its first try");
        assertTrue(clock.now() - before >= 0, "now() is the read just made");
    }

    @Test
    void aSpinningWaitReadsTheClockRarelyButWithinTheBound()
    {
        final ClockPacer clock = new ClockPacer();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        int sinceRead = 0;
        while (clock.triesPerRead() < ClockPacer.MAX_TRIES_PER_READ)
        {
            assertTrue(System.nanoTime() - deadline < 0, "tries in a tight loop never reached the most per read");
            sinceRead = clock.tick() ? 0 : sinceRead + 1;
            assertTrue(sinceRead < ClockPacer.MAX_TRIES_PER_READ, "a try without a read past the bound");
        }
        int reads = 0;
        for (int i = 0; i < 100 * ClockPacer.MAX_TRIES_PER_READ; i++)
        {
            if (clock.tick())
            {
                reads++;
                sinceRead = 0;
            }
            else
            {
                sinceRead++;
            }
            assertTrue(sinceRead < ClockPacer.MAX_TRIES_PER_READ, "a try without a read past the bound");
            assertTrue(clock.triesPerRead() <= ClockPacer.MAX_TRIES_PER_READ, "more tries per read than the most");
        }
        assertTrue(reads >= 100, "at least one read per " + ClockPacer.MAX_TRIES_PER_READ + " tries: " + reads);
    }

    @Test
    void readsFarApartMakeEveryTryReadTheClock()
    {
        final ClockPacer clock = spunUp();
        // The input is the clock itself: let more than FAR_NANOS pass between two reads.
        final long far = System.nanoTime() + 2 * ClockPacer.FAR_NANOS;
        while (System.nanoTime() - far < 0)
        {
            Thread.onSpinWait();
        }
        int tries = 1;
        while (!clock.tick())
        {
            tries++;
        }
        assertTrue(tries <= ClockPacer.MAX_TRIES_PER_READ, "read after " + tries + " tries");
        assertEquals(1, clock.triesPerRead(), "a read far after the last one: read on every try again");
        final long afterRead = clock.now();
        final long later = System.nanoTime() + 2 * ClockPacer.FAR_NANOS;
        while (System.nanoTime() - later < 0)
        {
            Thread.onSpinWait();
        }
        assertTrue(clock.tick(), "the next try reads the clock");
        assertTrue(clock.now() - afterRead >= 2 * ClockPacer.FAR_NANOS, "now() moved with the clock");
    }

    private static ClockPacer spunUp()
    {
        final ClockPacer clock = new ClockPacer();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (clock.triesPerRead() < ClockPacer.MAX_TRIES_PER_READ)
        {
            assertTrue(System.nanoTime() - deadline < 0, "tries in a tight loop never reached the most per read");
            clock.tick();
        }
        return clock;
    }
}
