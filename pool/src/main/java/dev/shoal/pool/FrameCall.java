package dev.shoal.pool;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.agrona.DirectBuffer;

/**
 * The jobs of one frame waited for as a whole: one entry for the whole frame instead of a future, a pending entry
 * and a map node per job (what {@code map} and a remote agent need: every result of the frame, in order, once all
 * are in). The collector takes a result message's jobs in one step ({@link #takeRun}): the ones not taken before
 * (a redelivered duplicate is dropped there, on the collector's thread) have their status recorded and their
 * bytes copied into one array the frame owns, so a frame of 64 small results costs a few arrays, not 64. The
 * completion executor then counts them as recorded ({@link #settle}); the frame's {@link #done()} completes when
 * the last one is, which is after the journal, if any, holds them.
 */
final class FrameCall
{
    private static final byte[] NO_BYTES = new byte[0];

    final long firstJobId;
    final int count;
    /** What the journal hook sees for each of the frame's jobs: no key, the handler, the submit time. */
    final PendingJobs.Pending view;
    /** Guarded by this (as everything below): which jobs' results were taken, by the collector or failRest. */
    private final boolean[] taken;
    private int takenCount;
    private final int[] statuses;
    /** Per job, two ints: where its result bytes start in {@link #bodies}, and how many there are. */
    private final int[] spans;
    /** The taken jobs' result bytes, one after another in the order they were taken. */
    private byte[] bodies = NO_BYTES;
    private int bodiesUsed;
    /** Made by the first {@link #failRest} that fails a job; {@code null} until then. */
    private Throwable[] errors;
    private int settled;
    private final CompletableFuture<FrameCall> done = new CompletableFuture<>();

    FrameCall(final long firstJobId, final int count, final String handler, final long submittedNanos)
    {
        this.firstJobId = firstJobId;
        this.count = count;
        this.view = new PendingJobs.Pending(firstJobId, "", handler, submittedNanos); // never completed
        this.taken = new boolean[count];
        this.statuses = new int[count];
        this.spans = new int[2 * count];
    }

    /**
     * Collector thread: takes the results of one result message whose jobs all belong to this frame, skipping
     * the ones taken before. Each item is {@code int status, int length, bytes} ({@link ResultFrameDescriptor}).
     *
     * @param firstJob the message's first job.
     * @param items    how many items the message holds.
     * @param buffer   holds the message.
     * @param at       where its first item starts.
     * @param end      where the message ends.
     * @param run      receives what was taken; with {@link Run#keepBodies}, each taken job's index, status and a
     *                 copy of its bytes too (for the journal).
     * @return where the items this frame holds end (further items, if any, are not its jobs).
     */
    synchronized int takeRun(final long firstJob, final int items, final DirectBuffer buffer, final int at,
        final int end, final Run run)
    {
        run.clear();
        int p = at;
        final int first = (int)(firstJob - firstJobId);
        final int last = (int)Math.min(count, (long)first + items);
        for (int i = first; i < last && p + 2 * Integer.BYTES <= end; i++)
        {
            final int status = buffer.getInt(p);
            final int length = buffer.getInt(p + Integer.BYTES);
            final int bodyAt = p + 2 * Integer.BYTES;
            p = bodyAt + length;
            if (taken[i])
            {
                run.duplicates++;
                continue;
            }
            taken[i] = true;
            takenCount++;
            statuses[i] = status;
            if (bodiesUsed + length > bodies.length)
            {
                // Sized from what is left of the message: one resize for a frame answered by one message.
                final int wanted = bodiesUsed + Math.max(length, end - bodyAt);
                bodies = Arrays.copyOf(bodies, Math.max(2 * bodies.length, wanted));
            }
            buffer.getBytes(bodyAt, bodies, bodiesUsed, length);
            spans[2 * i] = bodiesUsed;
            spans[2 * i + 1] = length;
            bodiesUsed += length;
            run.add(i, status, run.keepBodies ? Arrays.copyOfRange(bodies, spans[2 * i], bodiesUsed) : null);
        }
        run.allTaken = takenCount == count;
        return p;
    }

    /**
     * Completion executor: records that {@code n} taken jobs' outcomes may now be seen.
     *
     * @param n jobs taken by one {@link #takeRun}.
     */
    void settle(final int n)
    {
        final boolean last;
        synchronized (this)
        {
            settled += n;
            last = n > 0 && settled == count;
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
                    if (errors == null)
                    {
                        errors = new Throwable[count];
                    }
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
     * @return a copy of its result bytes.
     * @throws RuntimeException the job's failure: a {@link RemoteJobException} for a handler that threw, a
     *                          {@link JobFailedException} otherwise.
     */
    synchronized byte[] result(final int i)
    {
        return resultHeld(i);
    }

    /**
     * After {@link #done()}: every job's result decoded, in order, added to {@code out}; one lock for the frame
     * rather than one per job ({@code map} reads a million results this way). The codec runs under the frame's
     * lock, which no other thread takes once the frame is done.
     *
     * @param handler decodes the result bytes.
     * @param out     receives the results.
     * @param <R>     the result type.
     * @throws RuntimeException the first failure in the frame's order, as {@link #result} throws it; the results
     *                          before it have been added.
     */
    synchronized <R> void resultsInto(final HandlerKey<?, R> handler, final List<R> out)
    {
        for (int i = 0; i < count; i++)
        {
            out.add(handler.decodeResult(resultHeld(i)));
        }
    }

    private byte[] resultHeld(final int i)
    {
        if (errors != null && errors[i] != null)
        {
            throw errors[i] instanceof RuntimeException re ? re : new JobFailedException(errors[i].toString());
        }
        final byte[] body = Arrays.copyOfRange(bodies, spans[2 * i], spans[2 * i] + spans[2 * i + 1]);
        return switch (statuses[i])
        {
            case ResultFrameDescriptor.STATUS_OK -> body;
            case ResultFrameDescriptor.STATUS_THREW -> throw ResultCollector.remote(view.handler(), body);
            default -> throw new JobFailedException(ResultCollector.string(body, 0));
        };
    }

    /**
     * What one {@link #takeRun} took: the collector's scratch, reused message after message.
     */
    static final class Run
    {
        /** Whether to hand each taken job's bytes over as its own array (a journal records them). */
        final boolean keepBodies;
        int taken;
        int ok;
        int duplicates;
        boolean allTaken;
        int[] index = new int[64];
        int[] status = new int[64];
        byte[][] body;

        Run(final boolean keepBodies)
        {
            this.keepBodies = keepBodies;
            this.body = keepBodies ? new byte[64][] : null;
        }

        void clear()
        {
            if (keepBodies)
            {
                Arrays.fill(body, 0, taken, null);
            }
            taken = 0;
            ok = 0;
            duplicates = 0;
            allTaken = false;
        }

        private void add(final int i, final int s, final byte[] bytes)
        {
            if (taken == index.length)
            {
                index = Arrays.copyOf(index, 2 * taken);
                status = Arrays.copyOf(status, 2 * taken);
                if (keepBodies)
                {
                    body = Arrays.copyOf(body, 2 * taken);
                }
            }
            index[taken] = i;
            status[taken] = s;
            if (keepBodies)
            {
                body[taken] = bytes;
            }
            ok += s == ResultFrameDescriptor.STATUS_OK ? 1 : 0;
            taken++;
        }
    }
}
