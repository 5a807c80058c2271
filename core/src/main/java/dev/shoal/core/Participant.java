package dev.shoal.core;

/**
 * One attachment to a region's participant table: a process or a per-thread handle. Close it to detach.
 * Not thread-safe: one owner thread.
 */
public final class Participant implements AutoCloseable
{
    private final ParticipantTable table;
    private final int index;
    private final long token;
    private static final java.lang.invoke.VarHandle CLOSED;

    static
    {
        try
        {
            CLOSED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Participant.class, "closed",
                boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Role role;
    /** Set once, by CAS: a region's close and a handle's close from two threads must not both detach. */
    private volatile boolean closed;

    Participant(final ParticipantTable table, final int index, final long token, final Role role)
    {
        this.table = table;
        this.index = index;
        this.token = token;
        this.role = role;
    }

    /**
     * @return the entry index.
     */
    public int index()
    {
        return index;
    }

    /**
     * @return the token naming this attachment; store it where a structure must say who holds something.
     */
    public long token()
    {
        return token;
    }

    /**
     * @return the role given at attach.
     */
    public Role role()
    {
        return role;
    }

    /**
     * Records that this participant is making progress (release store of the current time).
     */
    public void heartbeat()
    {
        checkOpen();
        table.checkOpen();
        table.heartbeat(index, System.currentTimeMillis());
    }

    /**
     * Publishes an intent word with a volatile store, ordered before any later CAS of this thread: a structure
     * writes its intent here before the CAS that acts on it, so a checker that sees the CAS also sees the intent.
     *
     * @param slot  intent word, 0 to {@link ParticipantDescriptor#INTENT_COUNT} - 1.
     * @param value the intent.
     */
    public void putIntentVolatile(final int slot, final long value)
    {
        table.checkOpen();
        table.putIntentVolatile(index, slot, value);
    }

    /**
     * Publishes an intent word with a release store (cheaper; use when no later CAS depends on it).
     *
     * @param slot  intent word.
     * @param value the intent.
     */
    public void putIntentRelease(final int slot, final long value)
    {
        table.checkOpen();
        table.putIntentRelease(index, slot, value);
    }

    /**
     * {@link #putIntentRelease} for a structure's hot path that has checked its region open itself (the
     * producer's claim intent, once per offer).
     */
    void putIntentReleaseUnchecked(final int slot, final long value)
    {
        table.putIntentRelease(index, slot, value);
    }

    /**
     * @param slot intent word.
     * @return its current value.
     */
    public long intent(final int slot)
    {
        return table.intentVolatile(index, slot);
    }

    /**
     * @return whether {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("participant closed: index=" + index);
        }
    }

    @Override
    public void close()
    {
        // CAS: two closers (the region's close and a handle's, on two threads) both detached, and the second
        // could free an entry a third thread of this process had attached meanwhile (same owner identity).
        if (CLOSED.compareAndSet(this, false, true))
        {
            table.detach(index, token);
        }
    }

    @Override
    public String toString()
    {
        return "Participant{index=" + index + ", token=" + token + ", role=" + role + "}";
    }
}
