package dev.shoal.pool.spi;

/**
 * Starts a pool's remote workers: the hosts that take its jobs over the network. Found with
 * {@link java.util.ServiceLoader}: {@code shoal-remote} lists its class in
 * {@code META-INF/services/dev.shoal.pool.spi.RemoteProvider}. A pool built with {@code listen(endpoint)} finds
 * the provider on its class path.
 */
public interface RemoteProvider
{
    /**
     * Binds the endpoint and starts taking the pool's jobs for the hosts that connect.
     *
     * @param gateway the pool's side: its jobs, its results, its settings.
     * @return the running remote side, owned by the pool.
     * @throws IllegalArgumentException when the endpoint cannot be bound.
     */
    RemoteWorkers start(RemoteGateway gateway);
}
