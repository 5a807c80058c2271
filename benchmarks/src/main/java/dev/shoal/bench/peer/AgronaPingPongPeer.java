package dev.shoal.bench.peer;

import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;

/**
 * Ping-pong over a pair of Agrona {@code OneToOneRingBuffer}s in mapped files ({@code agrona-o2o}).
 */
public final class AgronaPingPongPeer implements PeerImpl
{
    @Override
    public String impl()
    {
        return "agrona-o2o";
    }

    @Override
    public List<Measurement> run(final CaseParams params) throws Exception
    {
        return List.of(PingPong.run("agrona-pingpong", params, AgronaPingPongTask.class,
            ProcessHandoffPeer.CHILD_JVM, shared ->
        {
            AgronaRingPeer.createRingFile(shared, "ping");
            AgronaRingPeer.createRingFile(shared, "pong");
        }));
    }
}
