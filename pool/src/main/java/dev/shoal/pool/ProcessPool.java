package dev.shoal.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import java.util.function.Consumer;

import dev.shoal.core.JobRing;
import dev.shoal.pool.spi.RemoteWorkers;
import org.agrona.DirectBuffer;

/**
 * A pool of worker JVMs fed through a {@link JobRing} in a shared region, with results back through an Agrona
 * {@code ManyToOneRingBuffer}: Python's {@code Pool} and {@code ProcessPoolExecutor}, without their traps.
 *
 * <pre>{@code
 * static final HandlerKey<Long, Long> SQUARE = HandlerKey.of("square", Codecs.LONG, Codecs.LONG);
 *
 * try (ProcessPool pool = ProcessPool.builder(MyHandlers.class).workers(2).start()) {
 *     CompletableFuture<Long> f = pool.submit(SQUARE, 7L);
 *     List<Long> squares = pool.map(SQUARE, List.of(1L, 2L, 3L), 64);
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Jobs are data: a handler name plus bytes. Handlers are registered in every worker by a
 *       {@link HandlerRegistry} class under a {@link HandlerKey}, which names them and states their codecs once;
 *       a job for a name no worker has fails its future at once, listing the names there are.</li>
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
 *       completion executor have run). So they cannot be called from a callback on the pool's own completion
 *       thread, which would wait for itself: they throw {@code IllegalStateException} there
 *       ({@link #shutdown()}, which does not wait, may be called anywhere).</li>
 * </ul>
 *
 * <h2>Lifecycle, as in {@code ExecutorService}</h2>
 * {@link #shutdown()} stops intake and returns; {@link #awaitTermination(Duration)} waits for every submitted
 * job's result, then stops and reaps the workers; {@link #close()} does both. {@link #shutdownNow()} cancels what
 * has not started. The parts behind this facade: {@code PoolConfig} (the settings, concluded once),
 * {@code PoolRuntime} (what the pool owns, built and torn down in order), {@code JobSubmitter} (job frames into
 * the ring) and {@code ResultCollector} (results back to futures).
 */
public final class ProcessPool implements AutoCloseable
{
    /** Submit handles a pool keeps unless {@link Builder#submitHandles(int)} says otherwise. */
    public static final int DEFAULT_SUBMIT_HANDLES = 16;
    /** The longest job key, in characters: a key is journaled with its job's result. */
    public static final int MAX_JOB_KEY_CHARS = 4096;
    /**
     * The largest {@link Builder#resultBufferBytes(int)} with a journal: a result may take an eighth of the buffer,
     * and one journal append holds a little under 16 MiB.
     */
    public static final int MAX_JOURNAL_RESULT_BUFFER_BYTES = 64 << 20;
    /** How often a close() waiting for running jobs says what it waits for. */
    private static final Duration CLOSE_NOTICE = Duration.ofSeconds(10);

    /** The longest wait join() measures: longer ones (up to "for ever") are cut to it, about 73 years. */
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE / 4);

    private final PoolRuntime runtime;

    private ProcessPool(final PoolRuntime runtime)
    {
        this.runtime = runtime;
    }

    /**
     * @param registry the class registering the handlers (public, public no-arg constructor).
     * @return a builder.
     */
    public static Builder builder(final Class<? extends HandlerRegistry> registry)
    {
        return new Builder(Objects.requireNonNull(registry, "registry").getName());
    }

    /**
     * @param registryClass fully qualified name of the {@link HandlerRegistry} class.
     * @return a builder.
     */
    public static Builder builder(final String registryClass)
    {
        return new Builder(Objects.requireNonNull(registryClass, "registryClass"));
    }

    /**
     * A region holds at most {@code ParticipantDescriptor.MAX_CAPACITY} participants, and each consumer thread of
     * each worker is one (twice over while a restarted worker replaces its predecessor), so the number of workers
     * bounds the threads each may have.
     *
     * @param workers       local worker JVMs (1 or more).
     * @param submitHandles the builder's {@link Builder#submitHandles(int)} ({@link #DEFAULT_SUBMIT_HANDLES}).
     * @return the largest {@link Builder#threadsPerWorker(int)} a pool of that shape can start with, listening or
     *         not; 0 when none fits.
     */
    public static int maxThreadsPerWorker(final int workers, final int submitHandles)
    {
        return PoolConfig.maxThreadsPerWorker(workers, submitHandles);
    }

    /**
     * Submits one job.
     *
     * @param handler  the handler.
     * @param argument its argument.
     * @param <A>      argument type.
     * @param <R>      result type.
     * @return the future result; a job for a handler no worker has is failed at once with a
     * {@link JobFailedException} naming the handlers there are.
     * @throws RejectedExecutionException when the pool is shut down, or the ring is full and the pool fails fast, or
     *                                    the thread is interrupted while it waits for room (its flag kept).
     * @throws IllegalArgumentException   when the job is larger than {@code maxJobBytes}.
     */
    public <A, R> CompletableFuture<R> submit(final HandlerKey<A, R> handler, final A argument)
    {
        return typed(handler, runtime.submitter.submitOne(handler, null,
            handler.encodeArgument(Objects.requireNonNull(argument, "argument"))));
    }

    /**
     * Submits one job with a job key. With a journal the key is journaled with the result; with resume, a key the
     * journal already records as completed returns its journaled result without running the job.
     *
     * @param jobKey   the job's key (unique within a batch run, e.g. the input's name; "" for none).
     * @param handler  the handler.
     * @param argument its argument.
     * @param <A>      argument type.
     * @param <R>      result type.
     * @return the future result.
     */
    public <A, R> CompletableFuture<R> submitKeyed(final String jobKey, final HandlerKey<A, R> handler,
        final A argument)
    {
        return typed(handler, runtime.submitter.submitOne(handler, Objects.requireNonNull(jobKey, "jobKey"),
            handler.encodeArgument(Objects.requireNonNull(argument, "argument"))));
    }

    /**
     * Submits arguments for one handler as one job frame (one ring slot), each with its own future.
     *
     * @param handler   the handler.
     * @param arguments the arguments, at most 65536, and the frame at most {@code maxJobBytes}.
     * @param <A>       argument type.
     * @param <R>       result type.
     * @return one future per argument, in order.
     */
    public <A, R> List<CompletableFuture<R>> submitBatch(final HandlerKey<A, R> handler, final List<A> arguments)
    {
        return typed(handler, runtime.submitter.submit(handler, null, encode(handler, arguments)));
    }

    /**
     * Submits keyed arguments for one handler as one job frame, each with its own future. With resume, the keys
     * the journal records as completed get their journaled results at once and only the others are sent.
     *
     * @param handler   the handler.
     * @param jobKeys   one job key per argument ("" for none).
     * @param arguments the arguments, at most 65536.
     * @param <A>       argument type.
     * @param <R>       result type.
     * @return one future per argument, in order.
     */
    public <A, R> List<CompletableFuture<R>> submitBatch(final HandlerKey<A, R> handler, final List<String> jobKeys,
        final List<A> arguments)
    {
        return typed(handler, runtime.submitter.submit(handler, Objects.requireNonNull(jobKeys, "jobKeys"),
            encode(handler, arguments)));
    }

    /**
     * Submits every argument, {@code chunkSize} per job frame, and returns at once (like
     * {@code ExecutorService.invokeAll}, without waiting).
     *
     * @param handler   the handler.
     * @param arguments the arguments.
     * @param chunkSize arguments per job frame (1 = one job each), at most 65536.
     * @param <A>       argument type.
     * @param <R>       result type.
     * @return one future per argument, in order.
     */
    public <A, R> List<CompletableFuture<R>> submitAll(final HandlerKey<A, R> handler, final List<A> arguments,
        final int chunkSize)
    {
        checkChunkSize(chunkSize);
        final List<CompletableFuture<R>> futures = new ArrayList<>(arguments.size());
        for (int from = 0; from < arguments.size(); from += chunkSize)
        {
            futures.addAll(submitBatch(handler, arguments.subList(from, Math.min(arguments.size(), from + chunkSize))));
        }
        return futures;
    }

    /**
     * Applies a handler to every argument and returns the results in input order (Python's {@code Pool.map}).
     *
     * @param handler   the handler.
     * @param arguments the arguments.
     * @param chunkSize arguments per job frame (1 = one job each).
     * @param <A>       argument type.
     * @param <R>       result type.
     * @return the results, in order.
     * @throws RemoteJobException or {@link JobFailedException}: the first failure in input order.
     */
    public <A, R> List<R> map(final HandlerKey<A, R> handler, final List<A> arguments, final int chunkSize)
    {
        checkChunkSize(chunkSize);
        // One entry per chunk, not a future per argument: the chunk's results are decoded here, in order.
        final List<FrameCall> calls = new ArrayList<>(arguments.size() / chunkSize + 1);
        for (int from = 0; from < arguments.size(); from += chunkSize)
        {
            calls.add(runtime.submitter.submitCall(handler, encode(handler,
                arguments.subList(from, Math.min(arguments.size(), from + chunkSize)))));
        }
        final List<R> results = new ArrayList<>(arguments.size());
        for (final FrameCall call : calls)
        {
            await(call.done());
            call.resultsInto(handler, results);
        }
        return results;
    }

    /**
     * Submits a job frame written by another pool, as it is, and hands its jobs' outcomes over together once all
     * are in (a remote agent relays its coordinator's frames this way): the frame's handler name and arguments are
     * read, its jobs get this pool's ids, and no future is made per job.
     *
     * @param buffer holds the frame.
     * @param offset where it starts.
     * @param length its length.
     * @return completes with the frame's outcomes once every job has one (never exceptionally: a job's failure is
     * its outcome).
     * @throws IllegalArgumentException when the frame is corrupt, naming what is wrong.
     */
    public CompletableFuture<FrameOutcomes> submitFrameTogether(final DirectBuffer buffer, final int offset,
        final int length)
    {
        final JobFrames.Frame frame = JobFrames.read(buffer, offset, length);
        final FrameCall call = runtime.submitter.submitCall(HandlerKey.bytes(frame.handler()),
            Arrays.asList(frame.arguments()));
        return call.done().thenApply(FrameOutcomes::new);
    }

    /**
     * Applies a handler to every argument and yields results as they complete (Python's
     * {@code imap_unordered}). The iterator blocks in {@code next()}; a failed job throws there.
     *
     * @param handler   the handler.
     * @param arguments the arguments.
     * @param chunkSize arguments per job frame.
     * @param <A>       argument type.
     * @param <R>       result type.
     * @return the results in completion order.
     */
    public <A, R> Iterator<R> mapUnordered(final HandlerKey<A, R> handler, final List<A> arguments,
        final int chunkSize)
    {
        final BlockingQueue<CompletableFuture<R>> done = new LinkedBlockingQueue<>();
        final List<CompletableFuture<R>> futures = submitAll(handler, arguments, chunkSize);
        for (final CompletableFuture<R> f : futures)
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
                    final CompletableFuture<R> f = done.take();
                    taken++;
                    return await(f);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a result", ex);
                }
            }
        };
    }

    private static void checkChunkSize(final int chunkSize)
    {
        if (chunkSize < 1 || chunkSize > JobFrameDescriptor.MAX_BATCH)
        {
            throw new IllegalArgumentException("chunkSize must be 1.." + JobFrameDescriptor.MAX_BATCH + ": chunkSize=" +
                chunkSize);
        }
    }

    private static <A> List<byte[]> encode(final HandlerKey<A, ?> handler, final List<A> arguments)
    {
        final List<byte[]> encoded = new ArrayList<>(arguments.size());
        for (final A argument : arguments)
        {
            encoded.add(handler.encodeArgument(argument));
        }
        return encoded;
    }

    @SuppressWarnings("unchecked")
    private static <R> CompletableFuture<R> typed(final HandlerKey<?, R> handler, final CompletableFuture<byte[]> raw)
    {
        // R is byte[] with the bytes codec: the future is already of the right type, no decoding stage.
        return handler.resultCodec() == Codecs.BYTES ? (CompletableFuture<R>)(CompletableFuture<?>)raw :
            decoded(handler, raw);
    }

    /**
     * The typed future of a raw one. Not {@code thenApply}: a dependent future of a cancelled one completes with a
     * CompletionException, so a job cancelled by shutdownNow() was not {@code isCancelled()} and its get() threw
     * ExecutionException instead of CancellationException (only bytes handlers, whose future is the raw one, were
     * cancelled as the docs say).
     */
    private static <R> CompletableFuture<R> decoded(final HandlerKey<?, R> handler,
        final CompletableFuture<byte[]> raw)
    {
        final CompletableFuture<R> typed = new CompletableFuture<>();
        raw.whenComplete((bytes, ex) ->
        {
            if (ex instanceof java.util.concurrent.CancellationException)
            {
                typed.cancel(false);
            }
            else if (ex != null)
            {
                typed.completeExceptionally(ex);
            }
            else
            {
                try
                {
                    typed.complete(handler.decodeResult(bytes));
                }
                catch (final RuntimeException | Error decode)
                {
                    typed.completeExceptionally(decode);
                }
            }
        });
        return typed;
    }

    @SuppressWarnings("unchecked")
    private static <R> List<CompletableFuture<R>> typed(final HandlerKey<?, R> handler,
        final List<CompletableFuture<byte[]>> raw)
    {
        if (handler.resultCodec() == Codecs.BYTES)
        {
            // R is byte[]: the futures are already of the right type, no decoding stage per job.
            return (List<CompletableFuture<R>>)(List<?>)raw;
        }
        final List<CompletableFuture<R>> typed = new ArrayList<>(raw.size());
        for (final CompletableFuture<byte[]> f : raw)
        {
            typed.add(decoded(handler, f));
        }
        return typed;
    }

    private static <R> R await(final CompletableFuture<R> future)
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
     * Waits until every job submitted so far has its result (or failed).
     *
     * @param timeout hard limit.
     * @return true when all are done; false when the timeout passed first, or at once when the calling thread is
     *     interrupted (its interrupt flag stays set).
     * @throws IllegalStateException when called from a callback on the pool's completion thread (it would wait
     *                               for itself).
     */
    public boolean join(final Duration timeout)
    {
        runtime.checkNotInCallback("join()");
        final PendingJobs pending = runtime.pending;
        // Saturated: Duration.ofSeconds(Long.MAX_VALUE), "for ever", threw ArithmeticException from toNanos().
        final long deadline = System.nanoTime() + (Objects.requireNonNull(timeout, "timeout")
            .compareTo(FOREVER) >= 0 ? FOREVER.toNanos() : timeout.toNanos());
        // Interrupted: it returned only at the timeout, spinning a whole core meanwhile (a park returns at once).
        while (pending.size() > 0 && !Thread.currentThread().isInterrupted())
        {
            final String broken = runtime.brokenReason();
            if (broken != null)
            {
                pending.failAll(new JobFailedException("pool broken: " + broken));
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
        final PendingJobs pending = runtime.pending;
        final PoolJournal journal = runtime.journal;
        final WorkerSupervisor supervisor = runtime.supervisor;
        return new PoolStats(runtime.submitter.submitted(), pending.completed(), pending.failed(), pending.size(),
            runtime.redelivered(), pending.duplicates(), supervisor.restarts(), supervisor.recycles(),
            journal == null ? 0 : journal.journaled(), journal == null ? 0 : journal.resumed());
    }

    /**
     * @return remote hosts connected now (0 for a pool that does not {@link Builder#listen(String) listen}).
     */
    public int remoteHosts()
    {
        final RemoteWorkers remote = runtime.remote();
        return remote == null ? 0 : remote.hosts();
    }

    /**
     * @return remote hosts that joined since the start, a host that rejoined counted again (0 without listen).
     */
    public long remoteHostsJoined()
    {
        final RemoteWorkers remote = runtime.remote();
        return remote == null ? 0 : remote.hostsJoined();
    }

    /**
     * @return job frames sent again after their remote host was given up (0 for a pool that does not listen).
     */
    public long remoteRedelivered()
    {
        final RemoteWorkers remote = runtime.remote();
        return remote == null ? 0 : remote.redelivered();
    }

    /**
     * @return the participant entries of the pool's region (workers, submit handles and spare).
     */
    int participantBound()
    {
        return runtime.config.participants();
    }

    /**
     * @return the pids of the current worker JVMs.
     */
    public List<Long> workerPids()
    {
        return runtime.supervisor.pids();
    }

    /**
     * SIGKILLs one worker (chaos testing); the pool hands its jobs back and restarts it.
     *
     * @param workerId 0 to workers - 1.
     * @return the killed pid.
     */
    public long killWorker(final int workerId)
    {
        return runtime.supervisor.kill(workerId);
    }

    /**
     * @return where the pool's region lives.
     */
    public Path regionPath()
    {
        return runtime.region.location().path();
    }

    /**
     * Stops intake and returns at once: jobs submitted before still run and complete their futures; a submit from
     * now on throws {@link RejectedExecutionException}. Follow with {@link #awaitTermination(Duration)} or
     * {@link #close()}.
     */
    public void shutdown()
    {
        runtime.submitter.stopIntake();
    }

    /**
     * @return true once {@link #shutdown()}, {@link #close()} or {@link #shutdownNow()} was called.
     */
    public boolean isShutdown()
    {
        return runtime.submitter.intakeStopped();
    }

    /**
     * @return true once the workers are stopped and reaped and the pool's files removed.
     */
    public boolean isTerminated()
    {
        return runtime.closed();
    }

    /**
     * After {@link #shutdown()}: waits until every submitted job has its result, then stops and reaps the workers
     * (as {@link #close()}). Without a shutdown first, it shuts down.
     *
     * @param timeout how long to wait for the results; the stopping itself comes after.
     * @return true when the pool terminated, false when results were still pending at the timeout (the pool keeps
     * running them; call again, or {@link #shutdownNow()}).
     * @throws IllegalStateException when called from a callback on the pool's completion thread.
     */
    public boolean awaitTermination(final Duration timeout)
    {
        runtime.checkNotInCallback("awaitTermination()");
        shutdown();
        if (!join(timeout))
        {
            return false;
        }
        close();
        return true;
    }

    /**
     * Stops intake, waits until every submitted job has its result, then stops and reaps the workers and
     * removes the region (unless kept). Idempotent.
     *
     * Not interruptible: an interrupt, pending or arriving, does not cut the wait short (results would be lost); the
     * thread's interrupt flag is set again when close() returns. {@link #shutdownNow()} is the way to stop at once.
     *
     * @throws IllegalStateException when called from a callback on the pool's completion thread, which would wait
     *                               for itself; {@link #shutdown()} does not wait and may be called there.
     */
    @Override
    public void close()
    {
        if (runtime.closed())
        {
            return;
        }
        runtime.checkNotInCallback("close()");
        shutdown();
        // Not interruptible: an interrupt (one pending as close() is called, too) would cut short the waits below
        // and leave results undelivered. The flag is kept and set again on the way out.
        boolean interrupted = Thread.interrupted();
        try
        {
            // No limit, as ExecutorService.close: every result is delivered. A job that never ends would hold
            // close() forever without a word, so every CLOSE_NOTICE the log sink hears what close() waits for.
            while (!join(CLOSE_NOTICE))
            {
                if (Thread.interrupted())
                {
                    interrupted = true; // join returned early: wait on, quietly
                    continue;
                }
                final String oldest = runtime.pending.oldest();
                runtime.config.logSink.accept("[pool] closing: waiting for " + runtime.pending.size() +
                    " job(s) to finish" + (oldest.isEmpty() ? "" : "; the oldest is " + oldest) +
                    " (shutdownNow() stops at once)");
            }
            interrupted |= Thread.interrupted();
            runtime.shutdown(PoolLayout.STATE_DRAIN, new JobFailedException("pool closed before the job ran"));
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops intake and the workers at once: jobs not started are cancelled; running jobs get the pool's
     * {@link Builder#shutdownGrace(Duration)} (default 30 s) to finish, then their workers are killed and their
     * futures cancelled.
     *
     * @return how many jobs were cancelled.
     */
    public int shutdownNow()
    {
        if (runtime.closed())
        {
            return 0;
        }
        shutdown();
        return runtime.shutdown(PoolLayout.STATE_STOP, null);
    }

    /**
     * Builds and starts a pool.
     */
    public static final class Builder
    {
        // Read once by PoolConfig's constructor, which checks them; the builder itself checks nothing.
        final String registryClass;
        int workers = 2;
        int threadsPerWorker = 1;
        List<String> jvmOptions = List.of("-Xmx256m", "-XX:+UseSerialGC");
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
        /** The longest start timeout or shutdown grace: a year (longer ones overflowed as nanoseconds). */
        static final Duration MAX_TIMEOUT = Duration.ofDays(365);

        Consumer<String> logSink = System.err::println;
        ResultCollector.ResultHook resultHook;
        Path journal;
        boolean resume;
        String classPath;
        int submitHandles = DEFAULT_SUBMIT_HANDLES;
        Executor completionExecutor;
        String listen;
        int remoteWindow = 64;
        Duration hostTimeout = Duration.ofSeconds(3);

        private Builder(final String registryClass)
        {
            this.registryClass = registryClass;
        }

        /**
         * @param n worker JVMs (default 2; 0 allowed with {@link #listen(String)}: remote hosts only).
         * @return this.
         */
        public Builder workers(final int n)
        {
            this.workers = n;
            return this;
        }

        /**
         * @param n consumer threads in each worker, for jobs that block (default 1).
         * @return this.
         */
        public Builder threadsPerWorker(final int n)
        {
            this.threadsPerWorker = n;
            return this;
        }

        /**
         * @param options JVM options for the workers (replacing the defaults: a 256 MiB heap, serial GC).
         * @return this.
         */
        public Builder jvmOptions(final List<String> options)
        {
            this.jvmOptions = List.copyOf(Objects.requireNonNull(options, "jvmOptions"));
            return this;
        }

        /**
         * @param n deliveries of a job before its future fails (default 3, at most
         *          {@code JobRingDescriptor.MAX_ATTEMPT - 1}: the ring's lease counts deliveries only that far).
         * @return this.
         */
        public Builder maxAttempts(final int n)
        {
            this.maxAttempts = n;
            return this;
        }

        /**
         * @param n jobs a worker runs before it is replaced by a fresh JVM (0 = never; Python's
         *          {@code maxtasksperchild}).
         * @return this.
         */
        public Builder maxJobsPerWorker(final long n)
        {
            this.maxJobsPerWorker = n;
            return this;
        }

        /**
         * @param initializer runs once in each worker before it takes jobs.
         * @return this.
         */
        public Builder initializer(final Class<? extends WorkerInitializer> initializer)
        {
            this.initializerClass = Objects.requireNonNull(initializer, "initializer").getName();
            return this;
        }

        /**
         * @param capacity jobs in flight at most (power of two, default 1024): submit blocks beyond.
         * @return this.
         */
        public Builder ringCapacity(final int capacity)
        {
            this.ringCapacity = capacity;
            return this;
        }

        /**
         * @param bytes largest job frame (handler name plus arguments), default 4096.
         * @return this.
         */
        public Builder maxJobBytes(final int bytes)
        {
            this.maxJobBytes = bytes;
            return this;
        }

        /**
         * @param bytes size of each worker's result buffer (power of two, default 4 MiB; every local worker has its
         *              own, and the remote gateway one more; pages are used only as results pass); the largest
         *              result is an eighth of it.
         * @return this.
         */
        public Builder resultBufferBytes(final int bytes)
        {
            this.resultBufferBytes = bytes;
            return this;
        }

        /**
         * @param nameOrPath where to create the pool's region (default: a fresh name in /dev/shm/shoal).
         * @return this.
         */
        public Builder region(final String nameOrPath)
        {
            this.region = nameOrPath;
            return this;
        }

        /**
         * @param keep leave the region file after close (for inspection).
         * @return this.
         */
        public Builder keepRegion(final boolean keep)
        {
            this.keepRegion = keep;
            return this;
        }

        /**
         * @param failFast when the ring is full, submit throws {@link RingFullException} instead of waiting.
         * @return this.
         */
        public Builder failFast(final boolean failFast)
        {
            this.failFast = failFast;
            return this;
        }

        /**
         * @param timeout how long start waits for every worker to be ready (default 60 s).
         * @return this.
         */
        public Builder startTimeout(final Duration timeout)
        {
            // Checked here: a null failed after the workers had started, a negative one as "not ready after -1000
            // ms", a huge one overflowed to an ArithmeticException.
            if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0)
            {
                throw new IllegalArgumentException("startTimeout must be more than zero and at most " + MAX_TIMEOUT +
                    ": " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * @param grace how long a stopping pool ({@link ProcessPool#close()}, {@link ProcessPool#shutdownNow()})
         *              lets a worker finish the job it is running before it kills the worker (default 30 s);
         *              the future of a killed worker's job is cancelled. The log sink says which workers it
         *              waits for, and which it kills.
         * @return this.
         */
        public Builder shutdownGrace(final Duration grace)
        {
            if (grace == null || grace.isNegative() || grace.compareTo(MAX_TIMEOUT) > 0)
            {
                throw new IllegalArgumentException("shutdownGrace must be zero or more and at most " + MAX_TIMEOUT +
                    ": " + grace);
            }
            this.stopTimeout = grace;
            return this;
        }

        /**
         * @param sink receives worker output and log lines, each prefixed with the worker id (default stderr).
         * @return this.
         */
        public Builder logSink(final Consumer<String> sink)
        {
            this.logSink = Objects.requireNonNull(sink, "logSink");
            return this;
        }

        /**
         * @param classPath class path of the worker JVMs (default: this JVM's).
         * @return this.
         */
        public Builder classPath(final String classPath)
        {
            this.classPath = classPath;
            return this;
        }

        /**
         * @param dir a journal directory (created when missing): every result and worker log line is appended to
         *            it, durably, from this (the parent) process. With a journal, {@link #resultBufferBytes(int)}
         *            is at most {@link #MAX_JOURNAL_RESULT_BUFFER_BYTES}.
         * @return this.
         */
        public Builder journal(final Path dir)
        {
            this.journal = dir;
            return this;
        }

        /**
         * @param resume with a {@link #journal(Path)}: a keyed job whose key the journal records as completed
         *               returns the journaled result without running (default false).
         * @return this.
         */
        public Builder resume(final boolean resume)
        {
            this.resume = resume;
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
            this.submitHandles = n;
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
            this.completionExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Accepts worker hosts over the network: {@code shoal agent --connect HOST:PORT} on another machine runs
         * worker JVMs there and takes this pool's jobs (docs/multi-host.md). Needs {@code shoal-remote}
         * (dev.shoal:shoal-remote) on the class path. With a listen endpoint, {@link #workers(int)} may be 0.
         *
         * @param endpoint {@code HOST:PORT} to bind, UDP ({@code 0.0.0.0:PORT} for every address).
         * @return this.
         */
        public Builder listen(final String endpoint)
        {
            this.listen = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * @param frames job frames (ring slots) one remote host may hold unanswered at once (default 64): its credit.
         * @return this.
         */
        public Builder remoteWindow(final int frames)
        {
            this.remoteWindow = frames;
            return this;
        }

        /**
         * @param timeout how long a remote host may stay silent (no heartbeat, no result) before it is given up and
         *                its jobs go to other hosts or local workers (default 3 s, at least 100 ms).
         * @return this.
         */
        public Builder hostTimeout(final Duration timeout)
        {
            this.hostTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        Builder resultHook(final ResultCollector.ResultHook hook)
        {
            this.resultHook = hook;
            return this;
        }

        /**
         * @return the settings as the pool would take them, checked.
         * @throws IllegalArgumentException naming the first setting out of range.
         */
        PoolConfig config()
        {
            return new PoolConfig(this);
        }

        /**
         * Checks the settings, creates the region, starts the workers and waits until they are ready.
         *
         * @return the running pool.
         * @throws PoolStartException when a worker cannot start; no process is left behind.
         * @throws IllegalArgumentException naming the first setting out of range.
         */
        public ProcessPool start()
        {
            return new ProcessPool(PoolRuntime.start(config()));
        }
    }
}
