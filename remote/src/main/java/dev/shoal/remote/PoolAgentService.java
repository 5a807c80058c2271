package dev.shoal.remote;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.shoal.pool.FrameOutcomes;
import dev.shoal.pool.JobFailedException;
import dev.shoal.pool.ProcessPool;
import dev.shoal.pool.RemoteJobException;
import dev.shoal.pool.RingFullException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.shoal.remote.WireDescriptor.*;

/**
 * An agent's pool side: the coordinator's job frames go into a local {@link ProcessPool} as they are
 * ({@link ProcessPool#submitFrameTogether}); a frame's answer is its jobs' outcomes, sent once all of them are in.
 * The local pool fails fast on a full ring: a frame that finds it full waits here, in arrival order, and is handed
 * on from {@link #pump()}. (A submit that waited for room blocked the agent's only thread: with a credit window
 * larger than the local ring it stopped hearing and answering the coordinator, which gave the healthy host up
 * again and again and failed its jobs.)
 */
final class PoolAgentService implements AgentService
{
    private final Agent.PoolWorkers settings;
    private final String hostName;
    /** Frames waiting for room in the local ring, oldest first; at most the coordinator's credit window. */
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private ProcessPool pool;

    /** A frame copied out of the message it came in, with where its answer goes. */
    private record Held(long session, long seq, byte[] frame, Consumer<Answer> answers)
    {
    }

    PoolAgentService(final Agent.PoolWorkers settings, final String hostName)
    {
        this.settings = settings;
        this.hostName = hostName;
    }

    @Override
    public int kind()
    {
        return SERVICE_POOL;
    }

    @Override
    public int workers()
    {
        return settings.workers();
    }

    @Override
    public int threads()
    {
        return settings.threads();
    }

    @Override
    public int maxItemBytes()
    {
        return settings.maxJobBytes();
    }

    @Override
    public void start(final Consumer<String> status)
    {
        pool = ProcessPool.builder(settings.registryClass())
            .workers(settings.workers())
            .threadsPerWorker(settings.threads())
            .maxJobBytes(settings.maxJobBytes())
            .failFast(true)
            // Closed when the coordinator said goodbye (or lost it): a job still running has nobody to answer,
            // and the agent waited up to the default 30 s for it before exiting.
            .shutdownGrace(java.time.Duration.ofSeconds(1))
            .logSink(line -> status.accept("agent: " + line))
            .start();
        status.accept("agent: local worker pids " + pool.workerPids());
    }

    @Override
    public void onItem(final long session, final long seq, final int attempt, final DirectBuffer buffer,
        final int offset, final int length, final Consumer<Answer> answers)
    {
        if (held.isEmpty() && submit(session, seq, buffer, offset, length, answers))
        {
            return;
        }
        final byte[] frame = new byte[length];
        buffer.getBytes(offset, frame);
        held.add(new Held(session, seq, frame, answers));
    }

    @Override
    public int pump()
    {
        int handedOn = 0;
        Held h;
        while ((h = held.peek()) != null &&
            submit(h.session(), h.seq(), new UnsafeBuffer(h.frame()), 0, h.frame().length, h.answers()))
        {
            held.poll();
            handedOn++;
        }
        return handedOn;
    }

    /**
     * @return false when the local ring is full (nothing submitted; try again later), else true: the frame is
     *     submitted, or answered as failed.
     */
    private boolean submit(final long session, final long seq, final DirectBuffer buffer, final int offset,
        final int length, final Consumer<Answer> answers)
    {
        final CompletableFuture<FrameOutcomes> outcomes;
        try
        {
            outcomes = pool.submitFrameTogether(buffer, offset, length);
        }
        catch (final RingFullException ex)
        {
            return false;
        }
        catch (final IllegalArgumentException ex)
        {
            answers.accept(new Answer(session, seq, 1, failedOutcome("agent " + hostName + ": corrupt job frame: " +
                ex.getMessage())));
            return true;
        }
        // Encoded on the pool's completion thread once the frame's last job is done: no future per job.
        outcomes.thenAccept(o -> answers.accept(new Answer(session, seq, o.count(), encode(o))));
        return true;
    }

    private byte[] encode(final FrameOutcomes outcomes)
    {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(64 * outcomes.count());
        int at = 0;
        for (int i = 0; i < outcomes.count(); i++)
        {
            at = outcome(out, at, outcomes, i);
        }
        final int room = EmbeddedAeron.MAX_MESSAGE - ITEMS_OFFSET - ANSWER_HEADER_LENGTH;
        if (at > room)
        {
            // Too large for one message: each job fails, saying so (a pool's maxResultBytes is the usual bound).
            final byte[] reason = WireStrings.encode("agent " + hostName + ": the frame's results take " + at +
                " bytes, more than one network message (" + room + " bytes)");
            at = 0;
            for (int i = 0; i < outcomes.count(); i++)
            {
                at = put(out, at, STATUS_FAILED, reason);
            }
        }
        final byte[] bytes = new byte[at];
        out.getBytes(0, bytes);
        return bytes;
    }

    private int outcome(final ExpandableArrayBuffer out, final int at, final FrameOutcomes outcomes, final int i)
    {
        final byte[] result = outcomes.result(i);
        if (result != null)
        {
            return put(out, at, STATUS_OK, result);
        }
        final RuntimeException failure = outcomes.failure(i);
        if (failure instanceof RemoteJobException r)
        {
            return put(out, at, STATUS_THREW, WireStrings.encode(r.remoteClass(), r.remoteMessage(),
                r.remoteStack()));
        }
        if (failure instanceof JobFailedException)
        {
            return put(out, at, STATUS_FAILED, WireStrings.encode("on host " + hostName + ": " +
                failure.getMessage()));
        }
        final StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return put(out, at, STATUS_FAILED, WireStrings.encode("on host " + hostName + ": " + trace));
    }

    private static byte[] failedOutcome(final String reason)
    {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(64);
        final int n = put(out, 0, STATUS_FAILED, WireStrings.encode(reason));
        final byte[] bytes = new byte[n];
        out.getBytes(0, bytes);
        return bytes;
    }

    private static int put(final ExpandableArrayBuffer out, final int at, final int status, final byte[] body)
    {
        out.putInt(at, status, ORDER);
        out.putInt(at + Integer.BYTES, body.length, ORDER);
        out.putBytes(at + JOB_OUTCOME_HEADER_LENGTH, body);
        return at + JOB_OUTCOME_HEADER_LENGTH + body.length;
    }

    @Override
    public void close()
    {
        if (pool != null)
        {
            pool.shutdownNow();
        }
    }
}
