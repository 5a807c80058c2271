package dev.shoal.chunks;

import dev.shoal.core.ParticipantTable;
import dev.shoal.core.SharedLongArray;

import static dev.shoal.chunks.ChunkRegionDescriptor.*;

/**
 * One worker's side of the claim protocol. Each range's state word is FREE, DONE, or the token of the
 * participant that claimed it; only a CAS moves it, so a range has one claimer at a time.
 *
 * <ol>
 *   <li>First pass: {@code i = getAndAdd(CURSOR, 1)} (one atomic add, no lock), then CAS state[i] FREE to my
 *       token. The CAS fails only when a second-pass worker took the range first; then claim the next.</li>
 *   <li>Second pass, once the cursor is past the end: scan the states once. FREE: CAS to my token. A token
 *       whose participant is dead (its process is gone, or it detached without finishing): CAS from that
 *       token to mine, a take-over counted in REDONE. A live token: leave it; its owner finishes it.</li>
 *   <li>Done: the result goes into the range's slot first (plain writes), then CAS state[i] from my token to
 *       DONE; the CAS is a full fence, so whoever reads DONE (volatile) sees the result.</li>
 * </ol>
 *
 * A worker killed at any point leaves at most its current range claimed by a dead token; a resumed run (or a
 * worker still scanning) takes it over. Results are a function of the file and the range only, so a range
 * redone after a take-over produces the same bytes. Liveness (slow: it may read {@code /proc}) is checked
 * only for ranges found claimed in the second pass.
 *
 * <p>Not thread-safe: one per worker.
 */
final class RangeClaims
{
    private final SharedLongArray control;
    private final SharedLongArray state;
    private final ParticipantTable participants;
    private final long token;
    private final int ranges;
    private boolean claimNoted;
    private boolean firstPass = true;
    private int scan;

    RangeClaims(final ChunkRegion region, final long token)
    {
        this.control = region.control();
        this.state = region.state();
        this.participants = region.region().participants();
        this.token = token;
        this.ranges = state.length();
    }

    /**
     * @return the index of a range now claimed by this worker, or -1 when none is left to claim.
     */
    int claim()
    {
        while (firstPass)
        {
            // Atomic add: hands each index of the first pass to exactly one worker.
            final long index = control.getAndAdd(CURSOR, 1);
            if (index >= ranges)
            {
                firstPass = false;
                break;
            }
            // CAS: loses only to a second-pass worker that claimed this range before us.
            if (state.compareAndSet((int)index, FREE, token))
            {
                noteClaim();
                return (int)index;
            }
        }
        while (scan < ranges)
        {
            final int index = scan++;
            final long owner = state.get(index); // volatile: DONE here means the result is stored
            if (owner == DONE || owner == token)
            {
                continue;
            }
            if (owner == FREE)
            {
                // CAS: a first-pass claimer that got this index from the cursor may race us; one wins.
                if (state.compareAndSet(index, FREE, token))
                {
                    noteClaim();
                    return index;
                }
            }
            else if (!participants.isAlive(owner) && state.compareAndSet(index, owner, token))
            {
                // CAS from the dead token we read: exactly one worker takes the range over.
                control.getAndAdd(REDONE, 1);
                noteClaim();
                return index;
            }
        }
        return -1;
    }

    /**
     * Marks a claimed range done; call after its result is stored.
     *
     * @param index the range.
     * @return true when marked; false when the claim had been taken over (the other worker stores the same
     * result).
     */
    boolean markDone(final int index)
    {
        // CAS (full fence): publishes the slot written before it to any reader that sees DONE.
        if (state.compareAndSet(index, token, DONE))
        {
            control.getAndAdd(DONE_COUNT, 1);
            // Statistics only: the latest done time of the run (a CAS loop that keeps the maximum).
            control.accumulateMax(LAST_DONE_NANOS, System.nanoTime());
            return true;
        }
        return false;
    }

    /**
     * Statistics only: the end of the run's start-up is its first claim. A volatile read keeps every later claim
     * from writing; the CAS from 0 lets exactly one worker set it.
     */
    private void noteClaim()
    {
        if (!claimNoted)
        {
            claimNoted = true;
            if (control.get(FIRST_CLAIM_NANOS) == 0)
            {
                control.compareAndSet(FIRST_CLAIM_NANOS, 0, System.nanoTime());
            }
        }
    }
}
