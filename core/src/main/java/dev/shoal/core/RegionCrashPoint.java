package dev.shoal.core;

/**
 * The crash points of region creation, one per write to the file system or the new region, each placed just
 * before its write (see {@link CrashPoints}). A creator never writes at the final path: it fills a private
 * file and hard-links it there.
 */
public enum RegionCrashPoint implements CrashPoint
{
    /** Creator, before filling its private file (sized, zeroed): a stale private file; swept once we are dead. */
    CREATE_FILL,
    /** Creator, before the ready word: a private file without it; never linked; swept. */
    CREATE_READY,
    /** Creator, before linking the private file to the final path: complete but unpublished; swept. */
    CREATE_LINK,
    /** Creator, before removing its private name: the region is published, its second name swept. */
    CREATE_UNLINK_TEMP,
    /** Opener, before removing a dead creator's private file: the file stays for the next sweep. */
    SWEEP_DELETE;

    @Override
    public String protocol()
    {
        return "region";
    }
}
