package dev.shoal.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import dev.shoal.process.ParentWatch;
import dev.shoal.core.CrashPoints;
import dev.shoal.core.JobConsumer;
import dev.shoal.core.JobHandler;
import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.Region;
import dev.shoal.core.RegionFormatException;
import dev.shoal.core.SharedLongArray;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

/**
 * A pool worker JVM: loads the handlers, runs the initializer, then runs consumer threads that take jobs from
 * the ring, run their handlers and write the results back. Started by {@link ProcessPool}; arguments:
 * {@code REGION WORKER_ID THREADS REGISTRY_CLASS MAX_ATTEMPTS MAX_JOBS [INITIALIZER_CLASS]}.
 *
 * <p>Per job, in this order: the ring copies it into this thread's lease record (so it survives our death), the
 * handler runs, the result is written to the result buffer, then {@code taskDone} releases the lease. A death
 * before the result is written redelivers the job; a death between the result and {@code taskDone} redelivers
 * it too, and the pool drops the duplicate result by job id.
 *
 * <p>A job delivered again runs alone in its worker ({@link SoloGate}), so that if it kills the worker again no job
 * beside it is charged the delivery; a thread that finds such a job while another one runs alone hands its frame
 * back to the ring with its deliveries so far in the frame's count word (uncharged), then releases its lease. A
 * death between the two leaves both, and the job runs twice: the pool keeps the first result.
 *
 * <p>Exit codes: {@link #EXIT_DONE} done (drained, stopped or recycled after MAX_JOBS), 3 could not start; any
 * other (0 from a handler's System.exit too) is a death.
 */
public final class WorkerMain
{
    /** Exit code when the worker cannot load its handlers or initializer. */
    public static final int EXIT_START_FAILED = 3;
    /**
     * Exit code when a consumer thread fails outside a handler (a fault of the worker itself): the worker halts, so
     * that the lease the thread held is recovered and its job delivered again, rather than held by a live process.
     */
    public static final int EXIT_CONSUMER_FAILED = 4;
    /**
     * A worker that ends as planned (drained, stopped, recycled). Not 0: a handler that calls System.exit(0)
     * ends its worker with 0 mid-job, which the supervisor took for a planned recycle (no "died" line, counted as
     * a recycle, not a restart).
     */
    public static final int EXIT_DONE = 10;
    /** How long a consumer thread waits for a job before it looks at the pool state again (ms). */
    static final String POLL_TIMEOUT_PROPERTY = "shoal.pool.pollTimeoutMs";

    private final Region region;
    private final JobRing ring;
    private final ManyToOneRingBuffer results;
    private final SharedLongArray control;
    private final Handlers handlers;
    private final int workerId;
    private final int maxAttempts;
    private final long maxJobs;
    private final AtomicLong jobsRun = new AtomicLong();
    /** Null with one consumer thread: nothing runs beside a job then. */
    private SoloGate gate;
    /**
     * The thread that owns the hand-back's producer (a producer handle is used from one thread), started at the
     * first hand-back; guarded by this. One producer per worker: PoolConfig counts threads + 2 entries per worker.
     */
    private ExecutorService handBackThread;
    /** Used on {@link #handBackThread} only. */
    private JobProducer handBackProducer;

    private WorkerMain(final String[] args)
    {
        region = Region.open(args[0]);
        ring = JobRing.open(region, PoolLayout.JOBS);
        control = region.longArray(PoolLayout.CONTROL);
        workerId = Integer.parseInt(args[1]);
        // This worker's own buffer: the supervisor emptied it after the previous worker with this id exited.
        results = new ManyToOneRingBuffer(region.bytes(PoolLayout.results(workerId)));
        handlers = Handlers.load(args[3]);
        maxAttempts = Integer.parseInt(args[4]);
        maxJobs = Long.parseLong(args[5]);
    }

    /**
     * @param args see the class comment.
     */
    public static void main(final String[] args)
    {
        ParentWatch.haltWhenParentExits();
        final WorkerMain worker;
        try
        {
            worker = new WorkerMain(args);
            if (args.length > 6 && !args[6].isEmpty())
            {
                final Object init = Class.forName(args[6]).getConstructor().newInstance();
                ((WorkerInitializer)init).initialize(worker.workerId);
            }
        }
        catch (final Throwable t)
        {
            System.err.println("worker failed to start: " + t);
            t.printStackTrace();
            System.err.flush();
            System.exit(EXIT_START_FAILED);
            return;
        }
        worker.run(Integer.parseInt(args[2]));
        System.exit(EXIT_DONE);
    }

    private void run(final int threads)
    {
        final List<Thread> consumers = new ArrayList<>();
        final java.util.concurrent.CountDownLatch attached = new java.util.concurrent.CountDownLatch(threads);
        for (int t = 0; t < threads; t++)
        {
            final int index = t;
            final Thread thread = new Thread(() ->
            {
                // Detached by region.close() below once every consumer thread has returned.
                final JobConsumer consumer;
                try
                {
                    consumer = ring.consumer();
                }
                catch (final Throwable cannotAttach)
                {
                    // The worker's main thread waits for every consumer to attach: without this it never got
                    // ready and never ended, and the pool saw a worker that hung starting.
                    System.err.println("worker failed to start: consumer thread " + index + " cannot attach to " +
                        "the job ring: " + cannotAttach);
                    cannotAttach.printStackTrace();
                    System.err.flush();
                    Runtime.getRuntime().halt(EXIT_START_FAILED);
                    return;
                }
                attached.countDown();
                try
                {
                    consume(consumer, index);
                }
                catch (final Throwable fault)
                {
                    System.err.println("worker " + workerId + ": consumer thread " + index + " failed outside a " +
                        "handler; halting so that its job is delivered again");
                    fault.printStackTrace();
                    System.err.flush();
                    Runtime.getRuntime().halt(EXIT_CONSUMER_FAILED);
                }
            }, "shoal-worker-" + workerId + "-" + t);
            consumers.add(thread);
        }
        // Made before the threads start (their start publishes it to them), knowing them so as to wake them.
        gate = threads > 1 ? new SoloGate(consumers.toArray(new Thread[0])) : null;
        for (final Thread thread : consumers)
        {
            thread.start();
        }
        try
        {
            attached.await();
            new ResultWriter(results, workerId, new BackoffIdleStrategy()).ready(ProcessHandle.current().pid());
            for (final Thread thread : consumers)
            {
                thread.join();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        region.close();
    }

    private void consume(final JobConsumer consumer, final int index)
    {
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(64, 64, 1_000, 1_000_000);
        final ResultWriter writer = new ResultWriter(results, workerId, idle);
        final Context context = new Context(writer);
        final JobFrames.Names names = new JobFrames.Names();
        final Duration pollTimeout = Duration.ofMillis(Long.getLong(POLL_TIMEOUT_PROPERTY, 50));
        // An idle consumer parks up to (index + 1) ms, at most 64: thread 0 still sees a new job within 1 ms of a
        // quiet spell and the others join as they wake, while the worker's idle threads together wake about
        // 1000 x (1 + 1/2 + ... + 1/n) times a second (4 000 for 32 threads) instead of 1000 each: with 1 ms each,
        // 32 idle threads took most of a core per worker.
        final WorkerIdle waitIdle = new WorkerIdle(1_000_000L * Math.min(index + 1, 64));
        // One handler for the worker's life: a lambda made inside the loop would be an allocation per job.
        final JobHandler handler = (jobId, attempt, buffer, offset, length) ->
            runJob(index, writer, context, names, attempt, buffer, offset, length);
        while (true)
        {
            // Volatile read: the pool's release store of a new state is seen within one poll timeout.
            final long state = control.get(PoolLayout.STATE);
            if (state == PoolLayout.STATE_STOP || (maxJobs > 0 && jobsRun.get() >= maxJobs))
            {
                return;
            }
            if (gate != null && !gate.tryEnter(index))
            {
                gate.awaitTurn(index); // a redelivered job runs alone in this worker: take nothing beside it
                continue;
            }
            final boolean got;
            try
            {
                got = takeOne(consumer, handler, pollTimeout, waitIdle, context);
            }
            finally
            {
                if (gate != null)
                {
                    gate.leave(index);
                }
            }
            if (context.solo)
            {
                // After taskDone: a death before it would charge whatever the others took meanwhile.
                context.solo = false;
                gate.endSolo(index);
            }
            if (!got && state == PoolLayout.STATE_DRAIN)
            {
                return;
            }
        }
    }

    /**
     * Takes, runs and acknowledges one job.
     *
     * @return whether a job came.
     */
    private boolean takeOne(final JobConsumer consumer, final JobHandler handler, final Duration pollTimeout,
        final WorkerIdle waitIdle, final Context context)
    {
        final boolean got;
        try
        {
            got = consumer.take(handler, pollTimeout, waitIdle);
        }
        catch (final RegionFormatException corrupt)
        {
            if (consumer.holdsJob())
            {
                throw corrupt;
            }
            // A slot the ring found corrupt, skipped and counted: no lease held, nothing to redeliver. Halting for
            // it (as for a fault of ours) would charge every job this worker's other threads hold.
            System.err.println("worker " + workerId + ": skipped a corrupt job slot: " + corrupt.getMessage());
            return false;
        }
        // A handler that left this thread interrupted would make every park of ours (the ring's idle wait, the
        // gate's) return at once: a spin on a whole core.
        Thread.interrupted();
        if (got)
        {
            waitIdle.jobCame();
            consumer.taskDone();
            if (context.handedBack)
            {
                context.handedBack = false; // no job of ours ran: it does not count towards maxJobsPerWorker
            }
            else
            {
                jobsRun.incrementAndGet();
            }
        }
        return got;
    }

    private void runJob(final int index, final ResultWriter writer, final Context context,
        final JobFrames.Names names, final int ringAttempt, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final JobFrames.Frame frame;
        try
        {
            frame = JobFrames.read(buffer, offset, length, names);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("worker " + workerId + ": corrupt job frame: " + ex.getMessage());
            failCorrupt(writer, ringAttempt, buffer, offset, length, ex.getMessage());
            return;
        }
        // A frame a lost remote host held comes back with its deliveries there: they count towards maxAttempts.
        final int attempt = ringAttempt + frame.earlierDeliveries();
        final Handler handler = handlers.get(frame.handler());
        if (gate != null && attempt > 1 && attempt <= maxAttempts && handler != null)
        {
            final SoloGate.Solo solo = awaitSolo(index, attempt, buffer, offset, length);
            if (solo == SoloGate.Solo.TAKEN)
            {
                context.handedBack = true; // released without a result: its copy is in the ring
                return;
            }
            context.solo = solo == SoloGate.Solo.ALONE; // ended by consume, after taskDone
        }
        runFrame(writer, context, frame, handler, attempt);
    }

    /**
     * Waits until this thread may run its redelivered frame: alone, or beside long jobs it waited for in vain; or
     * hands the frame back to the ring while another thread runs alone.
     *
     * @return {@link SoloGate.Solo#ALONE} or {@link SoloGate.Solo#CROWDED} to run it now;
     *         {@link SoloGate.Solo#TAKEN} when it was handed back.
     */
    private SoloGate.Solo awaitSolo(final int index, final int attempt, final DirectBuffer buffer, final int offset,
        final int length)
    {
        byte[] copy = null;
        while (true)
        {
            final SoloGate.Solo solo = gate.trySolo(index);
            if (solo != SoloGate.Solo.TAKEN)
            {
                return solo;
            }
            if (copy == null)
            {
                copy = handBackCopy(attempt, buffer, offset, length);
            }
            if (handBack(copy))
            {
                return SoloGate.Solo.TAKEN;
            }
            gate.hold(index); // the ring is full: wait for our turn, holding the lease
            SoloGate.pause();
        }
    }

    /**
     * @return a copy of a redelivered frame whose count word carries its deliveries so far (attempt - 1), so that
     *     its next delivery counts as this one did.
     */
    private static byte[] handBackCopy(final int attempt, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        final UnsafeBuffer frame = new UnsafeBuffer(copy);
        final int count = JobFrameDescriptor.count(frame.getInt(JobFrameDescriptor.COUNT_OFFSET));
        frame.putInt(JobFrameDescriptor.COUNT_OFFSET, JobFrameDescriptor.countWord(count, attempt - 1));
        return copy;
    }

    /**
     * Offers a frame's copy to the ring. The offer runs on the hand-back thread, which owns the producer.
     *
     * @return true when offered; false when the ring is full.
     */
    private boolean handBack(final byte[] copy)
    {
        CrashPoints.at(WorkerCrashPoint.HAND_BACK_OFFER);
        final Future<Boolean> offered = handBackThread().submit(() ->
        {
            if (handBackProducer == null)
            {
                handBackProducer = ring.producer();
            }
            return handBackProducer.offer(copy, 0, copy.length);
        });
        boolean interrupted = false;
        try
        {
            while (true)
            {
                try
                {
                    if (!offered.get())
                    {
                        return false;
                    }
                    CrashPoints.at(WorkerCrashPoint.HAND_BACK_RELEASE);
                    return true;
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true; // the offer is under way: its answer decides what we do with the lease
                }
                catch (final ExecutionException ex)
                {
                    throw new IllegalStateException("handing a frame back to the ring failed", ex.getCause());
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized ExecutorService handBackThread()
    {
        if (handBackThread == null)
        {
            handBackThread = Executors.newSingleThreadExecutor(task ->
            {
                final Thread thread = new Thread(task, "shoal-worker-" + workerId + "-hand-back");
                thread.setDaemon(true);
                return thread;
            });
        }
        return handBackThread;
    }

    private void runFrame(final ResultWriter writer, final Context context, final JobFrames.Frame frame,
        final Handler handler, final int attempt)
    {
        final int count = frame.arguments().length;
        if (attempt > 1 && count > 1)
        {
            // Delivered again: a worker died running this frame. One job at a time, each result sent at once, so
            // that what completes survives the next death; the second delivery goes first to last, the third last
            // to first. So a job that kills every worker it runs on is the only one of its frame left unanswered
            // when the attempts run out, and the failure of the last delivery reaches that job alone (the pool
            // drops a result for a job answered before).
            final boolean backwards = attempt % 2 == 1;
            for (int k = 0; k < count; k++)
            {
                final int i = backwards ? count - 1 - k : k;
                writer.begin(frame.firstJobId() + i, attempt);
                runOne(writer, context, frame, handler, i, attempt);
                writer.flush();
            }
            return;
        }
        writer.begin(frame.firstJobId(), attempt);
        for (int i = 0; i < count; i++)
        {
            runOne(writer, context, frame, handler, i, attempt);
        }
        writer.flush();
    }

    /** Runs job {@code i} of {@code frame} and adds its result to the writer's message. */
    private void runOne(final ResultWriter writer, final Context context, final JobFrames.Frame frame,
        final Handler handler, final int i, final int attempt)
    {
        final long jobId = frame.firstJobId() + i;
        if (attempt > maxAttempts)
        {
            writer.failed("job " + jobId + " (handler '" + frame.handler() + "') failed: its worker " +
                (frame.earlierDeliveries() > 0 ? "or remote host " : "") + "died on each of " + maxAttempts +
                " attempts");
        }
        else if (handler == null)
        {
            writer.failed("no handler named '" + frame.handler() + "' in worker " + workerId + "; it has " +
                handlers.names());
        }
        else
        {
            context.set(jobId, attempt);
            try
            {
                final byte[] result = handler.handle(frame.arguments()[i], context);
                if (result == null)
                {
                    writer.failed("job " + jobId + " (handler '" + frame.handler() + "') returned null: return " +
                        "an empty array for no result");
                }
                else
                {
                    writer.ok(result);
                }
            }
            catch (final Throwable t)
            {
                threw(writer, jobId, frame.handler(), t);
            }
        }
    }

    /**
     * Reports what a handler threw; when even that fails (an Error while describing it), the job fails naming the
     * class, so that the consumer thread lives on and the future ends.
     */
    private static void threw(final ResultWriter writer, final long jobId, final String handler, final Throwable t)
    {
        try
        {
            writer.threw(t);
        }
        catch (final Throwable unreported)
        {
            writer.failed("job " + jobId + " (handler '" + handler + "') threw " + t.getClass().getName() +
                ", which could not be reported: " + unreported.getClass().getName());
        }
    }

    /**
     * Fails the futures of a frame that cannot be read, when its header still names them, so that no caller
     * waits forever for a job that will never run. A frame too short to name its jobs is only reported.
     */
    private static void failCorrupt(final ResultWriter writer, final int attempt, final DirectBuffer buffer,
        final int offset, final int length, final String problem)
    {
        if (length < JobFrameDescriptor.FIXED_LENGTH)
        {
            return;
        }
        final long firstJobId = buffer.getLong(offset + JobFrameDescriptor.JOB_ID_OFFSET);
        final int count = JobFrameDescriptor.count(buffer.getInt(offset + JobFrameDescriptor.COUNT_OFFSET));
        if (firstJobId < 0 || count < 1 || count > JobFrameDescriptor.MAX_BATCH)
        {
            return;
        }
        writer.begin(firstJobId, attempt);
        for (int i = 0; i < count; i++)
        {
            writer.failed("job " + (firstJobId + i) + " arrived corrupt in the job ring: " + problem);
        }
        writer.flush();
    }

    private final class Context implements JobContext
    {
        /** This thread's frame ran alone: end the solo run once its lease is released. */
        boolean solo;
        /** This thread's frame was handed back: its release is no job run. */
        boolean handedBack;
        private final ResultWriter writer;
        private long jobId;
        private int attempt;

        Context(final ResultWriter writer)
        {
            this.writer = writer;
        }

        void set(final long id, final int attemptNumber)
        {
            jobId = id;
            attempt = attemptNumber;
        }

        @Override
        public long jobId()
        {
            return jobId;
        }

        @Override
        public int attempt()
        {
            return attempt;
        }

        @Override
        public int workerId()
        {
            return workerId;
        }

        @Override
        public void log(final String line)
        {
            writer.log(jobId, line);
        }
    }
}
