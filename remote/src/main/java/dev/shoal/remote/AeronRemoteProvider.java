package dev.shoal.remote;

import dev.shoal.pool.spi.RemoteGateway;
import dev.shoal.pool.spi.RemoteProvider;
import dev.shoal.pool.spi.RemoteWorkers;

/**
 * The pool's remote side on Aeron, found by {@link java.util.ServiceLoader} (see {@link RemoteProvider}).
 */
public final class AeronRemoteProvider implements RemoteProvider
{
    @Override
    public RemoteWorkers start(final RemoteGateway gateway)
    {
        return RemoteHub.start(new PoolHubService(gateway), new HubSettings(gateway.endpoint(), gateway.window(),
            gateway.hostTimeout(), gateway.log()));
    }
}
