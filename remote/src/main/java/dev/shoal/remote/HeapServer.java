package dev.shoal.remote;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.shoal.core.Region;
import dev.shoal.core.ScheduleHeap;

/**
 * Serves a {@link ScheduleHeap} to consumers on other hosts ({@link Agent#serveHeap}, {@code shoal agent
 * --scheduler}): the remote form of Python's {@code Manager}-served heap. Its thread pops due records through its
 * own heap handle and leases them to the connected hosts (at most a window each); a host's answer reschedules or
 * completes its record; a host given up (goodbye, lost connection, silence past the host timeout) returns the
 * records it held to the heap at their keys, due again for anyone.
 *
 * <p>The server opens a heap handle of its own on its thread; local consumers and a refresher keep using theirs. If
 * this process dies, the heap's own recovery returns the server's leases, as for any dead holder.
 */
public final class HeapServer implements AutoCloseable
{
    private final RemoteHub hub;
    private final HeapHubService service;

    private HeapServer(final RemoteHub hub, final HeapHubService service)
    {
        this.hub = hub;
        this.service = service;
    }

    /**
     * @param region   the region holding the heap (open for as long as the server runs).
     * @param heapName the heap's name in it.
     * @return a builder.
     */
    public static Builder builder(final Region region, final String heapName)
    {
        return new Builder(Objects.requireNonNull(region, "region"), Objects.requireNonNull(heapName, "heapName"));
    }

    /**
     * @return hosts connected now.
     */
    public int hosts()
    {
        return hub.hosts();
    }

    /**
     * @return hosts that joined since the start, a rejoin counted again.
     */
    public long hostsJoined()
    {
        return hub.hostsJoined();
    }

    /**
     * @return records returned to the heap because the host holding them was given up.
     */
    public long returned()
    {
        return service.returned();
    }

    /**
     * @return records leased to hosts and not answered yet.
     */
    public int inFlight()
    {
        return hub.inFlight();
    }

    /**
     * Stops leasing, returns the records still out to the heap (their answers will not be heard), says goodbye to
     * the hosts, closes its heap handle and releases the network.
     */
    @Override
    public void close()
    {
        hub.close();
    }

    @Override
    public String toString()
    {
        return "heap server (" + hub + ", " + service.returned() + " record(s) returned from lost hosts)";
    }

    /**
     * A heap server's settings.
     */
    public static final class Builder
    {
        private final Region region;
        private final String heapName;
        private String endpoint;
        private int window = 256;
        private Duration hostTimeout = Duration.ofSeconds(3);
        private Consumer<String> log = System.err::println;
        private LongSupplier clock = System::currentTimeMillis;

        private Builder(final Region region, final String heapName)
        {
            this.region = region;
            this.heapName = heapName;
        }

        /**
         * @param hostPort {@code HOST:PORT} to receive on ({@code 0.0.0.0:PORT} for every address).
         * @return this.
         */
        public Builder listen(final String hostPort)
        {
            this.endpoint = Objects.requireNonNull(hostPort, "hostPort");
            return this;
        }

        /**
         * @param records records one host may hold at once (default 256).
         * @return this.
         */
        public Builder window(final int records)
        {
            this.window = records;
            return this;
        }

        /**
         * @param timeout silence after which a host is given up and its records returned (default 3 s).
         * @return this.
         */
        public Builder hostTimeout(final Duration timeout)
        {
            this.hostTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param sink where the server's lines go (default standard error).
         * @return this.
         */
        public Builder log(final Consumer<String> sink)
        {
            this.log = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * @param now the time a record's key is compared with to be due (default epoch milliseconds).
         * @return this.
         */
        public Builder clock(final LongSupplier now)
        {
            this.clock = Objects.requireNonNull(now, "now");
            return this;
        }

        /**
         * @return the running server.
         * @throws IllegalArgumentException naming a setting out of range, a heap the region does not hold, or an
         *                                  endpoint that cannot be bound.
         */
        public HeapServer start()
        {
            if (endpoint == null)
            {
                throw new IllegalArgumentException("a heap server needs listen(HOST:PORT)");
            }
            if (window < 1 || window > 65_536)
            {
                throw new IllegalArgumentException("window must be 1..65536 records: window=" + window);
            }
            if (hostTimeout.toMillis() < 100)
            {
                throw new IllegalArgumentException("hostTimeout must be at least 100 ms: hostTimeout=" + hostTimeout);
            }
            final HeapHubService service = new HeapHubService(region, heapName, clock, log);
            return new HeapServer(RemoteHub.start(service, new HubSettings(endpoint, window, hostTimeout, log)),
                service);
        }
    }
}
