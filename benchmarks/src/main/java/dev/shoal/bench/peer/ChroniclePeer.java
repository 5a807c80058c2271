package dev.shoal.bench.peer;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.proc.ChildTask;
import dev.shoal.bench.proc.CrossProcessCase;

/**
 * Chronicle Queue: appenders in producer JVMs, tailers in consumer JVMs, one queue directory on tmpfs.
 * <p>
 * A Chronicle queue is a broadcast log (every tailer sees every entry), not a work queue. For several consumers
 * each tailer reads every entry and handles those with {@code id % C == its index} (partitioned tailers, the
 * usual Chronicle fan-out); so C consumers read C times the entries. Several producers append to the same queue
 * through Chronicle's own cross-process append lock.
 */
public final class ChroniclePeer extends ProcessHandoffPeer
{
    @Override
    public String impl()
    {
        return "chronicle";
    }

    @Override
    protected Class<? extends ChildTask> task()
    {
        return ChronicleTask.class;
    }

    @Override
    protected void prepare(final CrossProcessCase shared, final CaseParams params)
    {
        // the first appender creates the queue files in the case directory
    }
}
