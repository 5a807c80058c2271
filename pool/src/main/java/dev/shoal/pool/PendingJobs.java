package dev.shoal.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The futures of submitted jobs that are not complete yet: by job id until their result is read, then counted as
 * settling until the completion executor has completed them. A result completes its future once; a duplicate (a
 * job redelivered after its worker died between writing the result and acknowledging it) finds no entry and is
 * only counted. Frames waited for as a whole ({@link FrameCall}: {@code map}, a remote agent's frames) have one
 * entry per frame instead, and their jobs count in {@link #size()} from submit until their outcome is recorded.
 */
final class PendingJobs
{
    /**
     * One job waiting for its result.
     *
     * @param key     the job's key ("" when none), for the journal.
     * @param handler handler name, for error messages.
     * @param future  completed with the result bytes.
     * @param submittedNanos when it was submitted.
     */
    record Pending(String key, String handler, CompletableFuture<byte[]> future, long submittedNanos)
    {
    }

    private final Map<Long, Pending> byId = new ConcurrentHashMap<>();
    /** Frames waited for as a whole ({@link FrameCall}), by first job id; a result is found by floor lookup. */
    private final ConcurrentSkipListMap<Long, FrameCall> frames = new ConcurrentSkipListMap<>();
    /** Jobs of {@link #frames} without a recorded outcome: added at submit, taken off as each is settled. */
    private final AtomicLong frameJobsOpen = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    /** Taken by the reader, their futures not yet completed by the completion executor. */
    private final AtomicLong settling = new AtomicLong();

    void add(final long jobId, final Pending pending)
    {
        byId.put(jobId, pending);
    }

    Pending remove(final long jobId)
    {
        return byId.remove(jobId);
    }

    /**
     * Registers a frame waited for as a whole; before it is published, as {@link #add}.
     *
     * @param call the frame.
     */
    void addFrame(final FrameCall call)
    {
        frameJobsOpen.addAndGet(call.count);
        frames.put(call.firstJobId, call);
    }

    /**
     * Unregisters a frame that was never published.
     *
     * @param call the frame.
     */
    void removeFrame(final FrameCall call)
    {
        if (frames.remove(call.firstJobId) != null)
        {
            frameJobsOpen.addAndGet(-call.count);
        }
    }

    /**
     * Collector thread: the frame waited for as a whole that holds a job, if any (one lookup per result message:
     * a message's jobs are consecutive and start inside one frame).
     *
     * @param jobId the first job of a result message.
     * @return its frame, or {@code null}.
     */
    FrameCall frameOf(final long jobId)
    {
        final Map.Entry<Long, FrameCall> e = frames.floorEntry(jobId);
        final FrameCall call = e == null ? null : e.getValue();
        return call == null || jobId >= call.firstJobId + call.count ? null : call;
    }

    /**
     * Collector thread: counts what {@link FrameCall#takeRun} took from one result message, and unregisters the
     * frame once every job of it is taken.
     *
     * @param call the frame.
     * @param run  what was taken.
     */
    void tookFrameRun(final FrameCall call, final FrameCall.Run run)
    {
        if (run.allTaken)
        {
            frames.remove(call.firstJobId);
        }
        if (run.ok > 0)
        {
            completed.addAndGet(run.ok);
        }
        if (run.taken > run.ok)
        {
            failed.addAndGet(run.taken - run.ok);
        }
        if (run.duplicates > 0)
        {
            duplicates.addAndGet(run.duplicates); // a redelivered frame's second results: already taken
        }
    }

    /**
     * @param count jobs of frames whose outcomes are now recorded.
     */
    void frameJobsSettled(final int count)
    {
        frameJobsOpen.addAndGet(-count);
    }

    /**
     * Takes a job whose result was read; when found, it counts as settling until {@link #settled(int)}.
     *
     * @param jobId the job.
     * @param ok    whether it succeeded.
     * @return its entry, or {@code null} when it has none (a frame's job, see {@link #takeFrameJob}, or a
     * duplicate).
     */
    Pending take(final long jobId, final boolean ok)
    {
        // Counted as settling before it leaves the map: size() never reads 0 while its future is incomplete.
        settling.incrementAndGet();
        final Pending p = byId.remove(jobId);
        if (p == null)
        {
            settling.decrementAndGet();
        }
        else if (ok)
        {
            completed.incrementAndGet();
        }
        else
        {
            failed.incrementAndGet();
        }
        return p;
    }

    /**
     * Counts a result dropped because its job already had one.
     */
    void duplicate()
    {
        duplicates.incrementAndGet();
    }

    /**
     * @param count jobs taken earlier whose futures are now complete.
     */
    void settled(final int count)
    {
        settling.addAndGet(-count);
    }

    /**
     * @return a line naming the oldest job still pending (id, handler, key, age), or "" when none is; scans the
     * pending jobs, so for messages only.
     */
    String oldest()
    {
        long oldestId = -1;
        Pending oldest = null;
        for (final Map.Entry<Long, Pending> e : byId.entrySet())
        {
            final Pending p = e.getValue();
            if (oldest == null || p.submittedNanos() - oldest.submittedNanos() < 0)
            {
                oldest = p;
                oldestId = e.getKey();
            }
        }
        final Map.Entry<Long, FrameCall> frame = frames.firstEntry();
        if (frame != null && (oldest == null || frame.getValue().view.submittedNanos() - oldest.submittedNanos() < 0))
        {
            oldest = frame.getValue().view;
            oldestId = frame.getKey();
        }
        if (oldest == null)
        {
            return "";
        }
        return "job " + oldestId + " (handler '" + oldest.handler() + "'" +
            (oldest.key().isEmpty() ? "" : ", key '" + oldest.key() + "'") + ", submitted " +
            java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - oldest.submittedNanos()) +
            " s ago)";
    }

    int size()
    {
        final int waiting = byId.size();
        return waiting + (int)settling.get() + (int)frameJobsOpen.get();
    }

    long completed()
    {
        return completed.get();
    }

    long failed()
    {
        return failed.get();
    }

    long duplicates()
    {
        return duplicates.get();
    }

    /**
     * Waits until no job is pending.
     *
     * @param timeout hard limit.
     * @return true when none is pending.
     */
    boolean awaitEmpty(final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long park = TimeUnit.MICROSECONDS.toNanos(10);
        while (size() != 0)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            LockSupport.parkNanos(park);
            park = Math.min(park * 2, TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    /**
     * Fails every pending job.
     *
     * @param cause the exception, or {@code null} to cancel them.
     * @return how many were failed.
     */
    int failAll(final RuntimeException cause)
    {
        final List<Long> ids = new ArrayList<>(byId.keySet());
        int n = 0;
        for (final Long id : ids)
        {
            final Pending p = byId.remove(id);
            if (p != null)
            {
                n++;
                failed.incrementAndGet();
                if (cause == null)
                {
                    p.future().cancel(false);
                }
                else
                {
                    p.future().completeExceptionally(cause);
                }
            }
        }
        for (final FrameCall call : new ArrayList<>(frames.values()))
        {
            frames.remove(call.firstJobId);
            final int failedHere = call.failRest(cause);
            failed.addAndGet(failedHere);
            frameJobsOpen.addAndGet(-failedHere);
            n += failedHere;
        }
        return n;
    }
}
