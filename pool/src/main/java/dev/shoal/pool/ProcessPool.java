package dev.shoal.pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.shoal.core.JobProducer;
import dev.shoal.core.JobRing;
import dev.shoal.core.JobRingDescriptor;
import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.SharedLongArray;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

/**
 * A pool of worker JVMs fed through a {@link JobRing} in a shared region, with results back through an Agrona
 * {@code ManyToOneRingBuffer}: Python's {@code Pool} and {@code ProcessPoolExecutor}, without their traps.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.builder(MyHandlers.class).workers(2).start()) {
 *     CompletableFuture<Long> f = pool.submit("square", 7L, Codecs.LONG, Codecs.LONG);
 *     List<Long> squares = pool.map("square", List.of(1L, 2L, 3L), Codecs.LONG, Codecs.LONG, 64);
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Jobs are data: a handler name plus bytes. Handlers are registered by name in every worker by a
 *       {@link HandlerRegistry} class; an unknown name fails the future at once, listing the names there are.</li>
 *   <li>A handler's exception fails that future with a {@link RemoteJobException} (remote class, message, stack).
 *   </li>
 *   <li>A worker killed mid-job: its jobs are redelivered (up to {@code maxAttempts}, then only that job's
 *       future fails with a {@link JobFailedException}), the worker is restarted, the pool keeps running.</li>
 *   <li>{@link #close()} stops intake, waits for every result, then stops and reaps the workers: no result lost,
 *       no process left. A JVM shutdown hook reaps the workers if the pool is never closed.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li><b>Submitting</b>: thread-safe; any number of threads may submit, platform or virtual, long- or
 *       short-lived. A ring producer handle belongs to one thread and holds one of the region's participant
 *       entries, so the pool keeps a bounded set: the first {@code submitHandles} threads to submit (default 16)
 *       keep a handle while they live, and a submit from them costs no lock; a handle whose thread has ended goes
 *       to the next thread that asks. Any other thread attaches a handle for each submit and detaches it after,
 *       at most {@code submitHandles} at once (others wait for one): correct for any number of threads, but slower
 *       per job, so a few long-lived threads submitting many jobs is the fast path.</li>
 *   <li><b>Completing</b>: one reader thread ({@code shoal-pool-results}) reads results and hands them, in batches
 *       and in the order read, to the completion executor, which completes the futures; so callbacks
 *       ({@code thenApply}, {@code thenCompose}, ...) run there, or on the thread that attaches them to a future
 *       already complete. The default executor is one thread of the pool's ({@code shoal-pool-completions}):
 *       callbacks run in order, one at a time, and one that blocks (say, submitting into a full ring) holds up
 *       later completions until it returns, but never the reading of results, so the workers and the ring keep
 *       moving. A callback that waits for another result of this pool needs
 *       {@link Builder#completionExecutor(Executor)} with enough threads, or an {@code *Async} callback.</li>
 *   <li>{@link #join()} and {@link #close()} return once every future is complete (its callbacks on the
 *       completion executor have run).</li>
 * </ul>
 */
public final class ProcessPool implements AutoCloseable
{
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Config config;
    private final Region region;
    private final JobRing ring;
    private final SharedLongArray control;
    private final Handlers handlers;
    private final PendingJobs pending = new PendingJobs();
    private final ResultCollector collector;
    private final WorkerSupervisor supervisor;
    private final Thread collectorThread;
    private final Thread supervisorThread;
    private final Thread shutdownHook;
    private final Path logDir;
    private final PoolJournal journal;
    private final AtomicLong nextJobId = new AtomicLong();
    /** Handler names as UTF-8, encoded once per name rather than once per job (read-only after encoding). */
    private final java.util.concurrent.ConcurrentHashMap<String, byte[]> nameBytes =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final SubmitHandles handles;
    /** The pool's own completion thread, or {@code null} when the builder was given an executor. */
    private final CompletionThread completionThread;
    private volatile boolean closing;
    private volatile boolean closed;

    private ProcessPool(final Config config)
    {
        this.config = config;
        this.handlers = Handlers.load(config.registryClass);
        // Opened first: a bad journal directory fails the start before any region or process exists.
        this.journal = config.journal == null ? null : PoolJournal.open(config.journal, config.resume, config.logSink);
        config.logHook = journal;
        StalePoolFiles.sweep();
        final RegionLocation location = config.region != null ? RegionLocation.of(config.region) :
            RegionLocation.of("pool-" + ProcessHandle.current().pid() + "-" + POOLS.incrementAndGet());
        final Region created;
        try
        {
            created = Region.create(location, PoolLayout.spec(config.ringCapacity, config.maxJobBytes,
                config.resultBufferBytes, config.participants()), dev.shoal.core.RegionOptions.defaults());
        }
        catch (final RuntimeException ex)
        {
            closeJournal();
            throw ex;
        }
        this.region = created;
        this.ring = JobRing.open(region, PoolLayout.JOBS);
        this.control = region.longArray(PoolLayout.CONTROL);
        final ManyToOneRingBuffer results = new ManyToOneRingBuffer(region.bytes(PoolLayout.RESULTS));
        try
        {
            this.logDir = Files.createTempDirectory(StalePoolFiles.LOG_PREFIX + ProcessHandle.current().pid() + "-");
        }
        catch (final IOException ex)
        {
            region.close();
            Region.delete(location);
            closeJournal();
            throw new UncheckedIOException("cannot create a folder for worker logs: " + ex.getMessage(), ex);
        }
        final WorkerSupervisor[] holder = new WorkerSupervisor[1];
        this.completionThread = config.completionExecutor != null ? null :
            new CompletionThread("shoal-pool-completions", config.logSink);
        this.collector = new ResultCollector(results, pending, config.logSink, id -> holder[0].markReady(id),
            hooks(config.resultHook, journal), journal,
            completionThread != null ? completionThread : config.completionExecutor);
        this.supervisor = new WorkerSupervisor(config, location.path(), logDir, ring, collector);
        holder[0] = supervisor;
        this.handles = new SubmitHandles(ring, config.submitHandles, config.submitHandles);
        this.collectorThread = new Thread(collector, "shoal-pool-results");
        this.supervisorThread = new Thread(supervisor, "shoal-pool-supervisor");
        this.shutdownHook = new Thread(this::emergencyStop, "shoal-pool-reaper");
    }

    private static ResultCollector.ResultHook hooks(final ResultCollector.ResultHook a,
        final ResultCollector.ResultHook b)
    {
        if (a == null || b == null)
        {
            return a == null ? b : a;
        }
        return (jobId, job, status, attempt, workerId, body) ->
        {
            b.onResult(jobId, job, status, attempt, workerId, body);
            a.onResult(jobId, job, status, attempt, workerId, body);
        };
    }

    private void closeJournal()
    {
        if (journal != null)
        {
            journal.close();
        }
    }

    /**
     * @param registry the class registering the handlers (public, public no-arg constructor).
     * @return a builder.
     */
    public static Builder builder(final Class<? extends HandlerRegistry> registry)
    {
        return new Builder(registry.getName());
    }

    /**
     * @param registryClass fully qualified name of the {@link HandlerRegistry} class.
     * @return a builder.
     */
    public static Builder builder(final String registryClass)
    {
        return new Builder(registryClass);
    }

    private ProcessPool startWorkers()
    {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        if (completionThread != null)
        {
            completionThread.start();
        }
        collectorThread.setDaemon(true);
        collectorThread.start();
        try
        {
            supervisor.startAll();
            supervisor.awaitReady(config.startTimeout);
        }
        catch (final RuntimeException ex)
        {
            emergencyStop();
            stopCollector();
            stopCompletions();
            removeHook();
            throw ex;
        }
        supervisorThread.setDaemon(true);
        supervisorThread.start();
        return this;
    }

    /**
     * Submits one job of raw bytes.
     *
     * @param handler  handler name.
     * @param argument argument bytes.
     * @return the future result bytes.
     * @throws RejectedExecutionException when the pool is closing, or the ring is full and the pool fails fast.
     * @throws IllegalArgumentException   when the job is larger than {@code maxJobBytes}.
     */
    public CompletableFuture<byte[]> submit(final String handler, final byte[] argument)
    {
        return submitBatch(handler, List.of(argument)).get(0);
    }

    /**
     * Submits one job with a key. With a journal the key is journaled with the result; with resume, a key the
     * journal already records as completed returns its journaled result without running the job.
     *
     * @param key      the job's key (unique within a batch run, e.g. the input's name; "" for none).
     * @param handler  handler name.
     * @param argument argument bytes.
     * @return the future result bytes.
     */
    public CompletableFuture<byte[]> submit(final String key, final String handler, final byte[] argument)
    {
        return submitBatch(handler, List.of(key), List.of(argument)).get(0);
    }

    /**
     * Submits one typed job with a key (see {@link #submit(String, String, byte[])}).
     *
     * @param key      the job's key.
     * @param handler  handler name.
     * @param argument the argument.
     * @param in       encodes the argument.
     * @param out      decodes the result.
     * @param <A>      argument type.
     * @param <R>      result type.
     * @return the future result.
     */
    public <A, R> CompletableFuture<R> submit(final String key, final String handler, final A argument,
        final Codec<A> in, final Codec<R> out)
    {
        return submit(key, handler, in.encode(argument)).thenApply(out::decode);
    }

    /**
     * Submits one typed job.
     *
     * @param handler  handler name.
     * @param argument the argument.
     * @param in       encodes the argument.
     * @param out      decodes the result.
     * @param <A>      argument type.
     * @param <R>      result type.
     * @return the future result.
     */
    public <A, R> CompletableFuture<R> submit(final String handler, final A argument, final Codec<A> in,
        final Codec<R> out)
    {
        return submit(handler, in.encode(argument)).thenApply(out::decode);
    }

    /**
     * Submits a text job.
     *
     * @param handler  handler name.
     * @param argument UTF-8 text.
     * @return the future text result.
     */
    public CompletableFuture<String> submit(final String handler, final String argument)
    {
        return submit(handler, argument, Codecs.STRING, Codecs.STRING);
    }

    /**
     * Applies a handler to every argument and returns the results in input order (Python's {@code Pool.map}).
     * Arguments travel {@code chunkSize} per ring slot.
     *
     * @param handler   handler name.
     * @param arguments the arguments.
     * @param in        encodes arguments.
     * @param out       decodes results.
     * @param chunkSize arguments per job frame (1 = one job each).
     * @param <A>       argument type.
     * @param <R>       result type.
     * @return the results, in order.
     * @throws RemoteJobException or {@link JobFailedException}: the first failure in input order.
     */
    public <A, R> List<R> map(final String handler, final List<A> arguments, final Codec<A> in, final Codec<R> out,
        final int chunkSize)
    {
        final List<CompletableFuture<byte[]>> futures = submitAll(handler, arguments, in, chunkSize);
        final List<R> results = new ArrayList<>(futures.size());
        for (final CompletableFuture<byte[]> f : futures)
        {
            results.add(out.decode(await(f)));
        }
        return results;
    }

    /**
     * Applies a handler to every argument and yields results as they complete (Python's
     * {@code imap_unordered}). The iterator blocks in {@code next()}; a failed job throws there.
     *
     * @param handler   handler name.
     * @param arguments the arguments.
     * @param in        encodes arguments.
     * @param out       decodes results.
     * @param chunkSize arguments per job frame.
     * @param <A>       argument type.
     * @param <R>       result type.
     * @return the results in completion order.
     */
    public <A, R> Iterator<R> mapUnordered(final String handler, final List<A> arguments, final Codec<A> in,
        final Codec<R> out, final int chunkSize)
    {
        final BlockingQueue<CompletableFuture<byte[]>> done = new LinkedBlockingQueue<>();
        final List<CompletableFuture<byte[]>> futures = submitAll(handler, arguments, in, chunkSize);
        for (final CompletableFuture<byte[]> f : futures)
        {
            f.whenComplete((r, t) -> done.add(f));
        }
        return new Iterator<>()
        {
            private int taken;

            @Override
            public boolean hasNext()
            {
                return taken < futures.size();
            }

            @Override
            public R next()
            {
                if (!hasNext())
                {
                    throw new NoSuchElementException();
                }
                try
                {
                    final CompletableFuture<byte[]> f = done.take();
                    taken++;
                    return out.decode(await(f));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a result", ex);
                }
            }
        };
    }

    private <A> List<CompletableFuture<byte[]>> submitAll(final String handler, final List<A> arguments,
        final Codec<A> in, final int chunkSize)
    {
        if (chunkSize < 1 || chunkSize > JobFrameDescriptor.MAX_BATCH)
        {
            throw new IllegalArgumentException("chunkSize must be 1.." + JobFrameDescriptor.MAX_BATCH + ": chunkSize=" +
                chunkSize);
        }
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>(arguments.size());
        for (int from = 0; from < arguments.size(); from += chunkSize)
        {
            final List<byte[]> batch = new ArrayList<>(chunkSize);
            for (int i = from; i < Math.min(arguments.size(), from + chunkSize); i++)
            {
                batch.add(in.encode(arguments.get(i)));
            }
            futures.addAll(submitBatch(handler, batch));
        }
        return futures;
    }

    private static byte[] await(final CompletableFuture<byte[]> future)
    {
        try
        {
            return future.get();
        }
        catch (final ExecutionException ex)
        {
            throw ex.getCause() instanceof RuntimeException re ? re : new CompletionException(ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a result", ex);
        }
    }

    /**
     * Submits arguments for one handler as one job frame (one ring slot), each with its own future.
     *
     * @param handler   handler name.
     * @param arguments the arguments, at most 65536.
     * @return one future per argument, in order.
     */
    public List<CompletableFuture<byte[]>> submitBatch(final String handler, final List<byte[]> arguments)
    {
        return submitBatch(handler, null, arguments);
    }

    /**
     * Submits keyed arguments for one handler as one job frame, each with its own future. With resume, the keys
     * the journal records as completed get their journaled results at once and only the others are sent.
     *
     * @param handler   handler name.
     * @param keys      one key per argument ("" for none), or {@code null} for no keys.
     * @param arguments the arguments, at most 65536.
     * @return one future per argument, in order.
     */
    public List<CompletableFuture<byte[]>> submitBatch(final String handler, final List<String> keys,
        final List<byte[]> arguments)
    {
        if (keys != null && keys.size() != arguments.size())
        {
            throw new IllegalArgumentException("one key per argument: keys=" + keys.size() + " arguments=" +
                arguments.size());
        }
        if (closing)
        {
            throw new RejectedExecutionException("pool is " + (closed ? "closed" : "closing") +
                ": no new jobs accepted");
        }
        final byte[] name = nameBytes.computeIfAbsent(handler, h -> h.getBytes(StandardCharsets.UTF_8));
        if (handlers.get(handler) == null)
        {
            final List<CompletableFuture<byte[]>> failed = new ArrayList<>(arguments.size());
            for (int i = 0; i < arguments.size(); i++)
            {
                failed.add(CompletableFuture.failedFuture(new JobFailedException("no handler named '" + handler +
                    "'; registered: " + handlers.names())));
            }
            return failed;
        }
        if (journal != null && keys != null)
        {
            return submitResuming(handler, name, keys, arguments);
        }
        return submitFrame(handler, name, keys, arguments);
    }

    private List<CompletableFuture<byte[]>> submitResuming(final String handler, final byte[] name,
        final List<String> keys, final List<byte[]> arguments)
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
            final List<CompletableFuture<byte[]>> running = submitFrame(handler, name, runKeys, runArguments);
            for (int j = 0; j < running.size(); j++)
            {
                futures.set(runAt.get(j), running.get(j));
            }
        }
        return futures;
    }

    private List<CompletableFuture<byte[]>> submitFrame(final String handler, final byte[] name,
        final List<String> keys, final List<byte[]> arguments)
    {
        final int length = JobFrames.length(name, arguments);
        if (length > config.maxJobBytes)
        {
            throw new IllegalArgumentException("job of " + length + " bytes (handler '" + handler + "', " +
                arguments.size() + " argument(s)) exceeds the pool's maxJobBytes=" + config.maxJobBytes);
        }
        final long firstId = nextJobId.getAndAdd(arguments.size());
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>(arguments.size());
        final long now = System.nanoTime();
        for (int i = 0; i < arguments.size(); i++)
        {
            final CompletableFuture<byte[]> f = new CompletableFuture<>();
            futures.add(f);
            // Registered before publishing: the result may arrive before offer returns.
            pending.add(firstId + i, new PendingJobs.Pending(keys == null ? "" : keys.get(i), handler, f, now));
        }
        try
        {
            publish(firstId, name, arguments, length);
        }
        catch (final RuntimeException | Error ex)
        {
            for (int i = 0; i < arguments.size(); i++)
            {
                pending.remove(firstId + i); // never published: join and close must not wait for it
            }
            throw ex;
        }
        return futures;
    }

    /**
     * Publishes with the calling thread's kept handle, or else with one borrowed for this submit.
     */
    private void publish(final long firstId, final byte[] name, final List<byte[]> arguments, final int length)
    {
        final JobProducer kept = handles.kept();
        if (kept != null)
        {
            publish(kept, firstId, name, arguments, length);
            return;
        }
        final JobProducer borrowed = handles.borrow();
        try
        {
            publish(borrowed, firstId, name, arguments, length);
        }
        finally
        {
            handles.giveBack(borrowed);
        }
    }

    private void publish(final JobProducer producer, final long firstId, final byte[] name,
        final List<byte[]> arguments, final int length)
    {
        IdleStrategy idle = null; // made only when the ring is full: no allocation per job on the fast path
        while (producer.tryClaim(length) == JobProducer.FULL)
        {
            if (idle == null)
            {
                idle = new BackoffIdleStrategy(100, 10, 1_000, 1_000_000);
            }
            if (config.failFast || closed || supervisor.brokenReason() != null)
            {
                throw new RejectedExecutionException(supervisor.brokenReason() != null ?
                    "pool broken: " + supervisor.brokenReason() :
                    "job ring full: " + config.ringCapacity + " jobs in flight");
            }
            idle.idle();
        }
        try
        {
            JobFrames.write(producer.claimed(), firstId, name, arguments);
        }
        catch (final RuntimeException | Error ex)
        {
            producer.abort(); // the slot is skipped, not left claimed: consumers would wait on it
            throw ex;
        }
        producer.commit();
    }

    /**
     * Waits until every job submitted so far has its result (or failed).
     *
     * @param timeout hard limit.
     * @return true when all are done.
     */
    public boolean join(final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.size() > 0)
        {
            if (supervisor.brokenReason() != null)
            {
                pending.failAll(new JobFailedException("pool broken: " + supervisor.brokenReason()));
                break;
            }
            final long left = deadline - System.nanoTime();
            if (left <= 0 || pending.awaitEmpty(Duration.ofNanos(Math.min(left, 50_000_000L))))
            {
                break;
            }
        }
        return pending.size() == 0;
    }

    /**
     * Waits until every job submitted so far has its result (or failed).
     */
    public void join()
    {
        join(Duration.ofDays(365));
    }

    /**
     * @return the counters.
     */
    public PoolStats stats()
    {
        return new PoolStats(nextJobId.get(), pending.completed(), pending.failed(), pending.size(),
            ring.redelivered(), pending.duplicates(), supervisor.restarts(), supervisor.recycles(),
            journal == null ? 0 : journal.journaled(), journal == null ? 0 : journal.resumed());
    }

    /**
     * @return the participant entries of the pool's region (workers, submit handles and spare).
     */
    int participantBound()
    {
        return config.participants();
    }

    /**
     * @return the pids of the current worker JVMs.
     */
    public List<Long> workerPids()
    {
        return supervisor.pids();
    }

    /**
     * SIGKILLs one worker (chaos testing); the pool hands its jobs back and restarts it.
     *
     * @param workerId 0 to workers - 1.
     * @return the killed pid.
     */
    public long killWorker(final int workerId)
    {
        return supervisor.kill(workerId);
    }

    /**
     * @return where the pool's region lives.
     */
    public Path regionPath()
    {
        return region.location().path();
    }

    /**
     * Stops intake, waits until every submitted job has its result, then stops and reaps the workers and
     * removes the region (unless kept). Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closing = true;
        join();
        shutdown(PoolLayout.STATE_DRAIN, new JobFailedException("pool closed before the job ran"));
    }

    /**
     * Stops intake and the workers at once: jobs not started are cancelled; running jobs finish.
     *
     * @return how many jobs were cancelled.
     */
    public int shutdownNow()
    {
        if (closed)
        {
            return 0;
        }
        closing = true;
        return shutdown(PoolLayout.STATE_STOP, null);
    }

    private synchronized int shutdown(final long state, final RuntimeException leftover)
    {
        if (closed)
        {
            return 0;
        }
        supervisor.stopSupervising();
        join(supervisorThread);
        // Release store: workers read the state with a volatile load before each take.
        control.set(PoolLayout.STATE, state);
        supervisor.awaitExitOrKill(config.stopTimeout);
        final boolean collectorStopped = stopCollector();
        if (collectorStopped)
        {
            collector.drainOnce();
        }
        stopCompletions(); // after the reader's last hand-off: every result read is completed
        final int cancelled = pending.failAll(leftover);
        closed = true;
        handles.close();
        if (collectorStopped)
        {
            region.close(); // unmap only once no thread of ours can touch the mapping
        }
        if (!config.keepRegion)
        {
            Region.delete(region.location());
        }
        deleteLogs();
        if (collectorStopped)
        {
            closeJournal(); // after the final drain: every delivered result is journaled
        }
        removeHook();
        return cancelled;
    }

    /**
     * @return true when the collector thread has ended (so the mapping may be unmapped).
     */
    private boolean stopCollector()
    {
        collector.stop();
        join(collectorThread);
        return !collectorThread.isAlive();
    }

    private void stopCompletions()
    {
        if (completionThread != null && !completionThread.stopAndJoin(30_000))
        {
            config.logSink.accept("[pool] the completion thread is still in a callback after 30 s; left running");
        }
    }

    private void emergencyStop()
    {
        supervisor.stopSupervising();
        supervisor.killAll();
        if (!config.keepRegion)
        {
            Region.delete(region.location());
        }
    }

    private void removeHook()
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ex)
        {
            // the JVM is shutting down already: the hook runs or ran
        }
    }

    private void deleteLogs()
    {
        IoUtil.delete(logDir.toFile(), true);
    }

    private static void join(final Thread thread)
    {
        if (!thread.isAlive())
        {
            return;
        }
        try
        {
            thread.join(30_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The pool's settings, checked in one place by {@link Builder#start()}.
     */
    static final class Config
    {
        final String registryClass;
        int workers = 2;
        int threadsPerWorker = 1;
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC"));
        int maxAttempts = 3;
        long maxJobsPerWorker;
        String initializerClass;
        int ringCapacity = 1024;
        int maxJobBytes = 4096;
        int resultBufferBytes = 4 << 20;
        String region;
        boolean keepRegion;
        boolean failFast;
        Duration startTimeout = Duration.ofSeconds(60);
        Duration stopTimeout = Duration.ofSeconds(30);
        Consumer<String> logSink = System.err::println;
        ResultCollector.ResultHook resultHook;
        LogHook logHook;
        Path journal;
        boolean resume;
        String classPath;
        int submitHandles = 16;
        Executor completionExecutor;

        Config(final String registryClass)
        {
            this.registryClass = registryClass;
        }

        /**
         * Each worker's consumers and writer, twice (a restarted worker attaches before its predecessor's entries
         * are reclaimed), the kept and borrowed submit handles, and spare entries for tools such as inspect.
         */
        int participants()
        {
            return Math.min(4096, workers * (threadsPerWorker + 2) * 2 + 2 * submitHandles + 16);
        }

        void check()
        {
            positive("workers", workers);
            positive("threadsPerWorker", threadsPerWorker);
            if (maxAttempts < 1 || maxAttempts >= JobRingDescriptor.MAX_ATTEMPT)
            {
                // The worker fails a job on delivery maxAttempts + 1, and the lease word's attempt count saturates
                // at MAX_ATTEMPT: a larger maxAttempts could never fire and a poison job would run forever.
                throw new IllegalArgumentException("maxAttempts must be 1.." + (JobRingDescriptor.MAX_ATTEMPT - 1) +
                    " (a lease counts deliveries up to JobRingDescriptor.MAX_ATTEMPT=" + JobRingDescriptor.MAX_ATTEMPT +
                    ", and a job fails on delivery maxAttempts + 1): maxAttempts=" + maxAttempts);
            }
            if (submitHandles < 1 || submitHandles > 1024)
            {
                throw new IllegalArgumentException("submitHandles must be 1..1024: submitHandles=" + submitHandles);
            }
            if (Integer.bitCount(ringCapacity) != 1)
            {
                throw new IllegalArgumentException("ringCapacity must be a power of two: ringCapacity=" + ringCapacity);
            }
            if (maxJobBytes < 64 || (maxJobBytes & 7) != 0)
            {
                throw new IllegalArgumentException("maxJobBytes must be a multiple of 8, at least 64: maxJobBytes=" +
                    maxJobBytes);
            }
            if (Integer.bitCount(resultBufferBytes) != 1 || resultBufferBytes < 4096)
            {
                throw new IllegalArgumentException("resultBufferBytes must be a power of two, at least 4096: " +
                    "resultBufferBytes=" + resultBufferBytes);
            }
            if (maxJobsPerWorker < 0)
            {
                throw new IllegalArgumentException("maxJobsPerWorker must be >= 0: maxJobsPerWorker=" +
                    maxJobsPerWorker);
            }
        }

        private static void positive(final String name, final int value)
        {
            if (value < 1)
            {
                throw new IllegalArgumentException(name + " must be >= 1: " + name + "=" + value);
            }
        }
    }

    /**
     * Builds and starts a pool.
     */
    public static final class Builder
    {
        private final Config config;

        private Builder(final String registryClass)
        {
            config = new Config(registryClass);
        }

        /**
         * @param n worker JVMs (default 2).
         * @return this.
         */
        public Builder workers(final int n)
        {
            config.workers = n;
            return this;
        }

        /**
         * @param n consumer threads in each worker, for jobs that block (default 1).
         * @return this.
         */
        public Builder threadsPerWorker(final int n)
        {
            config.threadsPerWorker = n;
            return this;
        }

        /**
         * @param options JVM options for the workers (replacing the defaults: a 256 MiB heap, serial GC).
         * @return this.
         */
        public Builder jvmOptions(final List<String> options)
        {
            config.jvmOptions = new ArrayList<>(options);
            return this;
        }

        /**
         * @param n deliveries of a job before its future fails (default 3, at most
         *          {@code JobRingDescriptor.MAX_ATTEMPT - 1}: the ring's lease counts deliveries only that far).
         * @return this.
         */
        public Builder maxAttempts(final int n)
        {
            config.maxAttempts = n;
            return this;
        }

        /**
         * @param n jobs a worker runs before it is replaced by a fresh JVM (0 = never; Python's
         *          {@code maxtasksperchild}).
         * @return this.
         */
        public Builder maxJobsPerWorker(final long n)
        {
            config.maxJobsPerWorker = n;
            return this;
        }

        /**
         * @param initializer runs once in each worker before it takes jobs.
         * @return this.
         */
        public Builder initializer(final Class<? extends WorkerInitializer> initializer)
        {
            config.initializerClass = initializer.getName();
            return this;
        }

        /**
         * @param capacity jobs in flight at most (power of two, default 1024): submit blocks beyond.
         * @return this.
         */
        public Builder ringCapacity(final int capacity)
        {
            config.ringCapacity = capacity;
            return this;
        }

        /**
         * @param bytes largest job frame (handler name plus arguments), default 4096.
         * @return this.
         */
        public Builder maxJobBytes(final int bytes)
        {
            config.maxJobBytes = bytes;
            return this;
        }

        /**
         * @param bytes result buffer size (power of two, default 4 MiB); the largest result is an eighth of it.
         * @return this.
         */
        public Builder resultBufferBytes(final int bytes)
        {
            config.resultBufferBytes = bytes;
            return this;
        }

        /**
         * @param nameOrPath where to create the pool's region (default: a fresh name in /dev/shm/shoal).
         * @return this.
         */
        public Builder region(final String nameOrPath)
        {
            config.region = nameOrPath;
            return this;
        }

        /**
         * @param keep leave the region file after close (for inspection).
         * @return this.
         */
        public Builder keepRegion(final boolean keep)
        {
            config.keepRegion = keep;
            return this;
        }

        /**
         * @param failFast when the ring is full, submit throws instead of waiting.
         * @return this.
         */
        public Builder failFast(final boolean failFast)
        {
            config.failFast = failFast;
            return this;
        }

        /**
         * @param timeout how long start waits for every worker to be ready (default 60 s).
         * @return this.
         */
        public Builder startTimeout(final Duration timeout)
        {
            config.startTimeout = timeout;
            return this;
        }

        /**
         * @param sink receives worker output and log lines, each prefixed with the worker id (default stderr).
         * @return this.
         */
        public Builder logSink(final Consumer<String> sink)
        {
            config.logSink = sink;
            return this;
        }

        /**
         * @param classPath class path of the worker JVMs (default: this JVM's).
         * @return this.
         */
        public Builder classPath(final String classPath)
        {
            config.classPath = classPath;
            return this;
        }

        /**
         * @param dir a journal directory (created when missing): every result and worker log line is appended to
         *            it, durably, from this (the parent) process.
         * @return this.
         */
        public Builder journal(final Path dir)
        {
            config.journal = dir;
            return this;
        }

        /**
         * @param resume with a {@link #journal(Path)}: a keyed job whose key the journal records as completed
         *               returns the journaled result without running (default false).
         * @return this.
         */
        public Builder resume(final boolean resume)
        {
            config.resume = resume;
            return this;
        }

        /**
         * @param n producer handles the pool keeps for submitting threads (default 16; see "Threads" in the
         *          class comment): the first {@code n} threads to submit keep one each while they live, and up to
         *          {@code n} other threads at once attach one for each submit.
         * @return this.
         */
        public Builder submitHandles(final int n)
        {
            config.submitHandles = n;
            return this;
        }

        /**
         * @param executor runs the completion of futures and so their callbacks (default: one thread of the pool's
         *                 own, {@code shoal-pool-completions}); results are handed to it in batches, in the order
         *                 they were read. The pool does not shut it down. A callback that waits for another of the
         *                 pool's results needs an executor with more threads than such callbacks at once.
         * @return this.
         */
        public Builder completionExecutor(final Executor executor)
        {
            config.completionExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        Builder resultHook(final ResultCollector.ResultHook hook)
        {
            config.resultHook = hook;
            return this;
        }

        /**
         * Checks the settings, creates the region, starts the workers and waits until they are ready.
         *
         * @return the running pool.
         * @throws PoolStartException when a worker cannot start; no process is left behind.
         */
        public ProcessPool start()
        {
            config.check();
            if (config.resume && config.journal == null)
            {
                throw new IllegalArgumentException("resume needs a journal: set journal(dir)");
            }
            final ProcessPool pool = new ProcessPool(config);
            try
            {
                return pool.startWorkers();
            }
            catch (final RuntimeException ex)
            {
                if (!pool.collectorThread.isAlive())
                {
                    pool.region.close();
                }
                Region.delete(pool.region.location());
                pool.deleteLogs();
                pool.closeJournal();
                throw ex;
            }
        }
    }
}
