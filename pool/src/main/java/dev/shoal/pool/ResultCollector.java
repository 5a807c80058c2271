package dev.shoal.pool;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import static dev.shoal.pool.ResultFrameDescriptor.*;

/**
 * The pool's one reader of the result buffer: a thread that forwards log lines, notes ready workers, and hands the
 * results it reads to the completion executor in batches (one per read of up to 256 messages; with a journal, one
 * per group commit). Futures complete, and their callbacks run, on that executor, never on this thread: a callback
 * that blocks, for example one that submits into a full ring, cannot stop results from being read, which would
 * stop the workers (their result writes wait for room) and so the ring from draining. The batch's jobs are counted
 * in {@link PendingJobs#size()} from the moment they are taken until their futures are complete.
 *
 * <p>Each local worker writes into a result buffer of its own (its threads share it), the remote gateway into one
 * more ({@link PoolLayout}). A worker killed between claiming a record and committing it leaves the record
 * half-written and its buffer stops there; the others flow on. When the supervisor has seen the process exit, it
 * asks for {@link #salvage} before it starts a worker in its place: this thread delivers what the dead worker
 * committed, drops what it did not, and empties the buffer ({@link ResultBufferSalvage}). Nothing is judged by
 * time: the buffer is emptied only once the OS says its writer is gone. The job whose result was dropped is still
 * leased (the worker acknowledges after its result is committed), so it is delivered again and its result comes
 * from the next attempt.
 */
final class ResultCollector implements Runnable
{
    /** With a journal: results wait at most this long to be journaled together (group commit). */
    static final long GROUP_COMMIT_NANOS = 50_000L;

    /** One buffer per local worker (indexed by its id), then the gateway's. */
    private final ManyToOneRingBuffer[] results;
    /** Buffers of exited workers to salvage, asked for by the supervisor, taken by this thread. */
    private final ConcurrentLinkedQueue<Salvage> salvages = new ConcurrentLinkedQueue<>();
    private final PendingJobs pending;
    private final Consumer<String> logSink;
    private final IntConsumer onReady;
    private final ResultHook hook;
    private final Executor completions;
    private boolean warnedRejected;
    /** Set once this thread ended on an error: what it read is handed over without asking the hook again. */
    private boolean failedOnError;
    private PendingJobs.Pending[] deferredJobs = new PendingJobs.Pending[256];
    private int[] deferredStatus = new int[256];
    private byte[][] deferredBodies = new byte[256][];
    private int deferredCount;
    /** Per run of a frame's jobs taken from one message (frames waited for as a whole): the frame and the count. */
    private FrameCall[] deferredFrames = new FrameCall[64];
    private int[] deferredFrameJobs = new int[64];
    private int deferredFrameRuns;
    /** Results taken and not yet handed over: single jobs and frames' jobs (the group commit counts them). */
    private int deferredResults;
    private final FrameCall.Run frameRun;
    private long firstDeferredNanos;
    private final LogHook logHook;
    private final IdleStrategy idle;
    private volatile boolean running = true;
    private final org.agrona.concurrent.MessageHandler handler = this::onMessage;

    /**
     * Called for every result item (for journals and statistics), on the collector thread.
     */
    interface ResultHook
    {
        /**
         * @param jobId    the job.
         * @param job      its key, handler and submit time.
         * @param status   {@code ResultFrameDescriptor.STATUS_*}.
         * @param attempt  which delivery produced it.
         * @param workerId the worker that ran it.
         * @param body     the result frame's bytes for this job.
         */
        void onResult(long jobId, PendingJobs.Pending job, int status, int attempt, int workerId, byte[] body);

        /**
         * Makes the results given since the last call durable; the collector completes their futures only after
         * it returns. Lets a journal write one record batch per read of the result buffer instead of one per job.
         */
        default void flush()
        {
        }
    }

    /** A salvage asked for: which buffer, and the latch the asker waits on. */
    private record Salvage(int writer, CountDownLatch done)
    {
    }

    /**
     * @param results   one result buffer per local worker, indexed by worker id, then the remote gateway's.
     * @param idleSpins busy spins of an idle spell before it yields (see {@link #idleSpins}).
     */
    ResultCollector(final ManyToOneRingBuffer[] results, final PendingJobs pending, final Consumer<String> logSink,
        final IntConsumer onReady, final ResultHook hook, final LogHook logHook, final Executor completions,
        final int idleSpins)
    {
        this.idle = new BackoffIdleStrategy(idleSpins, 100, 1_000, 500_000);
        this.completions = completions;
        this.logHook = logHook;
        this.results = results;
        this.pending = pending;
        this.logSink = logSink;
        this.onReady = onReady;
        this.hook = hook;
        this.frameRun = new FrameCall.Run(hook != null);
    }

    /**
     * How long an idle collector spins before it yields: only where every thread the pool keeps busy has a core of
     * its own. Where they do not (2 cores: two worker threads, this one, the completion thread), a spinning
     * collector holds the core that the completion thread needs for the results it just handed over; measured on
     * 2 cores, one job in flight: read to completion-thread run 7.7-8.0 us with 200 spins, 2.3-2.8 us with none.
     *
     * @param cores         processors this JVM may use.
     * @param workerThreads consumer threads of all local workers.
     * @return spins before the first yield.
     */
    static int idleSpins(final int cores, final int workerThreads)
    {
        return cores > workerThreads + 2 ? 200 : 0;
    }

    void stop()
    {
        running = false;
    }

    /**
     * Has worker {@code writer}'s buffer salvaged on the collector's thread and waits for it. Call only once the
     * worker's process has exited, and before anything else may write into that buffer.
     *
     * @param writer      the exited worker's id.
     * @param keepWaiting asked every few ms while waiting; waiting ends when it says false.
     * @return true when the buffer was salvaged; false when the collector stopped or {@code keepWaiting} said
     * false first (then no new worker may take the buffer over).
     */
    boolean salvage(final int writer, final BooleanSupplier keepWaiting)
    {
        final Salvage request = new Salvage(writer, new CountDownLatch(1));
        salvages.add(request);
        try
        {
            while (!request.done().await(5, TimeUnit.MILLISECONDS))
            {
                if (!running || !keepWaiting.getAsBoolean())
                {
                    return false;
                }
            }
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private int readAll()
    {
        int read = 0;
        for (final ManyToOneRingBuffer buffer : results)
        {
            read += buffer.read(handler, 256);
        }
        return read;
    }

    private void salvageRequested()
    {
        Salvage request;
        while ((request = salvages.poll()) != null)
        {
            salvageBuffer(request.writer());
            request.done().countDown();
        }
    }

    private void salvageBuffer(final int writer)
    {
        final ResultBufferSalvage.Outcome outcome = ResultBufferSalvage.salvage(results[writer].buffer(), handler);
        if (outcome.dropped() > 0 || outcome.corrupt())
        {
            logSink.accept("[pool] worker " + writer + " exited leaving " + outcome.dropped() +
                " result record(s) half-written" + (outcome.corrupt() ? " and its result buffer corrupt" : "") +
                "; dropped them (their jobs were not acknowledged: they run again), " + outcome.delivered() +
                " committed after them delivered");
        }
    }

    @Override
    public void run()
    {
        while (running)
        {
            if (!salvages.isEmpty())
            {
                salvageRequested();
            }
            final int read = readAll();
            if (deferredResults > 0 && hook == null)
            {
                completeDeferred(); // no journal to wait for: hand this read's results over at once
            }
            if (deferredResults > 0)
            {
                idle.reset(); // results are flowing: the next idle spell starts from the shortest wait
                // Group commit: one journal batch per up to 256 results, or once the oldest waited
                // GROUP_COMMIT_NANOS. Meanwhile yield rather than spin or park: the futures are waiting, and the
                // results they wait for come from workers that may need this core.
                if (deferredResults >= 256 || System.nanoTime() - firstDeferredNanos >= GROUP_COMMIT_NANOS)
                {
                    completeDeferred();
                }
                else if (read == 0)
                {
                    Thread.yield();
                }
                continue;
            }
            idle.idle(read);
        }
        while (readAll() > 0)
        {
            completeDeferred(); // final drain: every result written before stop() is delivered
        }
        completeDeferred(); // a salvage still asked for is not done: its asker sees running false, starts no worker
    }

    /**
     * Reads what is there now (for the closing drain, from another thread after the collector stopped): the
     * buffers of workers whose process has exited are salvaged (what a killed one committed after a record it left
     * half-written is delivered too), the others read.
     *
     * @param exited whether local worker {@code id}'s process has exited.
     */
    void drainOnce(final IntPredicate exited)
    {
        for (int writer = 0; writer < results.length - 1; writer++)
        {
            if (exited.test(writer))
            {
                salvageBuffer(writer);
                completeDeferred();
            }
        }
        while (readAll() > 0)
        {
            completeDeferred();
        }
        completeDeferred();
    }

    /**
     * After this thread ended on an error (called on it, by its uncaught-exception handler): hands over the results
     * it had read and taken, so that no future waits for a result only this thread held. The hook is not asked to
     * make them durable: it may be what failed, so the journal may lack the last of them (a resume runs those again).
     */
    void handOverAfterError()
    {
        failedOnError = true;
        completeDeferred();
    }

    /**
     * Hands the results read so far to the completion executor as one batch. With a hook (the journal), only
     * after the hook has made them durable, so the journal writes one batch instead of one record per job.
     */
    private void completeDeferred()
    {
        if (deferredResults == 0)
        {
            return;
        }
        if (hook != null && !failedOnError)
        {
            hook.flush();
        }
        // The frame arrays only when the batch holds a run of a frame's jobs: a batch of submits allocates as before.
        final Settlement batch = new Settlement(pending, Arrays.copyOf(deferredJobs, deferredCount),
            Arrays.copyOf(deferredStatus, deferredCount), Arrays.copyOf(deferredBodies, deferredCount),
            deferredFrameRuns > 0 ? Arrays.copyOf(deferredFrames, deferredFrameRuns) : null,
            deferredFrameRuns > 0 ? Arrays.copyOf(deferredFrameJobs, deferredFrameRuns) : null);
        Arrays.fill(deferredJobs, 0, deferredCount, null);
        Arrays.fill(deferredBodies, 0, deferredCount, null);
        Arrays.fill(deferredFrames, 0, deferredFrameRuns, null);
        deferredCount = 0;
        deferredFrameRuns = 0;
        deferredResults = 0;
        try
        {
            completions.execute(batch);
        }
        catch (final RejectedExecutionException ex)
        {
            if (!warnedRejected)
            {
                warnedRejected = true;
                logSink.accept("[pool] the completion executor refused a batch; completing on the result reader: " +
                    ex.getMessage());
            }
            batch.run(); // never drop a result: better a late callback on this thread than a future never done
        }
    }

    private void defer(final PendingJobs.Pending p, final int status, final byte[] body)
    {
        if (deferredCount == deferredJobs.length)
        {
            deferredJobs = Arrays.copyOf(deferredJobs, deferredCount * 2);
            deferredStatus = Arrays.copyOf(deferredStatus, deferredCount * 2);
            deferredBodies = Arrays.copyOf(deferredBodies, deferredCount * 2);
        }
        noteFirstDeferred();
        deferredJobs[deferredCount] = p;
        deferredStatus[deferredCount] = status;
        deferredBodies[deferredCount] = body;
        deferredCount++;
        deferredResults++;
    }

    private void deferFrameRun(final FrameCall frame, final int jobs)
    {
        if (deferredFrameRuns == deferredFrames.length)
        {
            deferredFrames = Arrays.copyOf(deferredFrames, deferredFrameRuns * 2);
            deferredFrameJobs = Arrays.copyOf(deferredFrameJobs, deferredFrameRuns * 2);
        }
        noteFirstDeferred();
        deferredFrames[deferredFrameRuns] = frame;
        deferredFrameJobs[deferredFrameRuns] = jobs;
        deferredFrameRuns++;
        deferredResults += jobs;
    }

    private void noteFirstDeferred()
    {
        if (deferredResults == 0)
        {
            firstDeferredNanos = System.nanoTime();
        }
    }

    private void onMessage(final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (type)
        {
            case TYPE_RESULTS -> onResults(buffer, offset, length);
            case TYPE_LOG -> onLog(buffer, offset, length);
            case TYPE_READY -> onReady.accept(buffer.getInt(offset + READY_WORKER_OFFSET));
            default -> logSink.accept("[pool] ignoring result message of unknown type " + type);
        }
    }

    private void onLog(final DirectBuffer buffer, final int offset, final int length)
    {
        final int workerId = buffer.getInt(offset + LOG_WORKER_OFFSET);
        final long jobId = buffer.getLong(offset + LOG_JOB_ID_OFFSET);
        final String text = buffer.getStringWithoutLengthUtf8(offset + LOG_TEXT_OFFSET, length - LOG_TEXT_OFFSET);
        logSink.accept("[worker-" + workerId + " job " + jobId + "] " + text);
        if (logHook != null)
        {
            logHook.onLog(workerId, jobId, text);
        }
    }

    private void onResults(final DirectBuffer buffer, final int offset, final int length)
    {
        final long firstJobId = buffer.getLong(offset + JOB_ID_OFFSET);
        final int workerId = buffer.getInt(offset + WORKER_OFFSET);
        final int attempt = buffer.getInt(offset + ATTEMPT_OFFSET);
        final int count = buffer.getInt(offset + COUNT_OFFSET);
        final int end = offset + length;
        int at = offset + ITEMS_OFFSET;
        int i = 0;
        // The message's jobs are consecutive: found once, a frame waited for as a whole takes all of its jobs here.
        final FrameCall frame = pending.frameOf(firstJobId);
        if (frame != null)
        {
            at = frame.takeRun(firstJobId, count, buffer, at, end, frameRun);
            i = frameRun.taken + frameRun.duplicates;
            tookFrameRun(frame, attempt, workerId);
        }
        for (; i < count && at + 2 * Integer.BYTES <= end; i++)
        {
            final int status = buffer.getInt(at);
            final int bodyLength = buffer.getInt(at + Integer.BYTES);
            final byte[] body = new byte[bodyLength];
            buffer.getBytes(at + 2 * Integer.BYTES, body);
            at += 2 * Integer.BYTES + bodyLength;
            complete(firstJobId + i, status, attempt, workerId, body);
        }
    }

    private void tookFrameRun(final FrameCall frame, final int attempt, final int workerId)
    {
        final FrameCall.Run run = frameRun;
        pending.tookFrameRun(frame, run);
        if (run.taken == 0)
        {
            return;
        }
        // Deferred first, so that an error in the hook leaves the run where handOverAfterError finds it.
        deferFrameRun(frame, run.taken);
        if (hook != null)
        {
            for (int k = 0; k < run.taken; k++)
            {
                // Before the frame's outcomes can be seen: whoever sees them can rely on the journal holding them.
                hook.onResult(frame.firstJobId + run.index[k], frame.view, run.status[k], attempt, workerId,
                    run.body[k]);
            }
        }
    }

    private void complete(final long jobId, final int status, final int attempt, final int workerId,
        final byte[] body)
    {
        final PendingJobs.Pending p = pending.take(jobId, status == STATUS_OK);
        if (p == null)
        {
            pending.duplicate(); // a redelivered job's second result: its future is already complete
            return;
        }
        // Deferred first, so that an error in the hook leaves the job where handOverAfterError finds it.
        defer(p, status, body);
        if (hook != null)
        {
            // Before the future completes: whoever sees the result can rely on the journal holding it.
            hook.onResult(jobId, p, status, attempt, workerId, body);
        }
    }

    private static void settle(final PendingJobs.Pending p, final int status, final byte[] body)
    {
        try
        {
            switch (status)
            {
                case STATUS_OK -> p.future().complete(body);
                case STATUS_THREW -> p.future().completeExceptionally(remote(p.handler(), body));
                default -> p.future().completeExceptionally(new JobFailedException(string(body, 0)));
            }
        }
        catch (final RuntimeException ex)
        {
            p.future().completeExceptionally(ex); // a malformed error body: the future still completes
        }
    }

    /**
     * Results handed to the completion executor together: completes their futures in order, then takes them off
     * {@link PendingJobs#size()}.
     */
    private static final class Settlement implements Runnable
    {
        private final PendingJobs pending;
        private final PendingJobs.Pending[] jobs;
        private final int[] status;
        private final byte[][] bodies;
        /** Runs of frames' jobs taken from one message each, and how many jobs each; {@code null} when none. */
        private final FrameCall[] frames;
        private final int[] frameJobs;

        Settlement(final PendingJobs pending, final PendingJobs.Pending[] jobs, final int[] status,
            final byte[][] bodies, final FrameCall[] frames, final int[] frameJobs)
        {
            this.pending = pending;
            this.jobs = jobs;
            this.status = status;
            this.bodies = bodies;
            this.frames = frames;
            this.frameJobs = frameJobs;
        }

        @Override
        public void run()
        {
            try
            {
                for (int i = 0; i < jobs.length; i++)
                {
                    settle(jobs[i], status[i], bodies[i]);
                }
                if (frames != null)
                {
                    for (int i = 0; i < frames.length; i++)
                    {
                        frames[i].settle(frameJobs[i]);
                    }
                }
            }
            finally
            {
                if (frames != null)
                {
                    // Counted from the arrays, not the loop: a throw part way still takes the whole batch off.
                    int n = 0;
                    for (final int jobsOfRun : frameJobs)
                    {
                        n += jobsOfRun;
                    }
                    pending.frameJobsSettled(n);
                }
                pending.settled(jobs.length);
            }
        }
    }

    static RemoteJobException remote(final String handler, final byte[] body)
    {
        final org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(body);
        final String[] parts = new String[3];
        int at = 0;
        for (int i = 0; i < 3; i++)
        {
            final int n = b.getInt(at);
            parts[i] = new String(body, at + Integer.BYTES, n, StandardCharsets.UTF_8);
            at += Integer.BYTES + n;
        }
        return new RemoteJobException(handler, parts[0], parts[1], parts[2]);
    }

    static String string(final byte[] body, final int at)
    {
        final int n = new org.agrona.concurrent.UnsafeBuffer(body).getInt(at);
        return new String(body, at + Integer.BYTES, n, StandardCharsets.UTF_8);
    }
}
