package dev.shoal.pool;

import dev.shoal.core.CrashPoint;

/**
 * The crash points of a worker's result write ({@link ResultWriter#flush}), for tests that halt a worker JVM there
 * (see {@code dev.shoal.core.CrashPoints}). The claim itself (a CAS on the buffer's tail, then the record's header
 * with its length negated) happens inside Agrona's {@code tryClaim}; the states a death inside it leaves are
 * enumerated by {@code ResultBufferSalvageTest}.
 */
enum ResultCrashPoint implements CrashPoint
{
    /** Before the claim: a death here leaves the previous record as it was. */
    RESULT_CLAIM,
    /** Claimed (header negative), before the frame's bytes are copied in. */
    RESULT_COPY,
    /** Frame copied, before the commit (the release store of the positive length). */
    RESULT_COMMIT;

    @Override
    public String protocol()
    {
        return "pool-results";
    }
}
