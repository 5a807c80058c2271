package dev.shoal.pool.spi;

/**
 * A pool's running remote side (see {@link RemoteProvider}).
 */
public interface RemoteWorkers extends AutoCloseable
{
    /**
     * @return hosts connected now.
     */
    int hosts();

    /**
     * @return hosts that have connected since the start, counting a host that reconnected again.
     */
    long hostsJoined();

    /**
     * @return job frames sent to a host whose host was given up and which were sent again (or failed).
     */
    long redelivered();

    /**
     * @return job frames taken from the pool and not yet answered: sent to hosts or waiting for one.
     */
    int inFlight();

    /**
     * Tells the hosts the pool is going, stops taking jobs and releases the network. Jobs still in flight are not
     * answered after this; the pool fails what is left, as for a local worker stopped at once. Waits a bounded time
     * for the remote side's thread to end (see {@link #stopped()}).
     */
    @Override
    void close();

    /**
     * @return true once the remote side's thread has ended: it touches the pool's ring and result buffer, so the
     * pool unmaps its region only then (a thread still running after {@link #close()} leaves the mapping in place).
     */
    boolean stopped();
}
