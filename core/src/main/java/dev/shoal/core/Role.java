package dev.shoal.core;

/**
 * What a participant does; shown by {@code shoal inspect}. The code is what the participant entry stores.
 */
public enum Role
{
    /** Attached with no particular role. */
    PROCESS(1),
    /** Offers jobs to a ring. */
    PRODUCER(2),
    /** Takes jobs from a ring. */
    CONSUMER(3),
    /** A pool's worker. */
    WORKER(4),
    /** A pool's supervisor or a run's coordinator. */
    SUPERVISOR(5),
    /** Pops and reschedules heap records. */
    SCHEDULER(6),
    /** Reads only. */
    OBSERVER(7);

    private final int code;

    Role(final int code)
    {
        this.code = code;
    }

    /**
     * @return the stored code.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code a stored code.
     * @return the role, or {@code null} when unknown.
     */
    public static Role fromCode(final int code)
    {
        for (final Role role : values())
        {
            if (role.code == code)
            {
                return role;
            }
        }
        return null;
    }
}
