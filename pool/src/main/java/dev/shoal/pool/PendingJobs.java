package dev.shoal.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The futures of submitted jobs that are not complete yet: by job id until their result is read, then counted as
 * settling until the completion executor has completed them. A result completes its future once; a duplicate (a
 * job redelivered after its worker died between writing the result and acknowledging it) finds no entry and is
 * only counted.
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
     * Takes a job whose result was read; unless it is a duplicate, it counts as settling until
     * {@link #settled(int)}.
     *
     * @param jobId the job.
     * @param ok    whether it succeeded.
     * @return its entry, or {@code null} for a duplicate.
     */
    Pending take(final long jobId, final boolean ok)
    {
        // Counted as settling before it leaves the map: size() never reads 0 while its future is incomplete.
        settling.incrementAndGet();
        final Pending p = byId.remove(jobId);
        if (p == null)
        {
            settling.decrementAndGet();
            duplicates.incrementAndGet();
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
        return waiting + (int)settling.get();
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
        return n;
    }
}
