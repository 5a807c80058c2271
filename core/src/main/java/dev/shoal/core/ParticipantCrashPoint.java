package dev.shoal.core;

/**
 * The crash points of the participants protocol, one per shared-memory write, each placed just before its write
 * (see {@link CrashPoints}).
 */
public enum ParticipantCrashPoint implements CrashPoint
{
    ;

    @Override
    public String protocol()
    {
        return "participants";
    }
}
