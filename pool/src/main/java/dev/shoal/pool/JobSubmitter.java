package dev.shoal.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.shoal.core.JobProducer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * The pool's submission path: turns a batch of encoded arguments into one job frame in the ring, with a future per
 * argument registered before the frame is published (its result may arrive before the publish returns). Thread-safe:
 * any number of threads submit at once, each through a kept or borrowed producer handle ({@link SubmitHandles}).
 */
final class JobSubmitter
{
    private final PoolConfig config;
    private final Handlers handlers;
    private final PendingJobs pending;
    private final PoolJournal journal;
    private final SubmitHandles handles;
    private final Supplier<String> brokenReason;
    private final AtomicLong nextJobId = new AtomicLong();
    /** Ids handed out to submits that were then refused (never published). */
    private final AtomicLong unsubmitted = new AtomicLong();
    /** Set once, when the pool starts closing: submits are refused from then on. */
    private volatile boolean intakeStopped;
    /** Set once, when the pool has closed: a submit waiting for room in a full ring gives up. */
    private volatile boolean stopped;
    /** Why the stopping pool fails what is pending ({@code null}: cancelled); written before {@link #failing}. */
    private RuntimeException leftover;
    /**
     * Set once, by the stopping thread just before it fails every pending job. A submit that passed its intake check
     * before the pool began closing may register its jobs after that scan: it reads this after registering and
     * publishing, and fails them itself (see {@link #failIfBroken}).
     */
    private volatile boolean failing;

    JobSubmitter(final PoolConfig config, final Handlers handlers, final PendingJobs pending,
        final PoolJournal journal, final SubmitHandles handles, final Supplier<String> brokenReason)
    {
        this.config = config;
        this.handlers = handlers;
        this.pending = pending;
        this.journal = journal;
        this.handles = handles;
        this.brokenReason = brokenReason;
    }

    void stopIntake()
    {
        intakeStopped = true;
    }

    boolean intakeStopped()
    {
        return intakeStopped;
    }

    /**
     * Called by the stopping thread just before it fails what is pending: from here on a submit that registers a
     * job fails it itself, since the scan may have missed it and no worker will read the ring.
     *
     * @param cause what the pending jobs fail with ({@code null}: cancelled).
     */
    void failingPending(final RuntimeException cause)
    {
        leftover = cause;
        failing = true; // volatile store after the plain one: a submit that reads true sees the cause
        // The scan that follows reads a skip list's links with plain loads (the frames map): a full fence keeps
        // them after the store above on every processor, as the Dekker argument in failIfBroken needs.
        java.lang.invoke.VarHandle.fullFence();
    }

    void stop()
    {
        intakeStopped = true;
        stopped = true;
    }

    /**
     * @return jobs submitted so far: the ids handed out, less those of submits refused after taking their ids (a
     *     full ring under failFast, a shutdown or an interrupt while waiting for room).
     */
    long submitted()
    {
        // The refused count is read first: an id refused meanwhile is then not subtracted before it was counted.
        final long refused = unsubmitted.get();
        return nextJobId.get() - refused;
    }

    /**
     * Submits arguments for one handler as one job frame (one ring slot), each with its own future.
     *
     * @param handler   the handler.
     * @param keys      one job key per argument ("" for none), or {@code null} for no keys.
     * @param arguments encoded arguments, at most {@link JobFrameDescriptor#MAX_BATCH}.
     * @return one future of result bytes per argument, in order.
     */
    List<CompletableFuture<byte[]>> submit(final HandlerKey<?, ?> handler, final List<String> keys,
        final List<byte[]> arguments)
    {
        if (keys != null && keys.size() != arguments.size())
        {
            throw new IllegalArgumentException("one key per argument: keys=" + keys.size() + " arguments=" +
                arguments.size());
        }
        if (keys != null)
        {
            for (final String key : keys)
            {
                checkKey(key);
            }
        }
        checkIntake();
        if (arguments.isEmpty())
        {
            // Nothing to run, as map of no arguments: a frame of no jobs was published, and the worker logged
            // "corrupt job frame: job frame count=0".
            return new ArrayList<>();
        }
        if (handlers.get(handler.name()) == null)
        {
            final JobFailedException unknown = unknownHandler(handler);
            final List<CompletableFuture<byte[]>> failed = new ArrayList<>(arguments.size());
            for (int i = 0; i < arguments.size(); i++)
            {
                failed.add(CompletableFuture.failedFuture(unknown));
            }
            return failed;
        }
        if (journal != null && keys != null)
        {
            return submitResuming(handler, keys, arguments);
        }
        return submitFrame(handler, keys, arguments);
    }

    /**
     * Submits one argument as a frame of its own: {@link #submit} without a list per job, the path of
     * {@code ProcessPool.submit}. The future it returns is the job's pending entry itself.
     *
     * @param handler  the handler.
     * @param key      the job's key, or {@code null} for none.
     * @param argument the encoded argument.
     * @return the future of the result bytes.
     */
    CompletableFuture<byte[]> submitOne(final HandlerKey<?, ?> handler, final String key, final byte[] argument)
    {
        if (key != null)
        {
            checkKey(key);
        }
        checkIntake(); // on every path: a keyed submit to a journaled pool was taken after shutdown() without it
        if (handlers.get(handler.name()) == null)
        {
            return CompletableFuture.failedFuture(unknownHandler(handler));
        }
        if (journal != null && key != null)
        {
            return submitResuming(handler, List.of(key), List.of(argument)).get(0);
        }
        final byte[] name = handler.nameBytes();
        final int length = checkLength(handler, JobFrames.length(name, argument), 1);
        final long jobId = nextJobId.getAndIncrement();
        final PendingJobs.Pending job = new PendingJobs.Pending(jobId, key == null ? "" : key, handler.name(),
            System.nanoTime());
        pending.add(job); // before publishing: the result may arrive before the publish returns
        try
        {
            publish(jobId, name, null, argument, length);
        }
        catch (final RuntimeException | Error ex)
        {
            pending.remove(jobId); // never published: join and close must not wait for it
            unsubmitted.incrementAndGet();
            throw ex;
        }
        failIfBroken();
        return job;
    }

    /**
     * Submits arguments for one handler as one frame waited for as a whole: no future per argument (see
     * {@link FrameCall}).
     *
     * @param handler   the handler.
     * @param arguments encoded arguments, at most {@link JobFrameDescriptor#MAX_BATCH}.
     * @return the frame's call, done once every argument has its outcome.
     */
    FrameCall submitCall(final HandlerKey<?, ?> handler, final List<byte[]> arguments)
    {
        checkIntake();
        final byte[] name = handler.nameBytes();
        final int length = frameLength(handler, arguments);
        final long firstId = nextJobId.getAndAdd(arguments.size());
        final FrameCall call = new FrameCall(firstId, arguments.size(), handler.name(), System.nanoTime());
        if (handlers.get(handler.name()) == null)
        {
            call.failRest(unknownHandler(handler));
            return call;
        }
        pending.addFrame(call); // before publishing: the results may arrive before the publish returns
        try
        {
            publish(firstId, name, arguments, null, length);
        }
        catch (final RuntimeException | Error ex)
        {
            pending.removeFrame(call); // never published: join and close must not wait for it
            unsubmitted.addAndGet(arguments.size());
            throw ex;
        }
        failIfBroken();
        return call;
    }

    /**
     * With a journal and resume: keys the journal records as completed get their journaled results at once, and
     * only the others are sent, as one frame.
     */
    private List<CompletableFuture<byte[]>> submitResuming(final HandlerKey<?, ?> handler, final List<String> keys,
        final List<byte[]> arguments)
    {
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>(arguments.size());
        final List<String> runKeys = new ArrayList<>();
        final List<byte[]> runArguments = new ArrayList<>();
        final List<Integer> runAt = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++)
        {
            final byte[] done = journal.completedResult(keys.get(i));
            futures.add(done == null ? null : CompletableFuture.completedFuture(done));
            if (done == null)
            {
                runKeys.add(keys.get(i));
                runArguments.add(arguments.get(i));
                runAt.add(i);
            }
        }
        if (!runArguments.isEmpty())
        {
            final List<CompletableFuture<byte[]>> running = submitFrame(handler, runKeys, runArguments);
            for (int j = 0; j < running.size(); j++)
            {
                futures.set(runAt.get(j), running.get(j));
            }
        }
        return futures;
    }

    /**
     * A key travels with its result into the journal, where one append holds a bounded number of bytes: a key of
     * megabytes made every result of its read fail to journal, after the job ran (its future still completed).
     */
    private static void checkKey(final String key)
    {
        if (key == null)
        {
            throw new NullPointerException("a job key is null: use \"\" for a job without a key");
        }
        if (key.length() > ProcessPool.MAX_JOB_KEY_CHARS)
        {
            throw new IllegalArgumentException("job key of " + key.length() + " characters is longer than " +
                ProcessPool.MAX_JOB_KEY_CHARS + " (it starts \"" + key.substring(0, 40) + "...\")");
        }
    }

    private List<CompletableFuture<byte[]>> submitFrame(final HandlerKey<?, ?> handler, final List<String> keys,
        final List<byte[]> arguments)
    {
        final byte[] name = handler.nameBytes();
        final int length = frameLength(handler, arguments);
        final long firstId = nextJobId.getAndAdd(arguments.size());
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>(arguments.size());
        final long now = System.nanoTime();
        for (int i = 0; i < arguments.size(); i++)
        {
            final PendingJobs.Pending job = new PendingJobs.Pending(firstId + i, keys == null ? "" : keys.get(i),
                handler.name(), now);
            futures.add(job);
            pending.add(job); // before publishing: the result may arrive before the publish returns
        }
        try
        {
            publish(firstId, name, arguments, null, length);
        }
        catch (final RuntimeException | Error ex)
        {
            for (int i = 0; i < arguments.size(); i++)
            {
                pending.remove(firstId + i); // never published: join and close must not wait for it
            }
            unsubmitted.addAndGet(arguments.size());
            throw ex;
        }
        failIfBroken();
        return futures;
    }

    private void checkIntake()
    {
        if (intakeStopped)
        {
            throw new RejectedExecutionException("pool is " + (stopped ? "closed" : "closing") +
                ": no new jobs accepted");
        }
        final String broken = brokenReason.get();
        if (broken != null)
        {
            throw new RejectedExecutionException("pool broken: " + broken);
        }
    }

    /**
     * After registering and publishing: when the pool broke or began failing its pending jobs meanwhile, that scan
     * may have run before these were registered, so they are failed here (failing twice is harmless: a job leaves
     * the pending set once). The registration and the stopping thread's flag are both sequentially consistent (a
     * CAS into the pending table or the frames map, a volatile store followed by a full fence before the scan):
     * either this read sees the flag, or the scan sees the jobs.
     */
    private void failIfBroken()
    {
        if (failing)
        {
            pending.failAll(leftover);
            return;
        }
        final String broken = brokenReason.get();
        if (broken != null)
        {
            pending.failAll(new JobFailedException("pool broken: " + broken));
        }
    }

    /**
     * @return the frame's length, checked against the pool's maxJobBytes.
     */
    private int frameLength(final HandlerKey<?, ?> handler, final List<byte[]> arguments)
    {
        return checkLength(handler, JobFrames.length(handler.nameBytes(), arguments), arguments.size());
    }

    private int checkLength(final HandlerKey<?, ?> handler, final int length, final int count)
    {
        if (length > config.maxJobBytes)
        {
            throw new IllegalArgumentException("job of " + length + " bytes (handler '" + handler.name() + "', " +
                count + " argument(s)) exceeds the pool's maxJobBytes=" + config.maxJobBytes);
        }
        return length;
    }

    /**
     * The worker would refuse a handler it does not have too: a job for one fails at once, naming what there is.
     */
    private JobFailedException unknownHandler(final HandlerKey<?, ?> handler)
    {
        return new JobFailedException("no handler named '" + handler.name() + "'; registered: " + handlers.names());
    }

    /**
     * Publishes with the calling thread's kept handle, or else with one borrowed for this submit. The frame holds
     * {@code arguments}, or when that is {@code null}, the one argument {@code single}.
     */
    private void publish(final long firstId, final byte[] name, final List<byte[]> arguments, final byte[] single,
        final int length)
    {
        final JobProducer kept = handles.kept();
        if (kept != null)
        {
            publish(kept, firstId, name, arguments, single, length);
            return;
        }
        final JobProducer borrowed = handles.borrow();
        try
        {
            publish(borrowed, firstId, name, arguments, single, length);
        }
        finally
        {
            handles.giveBack(borrowed);
        }
    }

    private void publish(final JobProducer producer, final long firstId, final byte[] name,
        final List<byte[]> arguments, final byte[] single, final int length)
    {
        try
        {
            publishWith(producer, firstId, name, arguments, single, length);
        }
        catch (final IllegalStateException ex)
        {
            if (!stopped)
            {
                throw ex;
            }
            // The pool stopped while this submit waited: its handle was closed from the stopping thread (before the
            // region's unmap), and the next claim said so.
            throw new RejectedExecutionException("pool shut down while this submit waited for room in the job " +
                "ring: the job was not submitted", ex);
        }
    }

    private void publishWith(final JobProducer producer, final long firstId, final byte[] name,
        final List<byte[]> arguments, final byte[] single, final int length)
    {
        IdleStrategy idle = null; // made only when the ring is full: no allocation per job on the fast path
        while (producer.tryClaim(length) == JobProducer.FULL)
        {
            if (idle == null)
            {
                idle = new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
            }
            final String broken = brokenReason.get();
            if (broken != null)
            {
                throw new RejectedExecutionException("pool broken: " + broken);
            }
            if (stopped)
            {
                throw new RejectedExecutionException("pool shut down while this submit waited for room in the job " +
                    "ring: the job was not submitted");
            }
            if (Thread.currentThread().isInterrupted())
            {
                // The flag is kept for the caller, as a blocking queue's put would leave it for its catch.
                throw new RejectedExecutionException("interrupted while waiting for room in the job ring (" +
                    config.ringCapacity + " jobs in flight): the job was not submitted");
            }
            if (config.failFast)
            {
                throw new RingFullException(config.ringCapacity);
            }
            idle.idle();
        }
        try
        {
            if (arguments == null)
            {
                JobFrames.write(producer.claimed(), firstId, name, single);
            }
            else
            {
                JobFrames.write(producer.claimed(), firstId, name, arguments);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            producer.abort(); // the slot is skipped, not left claimed: consumers would wait on it
            throw ex;
        }
        producer.commit();
    }
}
