package dev.shoal.core;

/**
 * Points a scenario's script places between operations, not writes of a protocol. Under {@link CrashSearch} an
 * actor gated at {@link #DIE} is killed there when the search lets it go on: so a script says that an actor dies
 * and where in its own steps, and the search still decides when, against the other actors' writes.
 */
enum ScriptPoint implements CrashPoint
{
    /**
     * The actor dies here, between two of its operations: its participants are made dead and it writes nothing
     * more. No recoverer is started for it; the script says who recovers (a scripted recoverer, a consumer's scan
     * or reservation, the drainer at the end).
     */
    DIE,
    /** The actor waits for another's progress (a wait loop's turn, not a write): see {@link CrashPoints#waiting}. */
    AWAIT;

    /** The protocol name an explorer must list for these points to stop its actors. */
    static final String PROTOCOL = "script";

    @Override
    public String protocol()
    {
        return PROTOCOL;
    }
}
