package dev.shoal.core;

/**
 * Paces the clock reads of a waiting loop (a consumer's empty polls): the clock is read on every n-th try, n
 * doubling while consecutive reads come less than {@link #CLOSE_NANOS} apart (a loop that spins) up to
 * {@link #MAX_TRIES_PER_READ}, and falling back to one when they come more than {@link #FAR_NANOS} apart (a loop
 * that parks or sleeps between tries, or one that did other work meanwhile).
 *
 * <p>Why: the duties a wait clocks (the stall timer, the lease scan's schedule) count in milliseconds, while a
 * clock read costs 25-35 ns on a VM (kvm-clock through the vDSO), three times a whole empty poll. A fixed one read
 * in eight tries still cost a spinning consumer 3-4 ns of its 9 ns poll (docs/benchmarks.md, session 24); paced, a
 * spinning loop reads the clock about once in {@value #MAX_TRIES_PER_READ} tries, and a loop that sleeps reads it
 * on each try, so that its clocked duties are not late by {@value #MAX_TRIES_PER_READ} sleeps. A duty is late by
 * at most {@value #MAX_TRIES_PER_READ} tries: well under a microsecond for a spinning loop, and up to that many
 * sleeps, once, for a loop that goes from spinning to sleeping (its first read then finds the reads far apart).
 * So a deadline that must hold to one sleep (a timed take) reads the clock itself.
 *
 * <p>Single-threaded: each handle owns one. Process-local, so nothing here is shared or needs a crash point.
 */
final class ClockPacer
{
    /** Most tries per clock read, a power of two. */
    static final int MAX_TRIES_PER_READ = 64;
    /** Reads closer together than this: read half as often. */
    static final long CLOSE_NANOS = 2_000L;
    /** Reads further apart than this: read on every try. */
    static final long FAR_NANOS = 20_000L;

    private int triesPerRead = 1;
    private int tries;
    private long now;

    /**
     * Counts one try of the wait, and reads the clock when this is the try to read it on.
     *
     * @return whether the clock was read: {@link #now()} is then fresh.
     */
    boolean tick()
    {
        if (++tries < triesPerRead)
        {
            return false;
        }
        tries = 0;
        final long read = System.nanoTime();
        final long gap = read - now;
        now = read;
        if (gap < CLOSE_NANOS)
        {
            triesPerRead = Math.min(triesPerRead << 1, MAX_TRIES_PER_READ);
        }
        else if (gap > FAR_NANOS)
        {
            triesPerRead = 1;
        }
        return true;
    }

    /**
     * @return the last clock read by {@link #tick()}: at most {@link #triesPerRead()} tries old.
     */
    long now()
    {
        return now;
    }

    /**
     * @return tries per clock read now (for tests).
     */
    int triesPerRead()
    {
        return triesPerRead;
    }
}
