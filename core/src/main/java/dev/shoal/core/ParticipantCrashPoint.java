package dev.shoal.core;

/**
 * The crash points of the participant table and of {@link RegionLock}, one per shared-memory write, each placed
 * just before its write (see {@link CrashPoints}).
 */
public enum ParticipantCrashPoint implements CrashPoint
{
    /** Attacher, before claiming a free entry: nothing changed. */
    ATTACH_CLAIM_CAS,
    /** Attacher, before taking over a dead owner's entry: nothing changed. */
    ATTACH_TAKEOVER_CAS,
    /** Attacher, before clearing the intents: the entry is claimed (owner negative); reclaimed once we are dead. */
    ATTACH_INTENTS,
    /** Attacher, before writing pid, times, role, heartbeat and boot id: as above. */
    ATTACH_FIELDS,
    /** Attacher, before the owner turns positive: as above; no token was handed out. */
    ATTACH_OWNER,
    /** Attacher, before the generation bump: owned by a dead process, no token handed out; reclaimed. */
    ATTACH_GENERATION,
    /** Detacher, before clearing its intents: still owned by a dead process; reclaimed. */
    DETACH_INTENTS,
    /** Detacher, before freeing the entry: intents clear, owned by a dead process; reclaimed. */
    DETACH_OWNER_CAS,
    /** Reclaimer, before freeing a dead owner's entry: nothing changed. */
    RECLAIM_CAS,
    /** Lock, before the acquiring CAS: nothing changed. */
    LOCK_ACQUIRE_CAS,
    /** Lock waiter, before taking the lock from a dead holder: nothing changed. */
    LOCK_TAKEOVER_CAS,
    /** Lock taker, before counting its takeover: the lock is ours (a dead holder's, once we die); one uncounted. */
    LOCK_TAKEOVER_COUNT,
    /** Lock holder, before releasing: the lock stays held by a dead token; the next waiter takes it over. */
    LOCK_RELEASE_CAS;

    @Override
    public String protocol()
    {
        return "participants";
    }
}
