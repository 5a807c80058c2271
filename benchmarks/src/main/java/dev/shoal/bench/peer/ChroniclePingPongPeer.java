package dev.shoal.bench.peer;

import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.Measurement;
import dev.shoal.bench.model.PeerImpl;

/**
 * Ping-pong over a pair of Chronicle queues (one per direction, each with one appender and one tailer).
 */
public final class ChroniclePingPongPeer implements PeerImpl
{
    @Override
    public String impl()
    {
        return "chronicle";
    }

    @Override
    public List<Measurement> run(final CaseParams params) throws Exception
    {
        return List.of(PingPong.run("chronicle-pingpong", params, ChroniclePingPongTask.class,
            ProcessHandoffPeer.CHILD_JVM, shared ->
        {
        }));
    }
}
