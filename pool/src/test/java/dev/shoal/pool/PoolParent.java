package dev.shoal.pool;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A child JVM that starts a pool, prints its workers' pids, then waits to be killed: for the test that a
 * pool's workers do not outlive a parent killed with SIGKILL (which runs no shutdown hook).
 */
public final class PoolParent
{
    private PoolParent()
    {
    }

    /**
     * @param args none.
     */
    public static void main(final String[] args)
    {
        final ProcessPool pool = ProcessPool.builder(TestHandlers.class).workers(2).logSink(l -> { }).start();
        System.out.println("workers " + pool.workerPids());
        System.out.flush();
        while (true)
        {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // held until the test kills this process
        }
    }
}
