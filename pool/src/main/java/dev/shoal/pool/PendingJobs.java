package dev.shoal.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
     * One job waiting for its result, and the future its submitter holds: one object per job. Completed with the
     * result bytes; its key ("" when none) and handler name are for the journal and for messages.
     */
    static final class Pending extends CompletableFuture<byte[]>
    {
        private final long jobId;
        private final String key;
        private final String handler;
        private final long submittedNanos;

        /**
         * @param jobId          the job's id.
         * @param key            the job's key ("" when none).
         * @param handler        handler name.
         * @param submittedNanos when it was submitted ({@code System.nanoTime()}).
         */
        Pending(final long jobId, final String key, final String handler, final long submittedNanos)
        {
            this.jobId = jobId;
            this.key = key;
            this.handler = handler;
            this.submittedNanos = submittedNanos;
        }

        long jobId()
        {
            return jobId;
        }

        String key()
        {
            return key;
        }

        String handler()
        {
            return handler;
        }

        long submittedNanos()
        {
            return submittedNanos;
        }

        /**
         * @return this job's future: the job itself.
         */
        CompletableFuture<byte[]> future()
        {
            return this;
        }
    }

    /** Bounds of the table's slots (4 KiB to 512 KiB of references). */
    private static final int MIN_SLOTS = 1 << 10;
    private static final int MAX_SLOTS = 1 << 17;
    /** The smallest result message of one job: record header, message header, item header, aligned to 8. */
    private static final int SMALLEST_RESULT_BYTES = 40;

    private final PendingTable byId;
    /** Frames waited for as a whole ({@link FrameCall}), by first job id; a result is found by floor lookup. */
    private final ConcurrentSkipListMap<Long, FrameCall> frames = new ConcurrentSkipListMap<>();
    /** Jobs of {@link #frames} without a recorded outcome: added at submit, taken off as each is settled. */
    private final AtomicLong frameJobsOpen = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    /** Taken by the reader, their futures not yet completed by the completion executor. */
    private final AtomicLong settling = new AtomicLong();

    /**
     * Sizes the table for the jobs a pool usually has between submit and the collector's read of their results:
     * a full job ring plus a full result buffer of one-job messages (more go to the table's overflow map).
     *
     * @param ringCapacity      the job ring's capacity.
     * @param resultBufferBytes the result buffer's capacity.
     */
    PendingJobs(final int ringCapacity, final int resultBufferBytes)
    {
        final long inFlight = (long)ringCapacity + resultBufferBytes / SMALLEST_RESULT_BYTES;
        final int slots = (int)Math.max(MIN_SLOTS, Math.min(MAX_SLOTS, Long.highestOneBit(inFlight - 1) << 1));
        this.byId = new PendingTable(slots);
    }

    void add(final Pending pending)
    {
        byId.put(pending);
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
        if (frames.isEmpty())
        {
            return null; // no boxing of the id when no frame is waited for (registered before it is published)
        }
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
        // Counted as settling before it leaves the table: size() never reads 0 while its future is incomplete.
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
        final Pending[] oldestJob = new Pending[1];
        byId.forEach(p ->
        {
            if (oldestJob[0] == null || p.submittedNanos() - oldestJob[0].submittedNanos() < 0)
            {
                oldestJob[0] = p;
            }
        });
        Pending oldest = oldestJob[0];
        long oldestId = oldest == null ? -1 : oldest.jobId();
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
        // The table's removals are read before settling: a job taken meanwhile counts in settling (raised before
        // the job leaves the table) or else still in the table, so size() never reads 0 while a future is incomplete.
        final long waiting = byId.size();
        return (int)(waiting + settling.get() + frameJobsOpen.get());
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
            if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted())
            {
                return false; // interrupted: parkNanos would return at once, a spin on a whole core
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
        final List<Pending> jobs = new ArrayList<>();
        byId.forEach(jobs::add);
        int n = 0;
        for (final Pending seen : jobs)
        {
            final Pending p = byId.remove(seen.jobId());
            if (p != null)
            {
                n++;
                failed.incrementAndGet();
                if (cause == null)
                {
                    p.cancel(false);
                }
                else
                {
                    p.completeExceptionally(cause);
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
