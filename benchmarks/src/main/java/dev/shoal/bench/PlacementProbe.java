package dev.shoal.bench;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.Stats;
import dev.shoal.bench.peer.AgronaPingPongPeer;

/**
 * How the host has placed the two vCPUs just now, as one figure: the p50 round trip of a short ping-pong over
 * Agrona's one-to-one ring buffers between two JVMs pinned to CPU 0 and 1 (the {@code pingpong} workload's peer,
 * 3 runs of 50 000 round trips after one warm-up, about 2 s with the JVMs' start). On this project's 2-vCPU VM the
 * same build's figures swing up to 3x between runs, Shoal's and the peers' alike though not in the same
 * proportion, and that round trip swings with them (180-190 ns and 561-651 ns within one full run).
 * {@code shoal bench} measures it before each workload so that a reader can tell a change in the code from a
 * change of host.
 *
 * <p>Two pinned processes and a real ring, not two threads passing a cache line in one JVM: such a probe was
 * tried first and read 480-860 ns through a run whose Agrona round trip was 170 ns, so it did not track.
 */
final class PlacementProbe
{
    private static final long ROUND_TRIPS = 50_000;

    private PlacementProbe()
    {
    }

    /**
     * @return the median of the runs' p50 round trips in nanoseconds, or -1 when the ping-pong failed.
     */
    static long roundTripP50Nanos()
    {
        try
        {
            final Measurement m = new AgronaPingPongPeer().run(
                CaseParams.of("placement", true).withOps(ROUND_TRIPS)).get(0);
            return Math.round(Stats.of(m.samples().stream().mapToDouble(s -> s.p50Ns()).toArray()).median());
        }
        catch (final Exception ex) // a failed ping-pong, or no runs (Stats.of refuses none)
        {
            return -1;
        }
    }
}
