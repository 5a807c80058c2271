package dev.shoal.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.shoal.core.JobRingDescriptor;
import dev.shoal.core.ParticipantDescriptor;

/**
 * A pool's settings, concluded once: {@link ProcessPool.Builder#start()} copies the builder into one of these,
 * checking every value, and nothing changes it after. The pool's parts (supervisor, submitter, collector) read it.
 */
final class PoolConfig
{
    final String registryClass;
    /** Local workers at most: each has a result buffer in the pool's region, which holds 256 structures. */
    static final int MAX_WORKERS = 240;
    final int workers;
    final int threadsPerWorker;
    final List<String> jvmOptions;
    final int maxAttempts;
    final long maxJobsPerWorker;
    final String initializerClass;
    final int ringCapacity;
    final int maxJobBytes;
    final int resultBufferBytes;
    final String region;
    final boolean keepRegion;
    final boolean failFast;
    final Duration startTimeout;
    final Duration stopTimeout;
    /** The user's sink behind a guard: a sink that throws must not end the pool's threads that log. */
    final Consumer<String> logSink;
    final ResultCollector.ResultHook resultHook;
    final Path journal;
    final boolean resume;
    final String classPath;
    final int submitHandles;
    final Executor completionExecutor;
    final String listen;
    final int remoteWindow;
    final Duration hostTimeout;

    PoolConfig(final ProcessPool.Builder b)
    {
        registryClass = b.registryClass;
        listen = b.listen;
        remoteWindow = b.remoteWindow;
        hostTimeout = b.hostTimeout;
        // Remote hosts can do all the work: a listening pool may have no local worker.
        workers = listen != null && b.workers == 0 ? 0 : positive("workers", b.workers);
        threadsPerWorker = positive("threadsPerWorker", b.threadsPerWorker);
        jvmOptions = List.copyOf(b.jvmOptions);
        maxAttempts = b.maxAttempts;
        maxJobsPerWorker = b.maxJobsPerWorker;
        initializerClass = b.initializerClass;
        ringCapacity = b.ringCapacity;
        maxJobBytes = b.maxJobBytes;
        resultBufferBytes = b.resultBufferBytes;
        region = b.region;
        keepRegion = b.keepRegion;
        failFast = b.failFast;
        startTimeout = b.startTimeout;
        stopTimeout = b.stopTimeout;
        logSink = guarded(b.logSink);
        resultHook = b.resultHook;
        journal = b.journal;
        resume = b.resume;
        classPath = b.classPath;
        submitHandles = b.submitHandles;
        completionExecutor = b.completionExecutor;
        check();
    }

    /**
     * Each worker's consumers and writer, twice (a restarted worker attaches before its predecessor's entries
     * are reclaimed), the kept and borrowed submit handles, and spare entries for tools such as inspect.
     */
    int participants()
    {
        return (int)participantsNeeded();
    }

    private long participantsNeeded()
    {
        return participantsNeeded(workers, threadsPerWorker, submitHandles, listen != null);
    }

    static long participantsNeeded(final int workers, final int threadsPerWorker, final int submitHandles,
        final boolean listens)
    {
        return (long)workers * (threadsPerWorker + 2) * 2 + 2L * submitHandles + 16 + (listens ? 2 : 0);
    }

    /**
     * @return the largest threadsPerWorker for which {@link #participantsNeeded} stays within a region's
     *         participants, listening or not; 0 when none fits.
     */
    static int maxThreadsPerWorker(final int workers, final int submitHandles)
    {
        // What the workers leave: each worker takes 2 x (threads + 2) entries, the rest is fixed.
        final long room = ParticipantDescriptor.MAX_CAPACITY - participantsNeeded(0, 0, submitHandles, true);
        return (int)Math.max(0, room / (2L * Math.max(1, workers)) - 2);
    }

    private void check()
    {
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
        if (workers > MAX_WORKERS)
        {
            throw new IllegalArgumentException("workers must be at most " + MAX_WORKERS +
                " (each has its own result buffer in the pool's region): workers=" + workers);
        }
        if (participantsNeeded() > ParticipantDescriptor.MAX_CAPACITY)
        {
            // Checked here, not found a minute later as a worker that never gets ready: each consumer thread is a
            // participant of the pool's region, twice over for a restarted worker, and a region holds at most
            // MAX_CAPACITY of them.
            throw new IllegalArgumentException("workers x threadsPerWorker too large: the pool's region needs " +
                participantsNeeded() + " participant entries (2 x workers x (threadsPerWorker + 2) + 2 x " +
                "submitHandles + 16), at most " + ParticipantDescriptor.MAX_CAPACITY + ": workers=" + workers +
                " threadsPerWorker=" + threadsPerWorker + " submitHandles=" + submitHandles);
        }
        if (maxJobsPerWorker < 0)
        {
            throw new IllegalArgumentException("maxJobsPerWorker must be >= 0: maxJobsPerWorker=" + maxJobsPerWorker);
        }
        if (remoteWindow < 1 || remoteWindow > 65_536)
        {
            throw new IllegalArgumentException("remoteWindow must be 1..65536 job frames: remoteWindow=" +
                remoteWindow);
        }
        if (hostTimeout.toMillis() < 100)
        {
            throw new IllegalArgumentException("hostTimeout must be at least 100 ms: hostTimeout=" + hostTimeout);
        }
        if (resume && journal == null)
        {
            throw new IllegalArgumentException("resume needs a journal: set journal(dir)");
        }
        if (journal != null && resultBufferBytes > ProcessPool.MAX_JOURNAL_RESULT_BUFFER_BYTES)
        {
            // Checked before a job runs: a result over what one journal append holds was found only after its
            // job ran, as a failed append on the log sink, its future completing all the same.
            throw new IllegalArgumentException("resultBufferBytes=" + resultBufferBytes + " lets a result take " +
                resultBufferBytes / 8 + " bytes, more than one journal append holds: with a journal, " +
                "resultBufferBytes must be at most " + ProcessPool.MAX_JOURNAL_RESULT_BUFFER_BYTES);
        }
    }

    private static int positive(final String name, final int value)
    {
        if (value < 1)
        {
            throw new IllegalArgumentException(name + " must be >= 1: " + name + "=" + value);
        }
        return value;
    }

    /**
     * The pool logs from its supervisor, collector and closing threads: an exception out of the user's sink ended
     * the supervisor (a dead worker was never replaced, its future and every later one waited for ever) and made
     * close() throw. A failing sink loses its line, and the first failure is said once on stderr.
     */
    private static Consumer<String> guarded(final Consumer<String> sink)
    {
        final java.util.concurrent.atomic.AtomicBoolean reported = new java.util.concurrent.atomic.AtomicBoolean();
        return line ->
        {
            try
            {
                sink.accept(line);
            }
            catch (final RuntimeException ex)
            {
                if (reported.compareAndSet(false, true))
                {
                    System.err.println("[pool] the log sink threw " + ex + "; its lines are lost from now on when " +
                        "it throws (the pool goes on)");
                }
            }
        };
    }
}
