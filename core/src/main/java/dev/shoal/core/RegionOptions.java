package dev.shoal.core;

import java.time.Duration;

/**
 * How to create or open a region.
 *
 * @param readyTimeout how long an opener waits for a file that is not ready yet.
 * @param groupAccess  create the file readable and writable by its group (0660) instead of owner only (0600).
 */
public record RegionOptions(Duration readyTimeout, boolean groupAccess)
{
    /** Ready wait when none is given. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param readyTimeout how long an open waits for a region still being created (not null, not negative).
     * @param groupAccess  0660 instead of 0600.
     */
    public RegionOptions
    {
        // A null one failed only at the open's wait, as a bare NullPointerException.
        java.util.Objects.requireNonNull(readyTimeout, "readyTimeout");
        if (readyTimeout.isNegative())
        {
            throw new IllegalArgumentException("readyTimeout must not be negative: " + readyTimeout);
        }
    }

    /**
     * @return owner-only file, 10 s ready wait.
     */
    public static RegionOptions defaults()
    {
        return new RegionOptions(DEFAULT_READY_TIMEOUT, false);
    }

    /**
     * @param groupAccess 0660 instead of 0600.
     * @return a copy with that setting.
     */
    public RegionOptions withGroupAccess(final boolean groupAccess)
    {
        return new RegionOptions(readyTimeout, groupAccess);
    }

    /**
     * @param timeout ready wait.
     * @return a copy with that setting.
     */
    public RegionOptions withReadyTimeout(final Duration timeout)
    {
        return new RegionOptions(timeout, groupAccess);
    }
}
