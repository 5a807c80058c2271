package dev.shoal.remote;

import dev.shoal.pool.spi.RemoteGateway;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

import static dev.shoal.remote.WireDescriptor.*;

/**
 * A pool's side of the hub: its items are the job frames of the pool's ring, its answers the jobs' outcomes,
 * written into the pool's result path under worker id {@code REMOTE_WORKER_BASE + host id}.
 */
final class PoolHubService implements HubService
{
    /** Remote results are reported under worker id {@code REMOTE_WORKER_BASE + host id}. */
    static final int REMOTE_WORKER_BASE = 10_000;

    /** A frame's jobs: the first id, and how many follow it. */
    private record FrameJobs(long firstJobId, int jobCount)
    {
    }

    private final RemoteGateway gateway;
    private final Int2ObjectHashMap<RemoteGateway.ResultSink> sinks = new Int2ObjectHashMap<>();
    private final RemoteGateway.ResultSink failures;
    private ItemSink current;
    private final RemoteGateway.FrameHandler onFrame = this::onFrame;

    PoolHubService(final RemoteGateway gateway)
    {
        this.gateway = gateway;
        this.failures = gateway.resultSink(REMOTE_WORKER_BASE);
    }

    @Override
    public int kind()
    {
        return SERVICE_POOL;
    }

    @Override
    public int maxItemBytes()
    {
        return gateway.maxFrameBytes();
    }

    @Override
    public int take(final ItemSink sink, final int limit)
    {
        current = sink;
        return gateway.takeFrames(onFrame, limit);
    }

    private void onFrame(final long firstJobId, final int jobCount, final int attempt, final DirectBuffer buffer,
        final int offset, final int length)
    {
        final FrameJobs jobs = new FrameJobs(firstJobId, jobCount);
        if (attempt > gateway.maxAttempts())
        {
            fail(jobs, attempt, "it was delivered " + gateway.maxAttempts() + " times without an answer");
            return;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        current.item(attempt, copy, jobs);
    }

    @Override
    public void answered(final InFlightItem item, final int hostId, final String hostName, final int count,
        final DirectBuffer buffer, final int offset, final int end)
    {
        final FrameJobs jobs = (FrameJobs)item.context;
        final RemoteGateway.ResultSink sink = sinks.computeIfAbsent(hostId,
            id -> gateway.resultSink(REMOTE_WORKER_BASE + id));
        sink.begin(jobs.firstJobId(), item.attempt);
        int at = offset;
        String problem = count == jobs.jobCount() ? null :
            hostName + " answered " + count + " job(s) for a frame of " + jobs.jobCount();
        for (int i = 0; i < jobs.jobCount(); i++)
        {
            if (problem == null)
            {
                try
                {
                    at = outcome(sink, buffer, at, end);
                    continue;
                }
                catch (final RuntimeException ex)
                {
                    problem = hostName + " sent a malformed result: " + ex.getMessage();
                }
            }
            sink.failed("job " + (jobs.firstJobId() + i) + ": " + problem);
        }
        sink.flush();
    }

    private static int outcome(final RemoteGateway.ResultSink sink, final DirectBuffer buffer, final int at,
        final int end)
    {
        if (at + JOB_OUTCOME_HEADER_LENGTH > end)
        {
            throw new IllegalArgumentException("outcome header past the answer's end");
        }
        final int status = buffer.getInt(at, ORDER);
        final int n = buffer.getInt(at + Integer.BYTES, ORDER);
        final int body = at + JOB_OUTCOME_HEADER_LENGTH;
        if (n < 0 || body + n > end)
        {
            throw new IllegalArgumentException("outcome of " + n + " bytes past the answer's end");
        }
        switch (status)
        {
            case STATUS_OK ->
            {
                final byte[] bytes = new byte[n];
                buffer.getBytes(body, bytes);
                sink.ok(bytes);
            }
            case STATUS_THREW ->
            {
                final String cls = WireStrings.read(buffer, body, body + n);
                int p = body + WireStrings.wireLength(cls);
                final String message = WireStrings.read(buffer, p, body + n);
                p += WireStrings.wireLength(message);
                sink.threw(cls, message, WireStrings.read(buffer, p, body + n));
            }
            case STATUS_FAILED -> sink.failed(WireStrings.read(buffer, body, body + n));
            default -> throw new IllegalArgumentException("unknown status " + status);
        }
        return body + n;
    }

    @Override
    public boolean lost(final InFlightItem item, final String reason)
    {
        if (item.attempt > gateway.maxAttempts())
        {
            fail((FrameJobs)item.context, item.attempt, "its remote host was lost on each of " +
                gateway.maxAttempts() + " attempts (last: " + reason + ")");
            return false;
        }
        return true;
    }

    private void fail(final FrameJobs jobs, final int attempt, final String reason)
    {
        failures.begin(jobs.firstJobId(), attempt);
        for (int i = 0; i < jobs.jobCount(); i++)
        {
            failures.failed("job " + (jobs.firstJobId() + i) + " failed: " + reason);
        }
        failures.flush();
    }

    @Override
    public boolean handBack(final InFlightItem item)
    {
        // A waiting item's attempt is that of its next delivery (giveUp counts the lost one): it had one fewer.
        return gateway.hasLocalWorkers() && gateway.requeue(item.bytes, item.attempt - 1);
    }

    @Override
    public void hostGone(final int hostId)
    {
        sinks.remove(hostId);
    }

    @Override
    public void stopped(final String reason)
    {
        gateway.stopped(reason); // the pool fails what the hub held and refuses new jobs: nothing waits forever
    }
}
