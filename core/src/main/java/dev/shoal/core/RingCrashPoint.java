package dev.shoal.core;

/**
 * The crash points of the {@link JobRing} protocol, one per shared-memory write, each placed just before its
 * write (see {@link CrashPoints}). The comment of each says what a process killed there leaves behind, and
 * who repairs it.
 */
public enum RingCrashPoint implements CrashPoint
{
    /** Producer, before its claim intent store: nothing claimed, nothing to repair. */
    OFFER_INTENT,
    /** Producer, before the tail CAS: its intent names sequences it may never claim (a dead holder's intent). */
    OFFER_TAIL_CAS,
    /** Producer, before clearing the intent of a lost tail CAS: a stale intent of a dead holder is ignored. */
    OFFER_INTENT_CLEAR,
    /** Producer, before writing length and payload: claimed, unpublished; a recoverer abandons it. */
    OFFER_WRITE,
    /**
     * Producer, before the publish (a release store, after an offer's copy or at a {@code tryClaim}'s commit):
     * claimed, partly written; a recoverer abandons it, never reads it.
     */
    OFFER_PUBLISH,
    /** Producer, before its abort CAS: claimed, unpublished; a recoverer abandons it. */
    ABORT_CAS,
    /** Producer, before counting its abort: the slot is abandoned; the aborted count misses one. */
    ABORT_COUNT,
    /** Consumer, before writing the sequence it takes into its record: nothing taken. */
    TAKE_SEQUENCE,
    /** Consumer, before the slot CAS that takes the job: nothing taken (the record names a sequence only). */
    TAKE_SLOT_CAS,
    /** Consumer, before moving the head: the slot is TAKEN by its record; readers help the head on. */
    TAKE_HEAD_CAS,
    /** Consumer draining, before moving the head past its run: the head lags; the next reader helps. */
    DRAIN_HEAD_CAS,
    /** Consumer, before copying the job into its record: TAKEN, uncopied; a recoverer copies it. */
    TAKE_COPY,
    /** Consumer, before the LEASED store: copied but RESERVED; a recoverer copies again from the slot. */
    TAKE_LEASE_STORE,
    /** Consumer, before releasing the slot: LEASED with the slot still TAKEN; the recoverer releases it. */
    TAKE_SLOT_RELEASE,
    /** Consumer draining, before leasing a taken job in place (record fields): TAKEN, RESERVED; recovered as a copy. */
    TAKE_IN_SLOT,
    /** Consumer draining, before the LEASED store of an in-place job: RESERVED, slot TAKEN; a recoverer copies it. */
    TAKE_IN_SLOT_LEASE_STORE,
    /** Consumer, before releasing a slot whose job has a corrupt length: the slot stays TAKEN, recovered. */
    TAKE_CORRUPT_RELEASE,
    /** Consumer, before counting a corrupt job: the slot is released, the abandoned count misses one. */
    TAKE_CORRUPT_COUNT,
    /** Anyone, before moving the head past a TAKEN or ABANDONED slot: the head lags; the next reader helps. */
    HELP_HEAD_CAS,
    /** Anyone, before releasing an ABANDONED slot: producers that wrap to it release it themselves. */
    HELP_RELEASE_ABANDONED,
    /** Anyone, before moving the head past a slot already released for a later lap: the next reader helps. */
    HELP_HEAD_LATER_LAP,
    /** Consumer, before its done store: the job stays leased; it is redelivered. */
    DONE_STORE,
    /**
     * Consumer, before releasing the slot of a job it completed in place: done counted, LEASED in slot, slot still
     * TAKEN; a recoverer moves it into the record and redelivers it, counted once.
     */
    DONE_IN_SLOT_RELEASE,
    /** Consumer, before clearing its lease: done counted, lease kept; redelivered, counted once (or, for a job
     * completed in place whose slot is released, the recoverer only frees the record). */
    DONE_CLEAR,
    /** Consumer, before reserving a free record: nothing reserved. */
    RESERVE_CAS,
    /** Consumer, before adopting a PENDING record as its own: the job stays pending. */
    RESERVE_PENDING_CAS,
    /** Consumer closing, before giving its held job back: the job stays leased to a dead holder. */
    CLOSE_PENDING,
    /** Consumer closing, before counting the give-back: the job is pending; redelivered misses one. */
    CLOSE_REDELIVERED_COUNT,
    /** Consumer closing, before freeing its own record: the record stays RESERVED by a dead holder. */
    CLOSE_FREE_OWN,
    /** Recoverer, before abandoning an orphaned claim: nothing changed. */
    ABANDON_CAS,
    /** Recoverer, before counting an abandoned claim: the slot is abandoned; the abandoned count misses one. */
    ABANDON_COUNT,
    /** Consumer, before taking a PENDING job: nothing changed. */
    RECOVER_TAKE_PENDING,
    /** Recoverer, before taking over a dead holder's LEASED record: nothing changed. */
    RECOVER_LEASED_CAS,
    /** Recoverer, before counting a redelivery: the record is ours (a dead holder's, once we die). */
    RECOVER_REDELIVERED_COUNT,
    /** Recoverer, before releasing the slot a record still holds TAKEN: the next recoverer releases it. */
    RECOVER_RELEASE_SLOT,
    /** Recoverer, before handing a recovered job to any consumer: the record is LEASED by a dead holder. */
    RECOVER_HAND_PENDING,
    /**
     * Recoverer, before reading the sequence a record names (a read, not a write: pausing here between two reads
     * is how a stale decision would show; killing here leaves the state of the next write's point).
     */
    RECOVER_READ_SEQUENCE,
    /** Recoverer, before taking over a dead holder's RESERVED record: nothing changed. */
    RECOVER_RESERVED_CAS,
    /** Recoverer, before freeing a record that holds no job: the record is RESERVED by a dead holder. */
    RECOVER_FREE_RECORD,
    /** Recoverer, before copying a job from a slot left TAKEN: the record is RESERVED by a dead holder. */
    RECOVER_COPY,
    /** Recoverer, before the LEASED store after its copy: RESERVED by a dead holder, slot still TAKEN. */
    RECOVER_LEASE_STORE,
    /** Recoverer, after its CAS released a corrupt job's slot, before counting it: the count misses one. */
    RECOVER_CORRUPT_COUNT,
    /**
     * Owner of a record leased in place (a recoverer, or a drain whose handler threw), before copying the job from
     * its still TAKEN slot into the record: LEASED in slot; the next owner copies it.
     */
    MOVE_IN_SLOT_COPY,
    /** Owner of a record leased in place, before clearing its in-slot flag: copied; the next owner copies again. */
    MOVE_IN_SLOT_CLEAR;

    @Override
    public String protocol()
    {
        return "ring";
    }
}
