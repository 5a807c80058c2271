package dev.shoal.pool;

import java.util.concurrent.CompletableFuture;

/**
 * The jobs of one frame waited for together: one entry for the whole frame instead of a future, a pending entry
 * and a map node per job (what {@code map} and a remote agent need: every result of the frame, in order, once all
 * are in). The collector takes each job's result once (a redelivered duplicate is dropped by the {@link #take}
 * flag, on the collector's thread); the completion executor records it ({@link #settle}); the frame's
 * {@link #done()} completes when the last one is recorded.
 */
final class FrameCall
{
    final long firstJobId;
    final int count;
    /** What the journal hook sees for each of the frame's jobs: no key, the handler, the submit time. */
    final PendingJobs.Pending view;
    /** Guarded by this (as everything below): which jobs' results were taken, by the collector or failRest. */
    private final boolean[] taken;
    private int takenCount;
    private final int[] statuses;
    private final byte[][] bodies;
    private final Throwable[] errors;
    private int settled;
    private final CompletableFuture<FrameCall> done = new CompletableFuture<>();

    FrameCall(final long firstJobId, final int count, final String handler, final long submittedNanos)
    {
        this.firstJobId = firstJobId;
        this.count = count;
        this.view = new PendingJobs.Pending("", handler, null, submittedNanos);
        this.taken = new boolean[count];
        this.statuses = new int[count];
        this.bodies = new byte[count][];
        this.errors = new Throwable[count];
    }

    /**
     * Takes job {@code jobId}'s result unless it was taken before (the collector's thread).
     *
     * @param jobId a job of this frame.
     * @return false for a duplicate, or a job failed already by {@link #failRest}.
     */
    synchronized boolean take(final long jobId)
    {
        final int i = (int)(jobId - firstJobId);
        if (taken[i])
        {
            return false;
        }
        taken[i] = true;
        takenCount++;
        return true;
    }

    /**
     * @return whether every job's result was taken (the frame can leave the pending map).
     */
    synchronized boolean allTaken()
    {
        return takenCount == count;
    }

    /**
     * Records one job's outcome.
     *
     * @param jobId  the job.
     * @param status {@code ResultFrameDescriptor.STATUS_*}.
     * @param body   its result bytes, or the encoded error.
     */
    void settle(final long jobId, final int status, final byte[] body)
    {
        final boolean last;
        synchronized (this)
        {
            final int i = (int)(jobId - firstJobId);
            statuses[i] = status;
            bodies[i] = body;
            last = ++settled == count;
        }
        if (last)
        {
            done.complete(this);
        }
    }

    /**
     * Fails the jobs whose result was not taken (the pool stops or broke); a result taken and on its way to
     * {@link #settle} still lands.
     *
     * @param cause the failure, or {@code null} for a cancellation.
     * @return how many jobs it failed.
     */
    int failRest(final RuntimeException cause)
    {
        int n = 0;
        final boolean last;
        synchronized (this)
        {
            for (int i = 0; i < count; i++)
            {
                if (!taken[i])
                {
                    taken[i] = true;
                    takenCount++;
                    errors[i] = cause != null ? cause :
                        new JobFailedException("job " + (firstJobId + i) + " cancelled: the pool stopped");
                    statuses[i] = ResultFrameDescriptor.STATUS_FAILED;
                    n++;
                }
            }
            settled += n;
            last = n > 0 && settled == count;
        }
        if (last)
        {
            done.complete(this);
        }
        return n;
    }

    /**
     * @return completes once every job of the frame has its outcome.
     */
    CompletableFuture<FrameCall> done()
    {
        return done;
    }

    /**
     * After {@link #done()}: one job's result bytes.
     *
     * @param i the job's index in the frame.
     * @return its result.
     * @throws RuntimeException the job's failure: a {@link RemoteJobException} for a handler that threw, a
     *                          {@link JobFailedException} otherwise.
     */
    synchronized byte[] result(final int i)
    {
        if (errors[i] != null)
        {
            throw errors[i] instanceof RuntimeException re ? re : new JobFailedException(errors[i].toString());
        }
        return switch (statuses[i])
        {
            case ResultFrameDescriptor.STATUS_OK -> bodies[i];
            case ResultFrameDescriptor.STATUS_THREW -> throw ResultCollector.remote(view.handler(), bodies[i]);
            default -> throw new JobFailedException(ResultCollector.string(bodies[i], 0));
        };
    }
}
