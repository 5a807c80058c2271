package dev.shoal.bench.peer;

import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.core.Region;
import dev.shoal.core.RegionSpec;

/**
 * Ping-pong over a pair of Shoal {@code JobRing}s ({@code ping} and {@code pong}) in one region ({@code shoal}):
 * each side has a producer on its outgoing ring and a consumer on its incoming one, and spins while waiting, as
 * the Agrona and Chronicle ping-pong peers do.
 */
public final class ShoalPingPongPeer implements PeerImpl
{
    /** Ring from the pinger to the ponger. */
    static final String PING = "ping";
    /** Ring from the ponger to the pinger. */
    static final String PONG = "pong";
    /** Slots per ring: one message is in flight at a time. */
    static final int SLOTS = 64;

    @Override
    public String impl()
    {
        return "shoal";
    }

    @Override
    public List<Measurement> run(final CaseParams params) throws Exception
    {
        final int slotBytes = ShoalHandoffPeer.slotBytes(params.sizeBytes());
        final RegionSpec spec = RegionSpec.builder().jobRing(PING, SLOTS, slotBytes).jobRing(PONG, SLOTS, slotBytes)
            .build();
        return List.of(PingPong.run("shoal-pingpong", params, ShoalPingPongTask.class, ProcessHandoffPeer.CHILD_JVM,
            shared -> Region.create(shared.file("region").toString(), spec).close()));
    }
}
