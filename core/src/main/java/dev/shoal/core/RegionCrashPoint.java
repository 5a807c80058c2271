package dev.shoal.core;

/**
 * The crash points of the region protocol, one per shared-memory write, each placed just before its write
 * (see {@link CrashPoints}).
 */
public enum RegionCrashPoint implements CrashPoint
{
    ;

    @Override
    public String protocol()
    {
        return "region";
    }
}
