package dev.shoal.core;


import static dev.shoal.core.JobRingDescriptor.*;

/**
 * The slow paths of a {@link JobRing} that repair what dead participants left behind. Liveness is read only
 * here, never on a fast path. Two rules make every repair safe against racing recoverers, a slow but live
 * holder, and a recoverer that is itself paused or killed halfway:
 * <ol>
 *   <li><b>Decide by one CAS from a value that names the dead.</b> A slot word names its sequence and state; a
 *       lease word names its holder's token, and a dead token never becomes alive again. So the CAS fails
 *       when anything changed since the read, however long the recoverer was paused in between.</li>
 *   <li><b>Own first, then act.</b> A recoverer first makes a dead holder's record its own (CAS to its own
 *       token); only then does it read the record's fields and release the slot the record names, and only at
 *       the end does it hand the job to any consumer ({@code PENDING}). A record is {@code PENDING} only after
 *       its slot was released, so whoever takes a pending job has nothing left to release.</li>
 * </ol>
 *
 * <ul>
 *   <li>{@link #abandonIfOrphaned}: a claimed, unpublished head slot whose claimant is dead:
 *       {@code FREE(h) -> ABANDONED(h)}. Only when no live participant's intent covers {@code h}: a live
 *       producer publishes its claim with a plain release store, which nothing else may race.</li>
 *   <li>{@link #recoverLease}: a lease record whose holder is dead: {@code LEASED(dead)} and
 *       {@code RESERVED(dead)} become the caller's; a slot the dead holder had {@code TAKEN} but not yet copied,
 *       or held in place (a drain), is copied into the record; the slot is released; then the caller keeps the
 *       job or makes it {@code PENDING}. A job held in place whose slot is already released was completed: the
 *       record is freed.</li>
 *   <li>{@link #helpHead}: a head left behind a slot that is taken, abandoned or already released for a later
 *       lap is moved on by whoever reads it.</li>
 * </ul>
 */
final class RingRecovery
{
    /** Nothing was recovered. */
    static final int NONE = -1;
    /** Something was recovered and the caller holds nothing. */
    static final int RECOVERED = -2;
    /** {@link #takenLength}: the slot holds no job for the record. */
    private static final int NO_JOB = -1;
    /** How long a handle waits on one stalled sequence before it checks liveness. */
    static final long STALL_NANOS = 1_000_000L;
    /**
     * A producer's full-ring retries per reading of the clock, a power of two. The stall budget above counts in
     * milliseconds, while a clock read costs more than the retry on a VM (25-35 ns on this project's machine,
     * kvm-clock): looking on every eighth try delays it by a few tries, no more. (A consumer's empty polls pace
     * their clock reads with a {@link ClockPacer} instead.)
     */
    static final int POLLS_PER_CLOCK = 8;
    /** How often {@link JobRing#join} runs recovery while it waits. */
    static final long JOIN_RECOVERY_NANOS = 20_000_000L;

    private final JobRing ring;
    private final RingWords words;
    private final ParticipantTable table;
    private final long token;
    private final int capacity;

    RingRecovery(final JobRing ring, final long token)
    {
        this.ring = ring;
        this.words = ring.words();
        this.table = ring.region().participants();
        this.token = token;
        this.capacity = ring.capacity();
    }

    /**
     * Abandons sequence {@code h} when its slot is claimed but unpublished and no live participant's claim
     * intent covers it. A live claimant wrote its intent (release) before its tail CAS, and we read the tail
     * past {@code h} before the intents, so a live claimant is always seen. A producer clears the intent of a
     * tail CAS it lost, so a live producer never stands in for a dead claimant.
     *
     * @return true when this call abandoned the slot.
     */
    boolean abandonIfOrphaned(final long h)
    {
        final int slot = ring.slotOffsetOf(h);
        final long free = slotWord(h, SLOT_FREE, 0);
        // Volatile reads: the slot must still be unpublished and the tail past it before we look for a claimant.
        if (words.slotWordVolatile(slot) != free || words.tailVolatile() <= h)
        {
            return false;
        }
        for (int i = 0; i < table.capacity(); i++)
        {
            if (table.intentVolatile(i, JobRing.TAG_INTENT) == ring.tag() &&
                covers(table.intentVolatile(i, JobRing.CLAIM_INTENT), h))
            {
                final long holder = table.tokenAt(i);
                if (holder != 0 && table.isAlive(holder))
                {
                    return false; // a live producer is slow: wait for it, never race it
                }
            }
        }
        CrashPoints.at(RingCrashPoint.ABANDON_CAS);
        // CAS from FREE(h): racing recoverers, and a dead producer's own abort CAS, decide once. The claimant is
        // dead (no live intent covers h), so no publish store can follow.
        if (!words.casSlotWord(slot, free, slotWord(h, SLOT_ABANDONED, 0)))
        {
            return false;
        }
        CrashPoints.at(RingCrashPoint.ABANDON_COUNT);
        words.incrementCounterAtomic(ring.counterOffset(ABANDONED_OFFSET)); // atomic: counted by every process
        helpPast(h);
        return true;
    }

    /**
     * For supervisors: repairs the head slot if its claimant died, and helps the head past a slot that no
     * longer holds a job for it.
     *
     * @return true when a claim was abandoned.
     */
    boolean recoverPendingAtHead()
    {
        final long h = words.headVolatile(); // volatile: the current head
        final long word = words.slotWordVolatile(ring.slotOffsetOf(h)); // volatile: the slot's state for h
        if (word == slotWord(h, SLOT_FREE, 0))
        {
            return abandonIfOrphaned(h);
        }
        helpHead(h, word);
        return false;
    }

    /**
     * Moves the head past {@code h} when the slot word read at it shows that {@code h} holds no job to take:
     * TAKEN or ABANDONED for {@code h}, or already released for a later lap (a taker that died between its
     * slot CAS and its head CAS, recovered before anyone else reached the head).
     *
     * @param h    the head read.
     * @param word the slot word read at {@code h} after it.
     * @return true when the head may have moved (re-read it).
     */
    boolean helpHead(final long h, final long word)
    {
        final long lap = lapDelta(word, h);
        // Which words the slot of h can hold: its slot moved at least to sequence h - capacity before the head
        // reached h (and the head was read before the slot), and it only moves a whole lap at a time.
        if (lap < -capacity || lap % capacity != 0 || !validSlotWord(word))
        {
            throw ring.corrupt("slot[" + (h & (capacity - 1)) + "]", word, "at head=" + h + " it holds sequence " +
                "delta " + lap + " (expected -capacity, 0 or a later lap) or an impossible state");
        }
        if (lap == 0)
        {
            final int state = slotState(word);
            if (state == SLOT_TAKEN || state == SLOT_ABANDONED)
            {
                helpPast(h);
                return true;
            }
            return false;
        }
        if (lap > 0)
        {
            // A later lap's word means sequence h was taken or abandoned and its slot released: the head is
            // behind. CAS: fails harmlessly when another reader moved it first.
            CrashPoints.at(RingCrashPoint.HELP_HEAD_LATER_LAP);
            words.casHead(h, h + 1);
            return true;
        }
        return false; // an older lap: h is not published yet
    }

    /**
     * Moves the head past {@code h} (whose slot is TAKEN or ABANDONED) and releases an abandoned slot. Head
     * first: a consumer that read the head before sees the slot still for {@code h} and helps too.
     */
    void helpPast(final long h)
    {
        CrashPoints.at(RingCrashPoint.HELP_HEAD_CAS);
        // CAS: fails harmlessly when another process already moved the head.
        words.casHead(h, h + 1);
        CrashPoints.at(RingCrashPoint.HELP_RELEASE_ABANDONED);
        // CAS from ABANDONED(h): releases the slot to the producer of h + capacity, once.
        words.casSlotWord(ring.slotOffsetOf(h), slotWord(h, SLOT_ABANDONED, 0),
            slotWord(h + capacity, SLOT_FREE, 0));
    }

    /**
     * Recovers lease record {@code index} when its holder is dead (or it is PENDING and the caller can take it).
     *
     * @param index    lease record.
     * @param canLease whether the caller (a consumer holding no job) takes the job itself.
     * @return {@code index} when the caller now holds the job in that record, {@link #RECOVERED} when something
     *     was repaired, {@link #NONE} otherwise.
     */
    int recoverLease(final int index, final boolean canLease)
    {
        return recoverLease(index, canLease, false);
    }

    /**
     * {@link #recoverLease(int, boolean)} for an idle consumer's periodic scan: a holder's liveness may be an
     * answer up to 10 ms old ({@link ParticipantTable#isAliveRecently}), so that C idle consumers scanning C
     * records do not read {@code /proc} C x C times per scan; a death is then acted on up to 10 ms late.
     *
     * @param index lease record.
     * @return as {@link #recoverLease(int, boolean)} with {@code canLease} true.
     */
    int scanLease(final int index)
    {
        return recoverLease(index, true, true);
    }

    private int recoverLease(final int index, final boolean canLease, final boolean recent)
    {
        final int record = ring.leaseOffset(index);
        final long word = words.leaseWordVolatile(record); // volatile: pairs with its release; the fields follow
        final int state = leaseState(word);
        if (state == LEASE_FREE)
        {
            return NONE;
        }
        final int attempt = leaseAttempt(word);
        if (state == LEASE_PENDING)
        {
            // Its slot was released before the record became PENDING: nothing to repair, only a job to take.
            CrashPoints.at(RingCrashPoint.RECOVER_TAKE_PENDING);
            // CAS from PENDING: exactly one consumer takes a waiting job; the fields are read after it.
            return canLease && words.casLeaseWord(record, word,
                leaseWord(token, attempt, LEASE_LEASED)) ? index : NONE;
        }
        final long holder = leaseToken(word);
        if (holder == token || (recent ? table.isAliveRecently(holder) : table.isAlive(holder)))
        {
            return NONE;
        }
        if (state == LEASE_LEASED)
        {
            CrashPoints.at(RingCrashPoint.RECOVER_LEASED_CAS);
            // CAS from LEASED(dead holder) to LEASED(us): exactly one recoverer owns the record from here on.
            if (!words.casLeaseWord(record, word, leaseWord(token, attempt + 1,
                LEASE_LEASED)))
            {
                return NONE;
            }
            // Ours now: nobody else writes the sequence, so the slot it names is the one the dead holder took.
            CrashPoints.at(RingCrashPoint.RECOVER_READ_SEQUENCE);
            final long sequence = words.leaseSequencePlain(record);
            if (words.leaseInSlotVolatile(record) && !moveInSlotJob(index, record, sequence))
            {
                return freeRecord(record);
            }
            CrashPoints.at(RingCrashPoint.RECOVER_REDELIVERED_COUNT);
            words.incrementCounterAtomic(ring.counterOffset(REDELIVERED_OFFSET)); // atomic: counted by every process
            releaseTaken(index, sequence);
            return canLease ? index : handOff(record, attempt + 1);
        }
        return recoverReserved(index, record, word, canLease);
    }

    /**
     * A RESERVED record of a dead handle: the handle may have died between winning a slot (TAKEN) and copying
     * it. Take the record over (CAS names us), then finish the copy from the still unreleased slot, or free it.
     */
    private int recoverReserved(final int index, final int record, final long word, final boolean canLease)
    {
        CrashPoints.at(RingCrashPoint.RECOVER_RESERVED_CAS);
        // CAS from RESERVED(dead): we become the record's only writer.
        if (!words.casLeaseWord(record, word, leaseWord(token, 0, LEASE_RESERVED)))
        {
            return NONE;
        }
        CrashPoints.at(RingCrashPoint.RECOVER_READ_SEQUENCE);
        final long sequence = words.leaseSequencePlain(record); // ours: stable from here on
        final int length = takenLength(index, sequence);
        if (length == NO_JOB)
        {
            return freeRecord(record);
        }
        final int slot = ring.slotOffsetOf(sequence);
        CrashPoints.at(RingCrashPoint.RECOVER_COPY);
        copyIntoLease(slot, record, sequence, length);
        CrashPoints.at(RingCrashPoint.RECOVER_LEASE_STORE);
        // Release: publishes the copy; from here the record, not the slot, holds the job.
        words.leaseWordRelease(record, leaseWord(token, 1, LEASE_LEASED));
        releaseTaken(index, sequence);
        return canLease ? index : handOff(record, 1);
    }

    /**
     * Moves a job leased in place (the record names it, its slot still holds it) into the record the caller owns:
     * the payload is copied, then the in-slot flag cleared, so the record holds the job before the caller releases
     * the slot. A job whose slot is no longer {@code TAKEN} by the record was completed: its holder stores done
     * before it releases the slot, and any other owner clears the flag before releasing it. A corrupt length is
     * released and counted ({@link #takenLength}, shared with {@link #recoverReserved}).
     *
     * @return true when the record now holds the job; false when there is none to deliver (completed, or corrupt
     *     and skipped), and the caller frees the record.
     */
    boolean moveInSlotJob(final int index, final int record, final long sequence)
    {
        final int length = takenLength(index, sequence);
        if (length == NO_JOB)
        {
            return false;
        }
        CrashPoints.at(RingCrashPoint.MOVE_IN_SLOT_COPY);
        words.copyInSlotPayloadPlain(ring.slotOffsetOf(sequence), record, length);
        CrashPoints.at(RingCrashPoint.MOVE_IN_SLOT_CLEAR);
        // Volatile: the copy is visible before the flag reads 0; from here the record, not the slot, holds the job.
        words.clearLeaseInSlotVolatile(record);
        return true;
    }

    /**
     * The length of the job a record's slot still holds for it, for a caller that owns the record.
     *
     * @return the length, or {@link #NO_JOB} when the slot is no longer TAKEN by the record (released, perhaps
     *     reused) or holds a corrupt length, which this call releases and counts (release first, count only when
     *     our CAS released it: a recoverer killed between the two leaves one uncounted, the documented window,
     *     never one counted twice by the next recoverer).
     */
    private int takenLength(final int index, final long sequence)
    {
        final int slot = ring.slotOffsetOf(Math.max(0, sequence));
        // Volatile: a TAKEN word naming this record means the job is still in the slot, unreleased.
        if (sequence < 0 || words.slotWordVolatile(slot) != slotWord(sequence, SLOT_TAKEN, index))
        {
            return NO_JOB;
        }
        final int length = words.slotLengthPlain(slot);
        if (ring.corruptLength(length))
        {
            if (releaseTaken(index, sequence))
            {
                CrashPoints.at(RingCrashPoint.RECOVER_CORRUPT_COUNT);
                words.incrementCounterAtomic(ring.counterOffset(ABANDONED_OFFSET)); // a corrupt job skipped, counted
            }
            return NO_JOB;
        }
        return length;
    }

    /**
     * Frees a record we own that holds no job to deliver.
     */
    private int freeRecord(final int record)
    {
        CrashPoints.at(RingCrashPoint.RECOVER_FREE_RECORD);
        words.leaseWordRelease(record, 0); // release: the record is free for anyone
        return RECOVERED;
    }

    /**
     * Releases slot {@code sequence} when it is still TAKEN by {@code lease}. The caller owns the record, whose
     * job is in the record by now.
     *
     * @return whether this call released it.
     */
    boolean releaseTaken(final int lease, final long sequence)
    {
        if (sequence < 0)
        {
            return false;
        }
        CrashPoints.at(RingCrashPoint.RECOVER_RELEASE_SLOT);
        // CAS from the lap-tagged TAKEN word: a no-op when the taker released it already.
        return words.casSlotWord(ring.slotOffsetOf(sequence), slotWord(sequence, SLOT_TAKEN, lease),
            slotWord(sequence + capacity, SLOT_FREE, 0));
    }

    /**
     * Hands a job in a record we own (its slot released) to any consumer.
     */
    private int handOff(final int record, final int attempt)
    {
        CrashPoints.at(RingCrashPoint.RECOVER_HAND_PENDING);
        // Release: the record's fields are visible to whoever takes the PENDING job with its CAS. We own the
        // record (LEASED by our token), so a release store, not a CAS, cannot overwrite anyone else's state.
        words.leaseWordRelease(record, leaseWord(0, attempt, LEASE_PENDING));
        return RECOVERED;
    }

    /**
     * Copies a taken slot into a lease record the caller owns: plain stores, published by the caller's release
     * store of the lease word.
     */
    void copyIntoLease(final int slot, final int record, final long sequence, final int length)
    {
        words.copySlotIntoLeasePlain(slot, record, sequence, length);
    }

    /**
     * @return false for a slot word no protocol step writes: a lease index beyond the records, or a lease on a
     *     slot that is not TAKEN.
     */
    private boolean validSlotWord(final long word)
    {
        final int lease = slotLease(word);
        return slotState(word) == SLOT_TAKEN ? lease < ring.leaseCount() : lease == 0;
    }

    static long lapDelta(final long word, final long h)
    {
        final long delta = (slotSequence(word) - (h & SEQUENCE_MASK)) << (64 - SEQUENCE_BITS);
        return delta >> (64 - SEQUENCE_BITS);
    }

    private static boolean covers(final long claim, final long h)
    {
        final long first = claimFirst(claim);
        final long count = claimCount(claim);
        return count > 0 && h >= first && h < first + count;
    }
}
