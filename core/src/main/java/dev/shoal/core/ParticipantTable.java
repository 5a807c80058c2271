package dev.shoal.core;

import java.util.ArrayList;
import java.util.List;

import java.util.function.BooleanSupplier;

import org.agrona.concurrent.AtomicBuffer;

import static dev.shoal.core.ParticipantDescriptor.ATTACHED_AT_OFFSET;
import static dev.shoal.core.ParticipantDescriptor.BOOT_ID_OFFSET;
import static dev.shoal.core.ParticipantDescriptor.GENERATION_OFFSET;
import static dev.shoal.core.ParticipantDescriptor.HEARTBEAT_OFFSET;
import static dev.shoal.core.ParticipantDescriptor.INTENT_COUNT;
import static dev.shoal.core.ParticipantDescriptor.OWNER_OFFSET;
import static dev.shoal.core.ParticipantDescriptor.PID_OFFSET;
import static dev.shoal.core.ParticipantDescriptor.ROLE_OFFSET;
import static dev.shoal.core.ParticipantDescriptor.START_TIME_OFFSET;
import static dev.shoal.core.ParticipantDescriptor.intentOffset;

/**
 * The region's table of attached processes and per-thread handles, and the liveness API the structures use
 * on their slow paths.
 *
 * <h2>Tokens</h2>
 * Attaching yields a {@link Participant} with a token: {@code generation << 16 | index}. The generation of an
 * entry goes up by one on every attach, so a token names one attachment: once its holder detaches, dies or
 * the entry is taken over, the token is no longer alive, even if the same entry now serves someone else.
 * Structures store tokens (in a lock word, a lease record) to say who holds something.
 *
 * <h2>Protocol of an entry</h2>
 * <ol>
 *   <li>Attach: CAS the owner word from 0 (free) or from a dead owner's value to {@code -identity} (this
 *       process, initialising). The CAS decides between racing attachers, and a dead owner's entry can be
 *       taken by exactly one.</li>
 *   <li>The new owner clears the intent words, writes pid, start time, role, heartbeat and this boot's id,
 *       then stores {@code +identity} to the owner word (volatile), then bumps the generation (volatile). Only
 *       then does it hand out the token.</li>
 *   <li>Detach: clear the intent words, then CAS the owner word from its own identity to 0 (only while the
 *       generation is still its own).</li>
 * </ol>
 *
 * <h2>Liveness of an owner</h2>
 * A negative owner is judged by its process alone (its boot id may not be written yet). A positive owner is
 * dead when the entry's boot id is another boot's, both being known (a region on disk outlives a reboot, and
 * start ticks restart at boot; 0 is unknown, see {@link ProcessLiveness#sameBoot}) or when
 * {@link ProcessLiveness#isAlive} proves its process gone. Because the boot id is
 * written while the owner word is still negative, a reader never pairs a new owner with an old boot id.
 * A checker reads the generation (volatile) and then the owner word (volatile). Between step 1 and the
 * generation bump an old token looks alive for a moment (owner alive, generation not yet bumped): that errs
 * on the safe side, delaying a recovery, never starting a wrong one. No live token ever reads as dead.
 */
public final class ParticipantTable
{
    private static final int INDEX_BITS = 16;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

    private final AtomicBuffer buffer;
    private final int tableOffset;
    private final int capacity;
    private final BooleanSupplier intact;
    private final Runnable openCheck;

    ParticipantTable(final AtomicBuffer buffer, final int tableOffset, final int capacity,
        final BooleanSupplier intact, final Runnable openCheck)
    {
        this.buffer = buffer;
        this.tableOffset = tableOffset;
        this.capacity = capacity;
        this.intact = intact;
        this.openCheck = openCheck;
    }

    /**
     * Before every public access: after the region's close its mapping is gone, and a read or CAS of it killed the
     * JVM (SIGSEGV) where every other structure throws.
     *
     * @throws IllegalStateException when the region is closed.
     */
    void checkOpen()
    {
        openCheck.run();
    }

    /**
     * @return number of entries.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Takes a free entry, or else the entry of a dead process.
     *
     * @param role what the participant does.
     * @return the participant handle; close it to detach.
     * @throws IllegalStateException when every entry belongs to a live participant.
     */
    public Participant attach(final Role role)
    {
        // Before the claim: a null role failed in initialise, after the CAS, and the entry stayed owned,
        // half-written, by this live process for good.
        java.util.Objects.requireNonNull(role, "role");
        checkOpen();
        final long claiming = -ProcessLiveness.currentIdentity();
        for (int i = 0; i < capacity; i++)
        {
            CrashPoints.at(ParticipantCrashPoint.ATTACH_CLAIM_CAS);
            // CAS from free: decides between racing attachers.
            if (buffer.compareAndSetLong(entry(i) + OWNER_OFFSET, 0, claiming))
            {
                return initialise(i, role);
            }
        }
        for (int i = 0; i < capacity; i++)
        {
            // Volatile: the owner value the takeover CAS below expects; a newer owner makes the CAS fail.
            final long owner = buffer.getLongVolatile(entry(i) + OWNER_OFFSET);
            if (owner != 0 && !ownerAlive(entry(i), owner, false))
            {
                CrashPoints.at(ParticipantCrashPoint.ATTACH_TAKEOVER_CAS);
                // CAS from the dead owner we read: exactly one attacher takes over a dead owner's entry.
                if (buffer.compareAndSetLong(entry(i) + OWNER_OFFSET, owner, claiming))
                {
                    return initialise(i, role);
                }
            }
        }
        throw new IllegalStateException("participant table full: capacity=" + capacity +
            " and every entry belongs to a live process");
    }

    private Participant initialise(final int index, final Role role)
    {
        final int e = entry(index);
        CrashPoints.at(ParticipantCrashPoint.ATTACH_INTENTS);
        for (int s = 0; s < INTENT_COUNT; s++)
        {
            // Volatile: a recoverer reading a dead previous owner's intents must see them cleared, never half.
            buffer.putLongVolatile(e + intentOffset(s), 0);
        }
        final long now = System.currentTimeMillis();
        CrashPoints.at(ParticipantCrashPoint.ATTACH_FIELDS);
        buffer.putLong(e + PID_OFFSET, ProcessLiveness.currentPid());
        buffer.putLong(e + START_TIME_OFFSET, ProcessLiveness.currentStartMillis());
        buffer.putInt(e + ROLE_OFFSET, role.code());
        buffer.putLong(e + ATTACHED_AT_OFFSET, now);
        // Release: the plain fields above are visible to whoever reads the heartbeat with acquire (inspect).
        buffer.putLongRelease(e + HEARTBEAT_OFFSET, now);
        // Release: ordered before the owner store below, so a reader of +identity sees this boot id.
        buffer.putLongRelease(e + BOOT_ID_OFFSET, ProcessLiveness.bootId());
        CrashPoints.at(ParticipantCrashPoint.ATTACH_OWNER);
        // Volatile: the owner turns positive only once its boot id is visible (see "Liveness of an owner").
        buffer.putLongVolatile(e + OWNER_OFFSET, ProcessLiveness.currentIdentity());
        // Volatile: only the entry's owner bumps it, and we own it since our CAS; the read sees the last bump.
        final long generation = buffer.getLongVolatile(e + GENERATION_OFFSET) + 1;
        CrashPoints.at(ParticipantCrashPoint.ATTACH_GENERATION);
        // Volatile: the new token becomes valid only after every field above is visible.
        buffer.putLongVolatile(e + GENERATION_OFFSET, generation);
        return new Participant(this, index, token(generation, index), role);
    }

    void detach(final int index, final long token)
    {
        if (!intact.getAsBoolean())
        {
            return; // truncated under us (see Region#isIntact): the entry is left to a takeover, as after a kill
        }
        final int e = entry(index);
        // Volatile: sees a takeover's bump. A live process is never judged dead (see ProcessLiveness), so once
        // this matches the entry stays ours until our CAS below; only a simulated death in tests breaks that.
        if (buffer.getLongVolatile(e + GENERATION_OFFSET) != generationOf(token))
        {
            return; // taken over already (we were considered dead): nothing of ours left to clear
        }
        CrashPoints.at(ParticipantCrashPoint.DETACH_INTENTS);
        for (int s = 0; s < INTENT_COUNT; s++)
        {
            // Volatile: a structure's recoverer reading our intents sees each cleared whole.
            buffer.putLongVolatile(e + intentOffset(s), 0);
        }
        CrashPoints.at(ParticipantCrashPoint.DETACH_OWNER_CAS);
        // CAS from our own identity (a full fence: the cleared intents are visible before the entry reads as
        // free); it fails, harmlessly, when the entry was reclaimed because we were judged dead.
        buffer.compareAndSetLong(e + OWNER_OFFSET, ProcessLiveness.currentIdentity(), 0);
    }

    /**
     * @return whether an owner word read from entry {@code e} names a live process (see "Liveness of an owner").
     */
    private boolean ownerAlive(final int e, final long owner, final boolean recent)
    {
        if (owner == 0)
        {
            return false;
        }
        final long identity = Math.abs(owner); // negative: initialising, its boot id may not be written yet
        // Volatile: the boot id was stored before the owner word turned positive, which we read before it.
        final boolean sameBoot = owner < 0 || ProcessLiveness.sameBoot(buffer.getLongVolatile(e + BOOT_ID_OFFSET));
        return sameBoot && (recent ? ProcessLiveness.isAliveRecently(identity) : ProcessLiveness.isAlive(identity));
    }

    /**
     * Liveness of a token's holder: its entry still carries the token's generation, is owned, and the owning
     * process runs (same pid and start time). Slow path only: it may read {@code /proc}.
     *
     * @param token a participant token, as stored by a structure.
     * @return true when the holder is attached and alive.
     */
    public boolean isAlive(final long token)
    {
        return isAlive(token, false);
    }

    /**
     * Like {@link #isAlive(long)}, but the owning process's liveness may be an answer up to 10 ms old (see
     * {@link ProcessLiveness#isAliveRecently}): for periodic scans only, never after the caller saw a process end.
     *
     * @param token a participant token, as stored by a structure.
     * @return true when the holder is attached and was alive at most 10 ms ago.
     */
    public boolean isAliveRecently(final long token)
    {
        return isAlive(token, true);
    }

    private boolean isAlive(final long token, final boolean recent)
    {
        checkOpen();
        final int index = indexOf(token);
        if (token <= 0 || index >= capacity)
        {
            return false;
        }
        final int e = entry(index);
        // Generation first, owner second: see the class comment for why this order errs on the safe side.
        final long generation = buffer.getLongVolatile(e + GENERATION_OFFSET);
        final long owner = buffer.getLongVolatile(e + OWNER_OFFSET);
        return generation == generationOf(token) && ownerAlive(e, owner, recent);
    }

    /**
     * @param index entry index.
     * @return the token of the entry's current attachment, or 0 when the entry is free.
     */
    public long tokenAt(final int index)
    {
        checkOpen();
        checkIndex(index);
        final int e = entry(index);
        final long owner = buffer.getLongVolatile(e + OWNER_OFFSET);
        return owner == 0 ? 0 : token(buffer.getLongVolatile(e + GENERATION_OFFSET), index);
    }

    /**
     * @param index entry index.
     * @param slot  intent word, 0 to {@link ParticipantDescriptor#INTENT_COUNT} - 1.
     * @return the intent word (volatile read: pairs with the owner's store before its CAS).
     */
    public long intentVolatile(final int index, final int slot)
    {
        checkOpen();
        checkIndex(index);
        return buffer.getLongVolatile(entry(index) + intentOffset(checkSlot(slot)));
    }

    /**
     * Frees the entry of a dead participant (its process is gone). Structures keep what they need in their own
     * records, keyed by token, so freeing an entry never loses a job or a lock.
     *
     * @param index entry index.
     * @return true when the entry was dead and is now free.
     */
    public boolean reclaimIfDead(final int index)
    {
        checkOpen();
        checkIndex(index);
        final long owner = buffer.getLongVolatile(entry(index) + OWNER_OFFSET);
        if (owner == 0 || ownerAlive(entry(index), owner, false))
        {
            return false;
        }
        CrashPoints.at(ParticipantCrashPoint.RECLAIM_CAS);
        // CAS from the dead owner we read: a concurrent attacher that took the entry first wins.
        return buffer.compareAndSetLong(entry(index) + OWNER_OFFSET, owner, 0);
    }

    /**
     * @return how many dead entries were freed.
     */
    public int reclaimDead()
    {
        int freed = 0;
        for (int i = 0; i < capacity; i++)
        {
            freed += reclaimIfDead(i) ? 1 : 0;
        }
        return freed;
    }

    /**
     * @return a snapshot of every occupied entry, live or dead.
     */
    public List<ParticipantInfo> snapshot()
    {
        checkOpen();
        final List<ParticipantInfo> list = new ArrayList<>();
        for (int i = 0; i < capacity; i++)
        {
            final int e = entry(i);
            final long owner = buffer.getLongVolatile(e + OWNER_OFFSET);
            if (owner == 0)
            {
                continue;
            }
            list.add(new ParticipantInfo(
                i,
                token(buffer.getLongVolatile(e + GENERATION_OFFSET), i),
                buffer.getLong(e + PID_OFFSET),
                buffer.getLong(e + START_TIME_OFFSET),
                buffer.getLongVolatile(e + HEARTBEAT_OFFSET),
                Role.fromCode(buffer.getInt(e + ROLE_OFFSET)),
                buffer.getLong(e + ATTACHED_AT_OFFSET),
                ownerAlive(e, owner, false)));
        }
        return list;
    }

    /**
     * @return how many occupied entries belong to live processes.
     */
    public int liveCount()
    {
        int live = 0;
        for (final ParticipantInfo info : snapshot())
        {
            live += info.alive() ? 1 : 0;
        }
        return live;
    }

    /**
     * @param token a participant token.
     * @return its entry index.
     */
    public static int indexOf(final long token)
    {
        return (int)(token & INDEX_MASK);
    }

    static long generationOf(final long token)
    {
        return token >>> INDEX_BITS;
    }

    static long token(final long generation, final int index)
    {
        return (generation << INDEX_BITS) | index;
    }

    void putIntentVolatile(final int index, final int slot, final long value)
    {
        buffer.putLongVolatile(entry(index) + intentOffset(checkSlot(slot)), value);
    }

    void putIntentRelease(final int index, final int slot, final long value)
    {
        buffer.putLongRelease(entry(index) + intentOffset(checkSlot(slot)), value);
    }

    void heartbeat(final int index, final long nowMillis)
    {
        buffer.putLongRelease(entry(index) + HEARTBEAT_OFFSET, nowMillis);
    }

    private int entry(final int index)
    {
        return ParticipantDescriptor.entryOffset(tableOffset, index);
    }

    private void checkIndex(final int index)
    {
        if (index < 0 || index >= capacity)
        {
            throw new IndexOutOfBoundsException("participant index=" + index + " capacity=" + capacity);
        }
    }

    private static int checkSlot(final int slot)
    {
        if (slot < 0 || slot >= INTENT_COUNT)
        {
            throw new IndexOutOfBoundsException("intent slot=" + slot + " count=" + INTENT_COUNT);
        }
        return slot;
    }
}
