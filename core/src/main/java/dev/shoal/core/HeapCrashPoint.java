package dev.shoal.core;

/**
 * The crash points of the heap protocol, one per shared-memory write, each placed just before its write
 * (see {@link CrashPoints}).
 */
public enum HeapCrashPoint implements CrashPoint
{
    ;

    @Override
    public String protocol()
    {
        return "heap";
    }
}
