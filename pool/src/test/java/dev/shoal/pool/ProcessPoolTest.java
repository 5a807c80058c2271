package dev.shoal.pool;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import dev.shoal.testing.ChildJvms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The process pool with real worker JVMs.
 */
@Timeout(120)
class ProcessPoolTest
{
    private static final ConcurrentLinkedQueue<String> LOGS = new ConcurrentLinkedQueue<>();
    private static ProcessPool shared;
    private ProcessPool own;

    @BeforeAll
    static void startShared()
    {
        shared = ProcessPool.builder(TestHandlers.class).workers(2).threadsPerWorker(2).logSink(LOGS::add).start();
    }

    @AfterAll
    static void closeSharedAndCheckNoChildLeft()
    {
        final List<Long> pids = shared.workerPids();
        shared.close();
        for (final long pid : pids)
        {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " left");
        }
        ChildJvms.awaitCondition("no child process left", Duration.ofSeconds(30),
            () -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive));
    }

    @AfterEach
    void closeOwn()
    {
        if (own != null)
        {
            own.close();
        }
    }

    private static List<Long> range(final int n)
    {
        return LongStream.range(0, n).boxed().collect(Collectors.toList());
    }

    @Test
    void shouldMapInInputOrderWithAndWithoutBatching()
    {
        final List<Long> args = range(3000);
        final List<Long> expected = args.stream().map(x -> x * x).collect(Collectors.toList());
        assertEquals(expected, shared.map(TestHandlers.SQUARE, args, 1));
        assertEquals(expected, shared.map(TestHandlers.SQUARE, args, 64));
    }

    @Test
    void shouldMapWithTheFirstFailureInInputOrderAndNothingLeftPending()
    {
        final RemoteJobException threw = assertThrows(RemoteJobException.class, () -> shared.map(TestHandlers.FAIL,
            List.of("a".getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8)), 2));
        assertEquals("boom a", threw.remoteMessage());
        final JobFailedException unknown = assertThrows(JobFailedException.class,
            () -> shared.map(HandlerKey.of("nope", Codecs.LONG, Codecs.LONG), List.of(1L, 2L), 2));
        assertTrue(unknown.getMessage().contains("no handler named 'nope'"), unknown.getMessage());
        assertTrue(shared.join(Duration.ofSeconds(30)), "a map's jobs count as pending until their results are in");
        // "For ever" threw ArithmeticException (long overflow) from the deadline's arithmetic.
        assertTrue(shared.join(Duration.ofSeconds(Long.MAX_VALUE)));
    }

    @Test
    void shouldMapEveryChunkOnceWhenItsWorkerDiesMidChunk()
    {
        // Each job halts its worker on its first delivery: every chunk's results come from its second one.
        own = ProcessPool.builder(TestHandlers.class).workers(2).logSink(l -> { }).start();
        final List<byte[]> args = new ArrayList<>();
        for (int i = 0; i < 24; i++)
        {
            args.add(new byte[0]);
        }
        final List<byte[]> attempts = own.map(TestHandlers.HALT_FIRST_ATTEMPT, args, 8);
        assertEquals(24, attempts.size());
        for (final byte[] a : attempts)
        {
            assertEquals(2L, Codecs.LONG.decode(a), "each result comes from the redelivery");
        }
        // The count follows the completions (a future completes, then leaves the count): join waits for it.
        assertTrue(own.join(Duration.ofSeconds(30)));
        assertEquals(0, own.stats().pending());
        assertEquals(24, own.stats().completed());
    }

    /**
     * An interrupted join went on to its timeout, spinning a whole core (a park returns at once under a set
     * interrupt flag). Now it returns false at once and keeps the flag; close, not interruptible by design, waits
     * on without spinning and sets the flag again.
     */
    @Test
    void shouldReturnFromAnInterruptedJoinAtOnceKeepingTheFlag() throws Exception
    {
        own = ProcessPool.builder(TestHandlers.class).workers(1).logSink(l -> { }).start();
        final CompletableFuture<Long> parked = own.submit(TestHandlers.PARK, 3000L);
        Thread.currentThread().interrupt();
        final long start = System.nanoTime();
        final boolean joined = own.join(Duration.ofSeconds(30));
        final long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(Thread.interrupted(), "the flag stays set (and is cleared here)");
        assertFalse(joined, "the job was still running");
        assertTrue(waitedMillis < 2000, "returned at once, not after the job: " + waitedMillis + " ms");
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Thread.currentThread().interrupt();
        final long cpuBefore = threads.getCurrentThreadCpuTime();
        own.close(); // waits for the parked job (about three seconds)
        final long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000;
        assertTrue(Thread.interrupted(), "close sets the flag again");
        assertTrue(parked.isDone());
        // A spin burns the whole wait (about 3 s of CPU); a parked wait, with the stopping, well under one.
        assertTrue(cpuMillis < 1000, "close waited without spinning: " + cpuMillis + " ms of CPU");
        own = null;
    }

    /** A batch of no arguments published a frame of no jobs, which the worker logged as corrupt. */
    @Test
    void shouldSubmitNothingForAnEmptyBatch()
    {
        final List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        own = ProcessPool.builder(TestHandlers.class).workers(1).logSink(logged::add).start();
        assertEquals(List.of(), own.submitBatch(TestHandlers.SQUARE, List.of()));
        assertEquals(List.of(), own.submitBatch(TestHandlers.SQUARE, List.of(), List.of()));
        assertEquals(0, own.stats().submitted(), "nothing published");
        assertEquals(49L, own.submit(TestHandlers.SQUARE, 7L).join());
        assertTrue(logged.stream().noneMatch(l -> l.contains("corrupt")), logged.toString());
    }

    @Test
    void shouldYieldEveryResultUnordered()
    {
        final Iterator<Long> it = shared.mapUnordered(TestHandlers.SQUARE, range(1000), 8);
        final Set<Long> seen = new HashSet<>();
        while (it.hasNext())
        {
            assertTrue(seen.add(it.next()));
        }
        assertEquals(range(1000).stream().map(x -> x * x).collect(Collectors.toSet()), seen);
    }

    @Test
    void shouldCarryTheRemoteExceptionClassMessageAndStack()
    {
        final CompletableFuture<byte[]> f = shared.submit(TestHandlers.FAIL, "x1".getBytes(StandardCharsets.UTF_8));
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        final RemoteJobException remote = assertInstanceOf(RemoteJobException.class, ex.getCause());
        assertEquals(IllegalStateException.class.getName(), remote.remoteClass());
        assertEquals("boom x1", remote.remoteMessage());
        assertTrue(remote.remoteStack().contains("TestHandlers"), remote.remoteStack());
        assertTrue(remote.getMessage().contains("handler 'fail' threw java.lang.IllegalStateException: boom x1"));
        assertEquals(49L, shared.submit(TestHandlers.SQUARE, 7L).join(), "the pool goes on");
    }

    @Test
    void shouldNameAHandlerThatReturnedNull()
    {
        final ExecutionException typed = assertThrows(ExecutionException.class,
            () -> shared.submit(TestHandlers.NULL_TYPED, 3L).get(30, TimeUnit.SECONDS));
        final RemoteJobException remote = assertInstanceOf(RemoteJobException.class, typed.getCause());
        assertEquals("handler 'nullTyped' returned null: a result codec encodes values, not null",
            remote.remoteMessage());
        final ExecutionException bytes = assertThrows(ExecutionException.class,
            () -> shared.submit(TestHandlers.NULL_BYTES, new byte[0]).get(30, TimeUnit.SECONDS));
        final JobFailedException failed = assertInstanceOf(JobFailedException.class, bytes.getCause());
        assertTrue(failed.getMessage().contains("(handler 'nullBytes') returned null: return an empty array for " +
            "no result"), failed.getMessage());
        assertEquals(49L, shared.submit(TestHandlers.SQUARE, 7L).join(), "the pool goes on");
    }

    @Test
    void shouldFailUnknownHandlerAtOnceNamingTheOnesThatExist()
    {
        final CompletableFuture<byte[]> f = shared.submit(HandlerKey.bytes("sqaure"), new byte[0]);
        assertTrue(f.isCompletedExceptionally());
        final ExecutionException ex = assertThrows(ExecutionException.class, f::get);
        assertTrue(ex.getCause().getMessage().contains("no handler named 'sqaure'") &&
            ex.getCause().getMessage().contains("square"), ex.getCause().getMessage());
    }

    @Test
    void shouldRejectJobLargerThanMaxJobBytes()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> shared.submit(TestHandlers.ECHO, new byte[5000]));
        assertTrue(ex.getMessage().contains("exceeds the pool's maxJobBytes=4096"), ex.getMessage());
    }

    /** A key of megabytes ran its job and then failed to journal; a null key in a list failed in the collector. */
    @Test
    void shouldRejectAJobKeyTooLongOrNullBeforeSubmitting()
    {
        final long submittedBefore = shared.stats().submitted();
        final String longKey = "k".repeat(ProcessPool.MAX_JOB_KEY_CHARS + 1);
        final IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
            () -> shared.submitKeyed(longKey, TestHandlers.ECHO, new byte[1]));
        assertTrue(one.getMessage().startsWith("job key of 4097 characters is longer than 4096"), one.getMessage());
        final java.util.List<String> keys = java.util.Arrays.asList("a", longKey);
        assertThrows(IllegalArgumentException.class,
            () -> shared.submitBatch(TestHandlers.ECHO, keys, java.util.List.of(new byte[1], new byte[1])));
        final NullPointerException none = assertThrows(NullPointerException.class, () -> shared.submitBatch(
            TestHandlers.ECHO, java.util.Arrays.asList("a", null), java.util.List.of(new byte[1], new byte[1])));
        assertTrue(none.getMessage().contains("a job key is null"), none.getMessage());
        assertEquals(0, shared.stats().submitted() - submittedBefore, "nothing was submitted");
    }

    @Test
    void shouldGiveAHandlerThatReadsItsInputTheEndOfIt() throws Exception
    {
        // A worker's input is closed as it starts: on the parent's open pipe this read would wait forever, and so
        // would close() for its result, hence a pool of its own, stopped with shutdownNow() if the read does not end.
        own = ProcessPool.builder(TestHandlers.class).workers(1).logSink(l -> { }).start();
        final CompletableFuture<byte[]> read = own.submit(TestHandlers.READ_INPUT, new byte[0]);
        try
        {
            assertEquals(-1L, Codecs.LONG.decode(read.get(30, TimeUnit.SECONDS)), "end of input");
        }
        finally
        {
            if (!read.isDone())
            {
                own.shutdownNow();
            }
        }
    }

    @Test
    void shouldForwardLogLinesWithTheWorkerId()
    {
        shared.submit(TestHandlers.LOG, new byte[]{ 1 }).join();
        ChildJvms.awaitCondition("log lines", Duration.ofSeconds(30), () ->
            LOGS.stream().anyMatch(l -> l.matches("\\[worker-\\d job \\d+] hello from job \\d+")) &&
            LOGS.stream().anyMatch(l -> l.matches("\\[worker-\\d] stdout line of job \\d+")));
    }

    @Test
    void shouldLoseNothingWhenAWorkerIsKilledMidRun()
    {
        own = ProcessPool.builder(TestHandlers.class).workers(2).logSink(l -> { }).start();
        final List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (long i = 0; i < 400; i++)
        {
            futures.add(own.submit(TestHandlers.SPIN, 2_000L + i));
        }
        ChildJvms.awaitCondition("some results", Duration.ofSeconds(60), () -> own.stats().completed() >= 50);
        own.killWorker(0);
        for (int i = 0; i < futures.size(); i++)
        {
            assertEquals(2_000L + i, futures.get(i).join());
        }
        final PoolStats stats = own.stats();
        assertEquals(400, stats.completed());
        assertEquals(0, stats.failed());
        ChildJvms.awaitCondition("worker restarted", Duration.ofSeconds(30), () -> own.stats().workerRestarts() >= 1);
    }

    @Test
    void shouldRedeliverAJobWhoseWorkerDied()
    {
        own = ProcessPool.builder(TestHandlers.class).workers(1).logSink(l -> { }).start();
        final long attempt = own.submit(TestHandlers.HALT_FIRST_ATTEMPT, new byte[0])
            .thenApply(Codecs.LONG::decode).join();
        assertEquals(2, attempt, "the job ran again after its worker died");
        assertTrue(own.stats().redelivered() >= 1);
        assertEquals(1, own.stats().workerRestarts());
    }

    /**
     * A log sink that throws ended the supervisor thread at its first line: the dead worker was never replaced,
     * its job and every later one waited for ever, and close() threw the sink's exception (a library review).
     */
    @Test
    void shouldGoOnSupervisingWhenTheLogSinkThrows()
    {
        final java.util.concurrent.atomic.AtomicInteger lines = new java.util.concurrent.atomic.AtomicInteger();
        own = ProcessPool.builder(TestHandlers.class).workers(1).logSink(l ->
        {
            lines.incrementAndGet();
            throw new IllegalStateException("sink boom");
        }).start();
        final long attempt = own.submit(TestHandlers.HALT_FIRST_ATTEMPT, new byte[0])
            .thenApply(Codecs.LONG::decode).orTimeout(60, TimeUnit.SECONDS).join();
        assertEquals(2, attempt, "the job ran again on a replacement worker");
        assertEquals(1, own.stats().workerRestarts());
        assertTrue(lines.get() > 0, "the sink was called");
        own.close(); // throws nothing
        own = null;
    }

    /**
     * A handler calling System.exit(0) mid-job: its worker's exit code was the one of a planned recycle, so the
     * pool counted a recycle, logged no death and no restart (the job was still delivered again).
     */
    @Test
    void shouldCountAWorkerEndedBySystemExitZeroInAJobAsADeath()
    {
        final List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        own = ProcessPool.builder(TestHandlers.class).workers(1).logSink(logged::add).start();
        final long attempt = own.submit(TestHandlers.EXIT_ZERO_FIRST_ATTEMPT, new byte[0])
            .thenApply(Codecs.LONG::decode).orTimeout(60, TimeUnit.SECONDS).join();
        assertEquals(2, attempt, "the job ran again after its worker ended");
        assertEquals(1, own.stats().workerRestarts());
        assertEquals(0, own.stats().recycles());
        assertTrue(logged.stream().anyMatch(l -> l.contains("died with code 0")), logged.toString());
    }

    @Test
    void shouldFailAPoisonJobAloneAfterMaxAttempts()
    {
        own = ProcessPool.builder(TestHandlers.class).workers(2).maxAttempts(2).logSink(l -> { }).start();
        final CompletableFuture<byte[]> poison = own.submit(TestHandlers.HALT, new byte[0]);
        final List<CompletableFuture<Long>> good = new ArrayList<>();
        for (long i = 0; i < 200; i++)
        {
            good.add(own.submit(TestHandlers.SQUARE, i));
        }
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> poison.get(90, TimeUnit.SECONDS));
        assertInstanceOf(JobFailedException.class, ex.getCause());
        assertTrue(ex.getCause().getMessage().contains("died on each of 2 attempts"), ex.getCause().getMessage());
        for (int i = 0; i < good.size(); i++)
        {
            assertEquals((long)i * i, good.get(i).join());
        }
        assertTrue(own.stats().workerRestarts() >= 2);
    }

    @Test
    void shouldFailOnlyTheJobThatKillsItsWorkerInAMapChunk()
    {
        // A chunk is one frame: its redeliveries run the jobs one at a time, forwards then backwards, so that the
        // 63 good jobs of the poison job's chunk complete and only the poison one fails (all 64 failed before).
        own = ProcessPool.builder(TestHandlers.class).workers(2).logSink(l -> { }).start();
        final List<Long> arguments = java.util.stream.LongStream.range(0, 100).boxed().toList();
        final JobFailedException ex = assertThrows(JobFailedException.class,
            () -> own.map(TestHandlers.HALT_ON_ONE, arguments, 64));
        assertTrue(ex.getMessage().startsWith("job 1 (handler 'haltOnOne') failed: its worker died on each of 3 " +
            "attempts"), ex.getMessage());
        own.join();
        assertEquals(1, own.stats().failed(), own.stats().toString());
        assertEquals(99, own.stats().completed(), own.stats().toString());
        final List<Long> good = new ArrayList<>(arguments);
        good.remove(1);
        assertEquals(good.stream().map(x -> x * x).toList(),
            own.map(TestHandlers.SQUARE, good, 64), "the pool works on after the poison job");
    }

    @Test
    void shouldDeliverEveryResultOnClose()
    {
        own = ProcessPool.builder(TestHandlers.class).workers(2).logSink(l -> { }).start();
        final List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (long i = 0; i < 2000; i++)
        {
            futures.add(own.submit(TestHandlers.SQUARE, i));
        }
        final List<Long> pids = own.workerPids();
        own.close();
        for (int i = 0; i < futures.size(); i++)
        {
            assertTrue(futures.get(i).isDone());
            assertEquals((long)i * i, futures.get(i).join());
        }
        assertFalse(java.nio.file.Files.exists(own.regionPath()), "region removed");
        for (final long pid : pids)
        {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
        assertThrows(java.util.concurrent.RejectedExecutionException.class,
            () -> own.submit(TestHandlers.ECHO, new byte[0]));
    }

    @Test
    void shouldRefuseAWaitFromACallbackOnTheCompletionThreadInsteadOfWaitingForItself() throws Exception
    {
        own = ProcessPool.builder(TestHandlers.class).workers(1).logSink(l -> { }).start();
        final CompletableFuture<List<String>> refused = new CompletableFuture<>();
        // A job of 300 ms: the callback is attached long before it completes, so it runs on the completion thread
        // (one attached to a future already complete would run on this thread).
        final CompletableFuture<byte[]> slow = own.submit(TestHandlers.MIX, TestHandlers.mixArgument(3, 300_000));
        slow.thenAccept(result ->
        {
            final List<String> messages = new ArrayList<>();
            for (final Runnable wait : List.<Runnable>of(own::close, own::join,
                () -> own.awaitTermination(Duration.ofSeconds(1))))
            {
                try
                {
                    wait.run();
                    messages.add("returned");
                }
                catch (final IllegalStateException ex)
                {
                    messages.add(ex.getMessage());
                }
            }
            refused.complete(messages);
        });
        final List<String> messages = refused.get(30, TimeUnit.SECONDS);
        assertFalse(slow.isCompletedExceptionally());
        assertEquals(3, messages.size());
        for (final String m : messages)
        {
            assertTrue(m.contains("completion thread would wait for itself"), m);
        }
        assertEquals(16L, own.submit(TestHandlers.SQUARE, 4L).get(30, TimeUnit.SECONDS), "the pool runs on");
        own.close(); // from this thread, as usual
        assertTrue(own.isTerminated());
    }

    @Test
    void shouldDeliverEveryResultWhenClosedByAnInterruptedThread()
    {
        final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        own = ProcessPool.builder(TestHandlers.class).workers(2).logSink(log::add).start();
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int i = 0; i < 400; i++)
        {
            futures.add(own.submit(TestHandlers.MIX, TestHandlers.mixArgument(i, 500)));
        }
        Thread.currentThread().interrupt(); // as a thread asked to stop, closing its pool on the way out
        own.close();
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        for (int i = 0; i < futures.size(); i++)
        {
            assertEquals(TestHandlers.mix(i), java.nio.ByteBuffer.wrap(futures.get(i).join()).getLong(0), "job " + i);
        }
        assertTrue(log.stream().noneMatch(l -> l.contains("killed") || l.contains("still in a callback")),
            String.join("\n", log));
        assertTrue(own.isTerminated());
    }

    @Test
    void shouldStopASubmitWaitingForRoomWhenItsThreadIsInterrupted() throws Exception
    {
        // A ring of 2 slots and one worker busy for 2 s a job: the third submit waits for room.
        own = ProcessPool.builder(TestHandlers.class).workers(1).ringCapacity(2).logSink(l -> { }).start();
        final CompletableFuture<Throwable> refused = new CompletableFuture<>();
        final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        final Thread submitter = new Thread(() ->
        {
            try
            {
                for (int i = 0; i < 100; i++)
                {
                    own.submit(TestHandlers.MIX, TestHandlers.mixArgument(i, 2_000_000));
                    accepted.incrementAndGet();
                }
                refused.complete(null);
            }
            catch (final RuntimeException ex)
            {
                refused.complete(Thread.currentThread().isInterrupted() ? ex : new AssertionError("flag lost", ex));
            }
        });
        submitter.start();
        ChildJvms.awaitCondition("the submitter waiting for room", Duration.ofSeconds(30),
            () -> submitter.getState() == Thread.State.TIMED_WAITING || submitter.getState() == Thread.State.WAITING);
        submitter.interrupt();
        final Throwable ex = refused.get(10, TimeUnit.SECONDS); // kept waiting for all 100 before: 2 s a job
        assertInstanceOf(java.util.concurrent.RejectedExecutionException.class, ex);
        assertTrue(ex.getMessage().contains("interrupted while waiting for room"), ex.getMessage());
        assertEquals(accepted.get(), own.stats().submitted(), "the refused job is not counted as submitted");
        own.shutdownNow();
    }

    /**
     * shutdownNow while other threads' submits wait for room: their handles are closed before the region is
     * unmapped, and each submit is refused. It read the unmapped region instead ("region closed", an
     * IllegalStateException; or, had the unmap fallen inside its claim, the whole JVM gone).
     */
    @Test
    void shouldRefuseSubmitsWaitingForRoomWhenThePoolIsShutDown() throws Exception
    {
        own = ProcessPool.builder(TestHandlers.class).workers(1).ringCapacity(2).logSink(l -> { }).start();
        final List<CompletableFuture<Throwable>> refusals = new ArrayList<>();
        final List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < 3; t++)
        {
            final CompletableFuture<Throwable> refused = new CompletableFuture<>();
            refusals.add(refused);
            submitters.add(new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < 100; i++)
                    {
                        own.submit(TestHandlers.MIX, TestHandlers.mixArgument(i, 500_000));
                    }
                    refused.complete(null);
                }
                catch (final Throwable ex)
                {
                    refused.complete(ex);
                }
            }));
        }
        submitters.forEach(Thread::start);
        ChildJvms.awaitCondition("every submitter waiting for room", Duration.ofSeconds(30),
            () -> submitters.stream().allMatch(s -> s.getState() == Thread.State.TIMED_WAITING));
        own.shutdownNow();
        for (final CompletableFuture<Throwable> refused : refusals)
        {
            final Throwable ex = refused.get(10, TimeUnit.SECONDS);
            assertInstanceOf(java.util.concurrent.RejectedExecutionException.class, ex);
            // Waiting when the pool stopped, or (a slot freed in between) refused at the next submit's intake.
            assertTrue(ex.getMessage().startsWith("pool shut down while this submit waited for room") ||
                ex.getMessage().startsWith("pool is closing") || ex.getMessage().startsWith("pool is closed"),
                ex.getMessage());
        }
    }

    @Test
    void shouldFailEveryPendingJobWhenTheResultThreadDiesInsteadOfWaitingForEver() throws Exception
    {
        final java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        own = ProcessPool.builder(TestHandlers.class).workers(1).logSink(l -> { })
            .resultHook((jobId, job, status, attempt, workerId, body) ->
            {
                if (seen.incrementAndGet() == 10)
                {
                    throw new AssertionError("an Error in the result thread"); // as a journal library's under -ea
                }
            }).start();
        final List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            futures.add(own.submit(TestHandlers.MIX, TestHandlers.mixArgument(i, 1_000)));
        }
        assertTrue(own.join(Duration.ofSeconds(30)), "join returns: no job is left waiting");
        int failed = 0;
        for (int i = 0; i < futures.size(); i++)
        {
            final CompletableFuture<byte[]> f = futures.get(i);
            assertTrue(f.isDone(), "job " + i);
            if (f.isCompletedExceptionally())
            {
                failed++;
                final ExecutionException ex = assertThrows(ExecutionException.class, f::get);
                assertTrue(ex.getCause().getMessage().contains("result thread stopped on an error"), ex.toString());
            }
            else
            {
                assertEquals(TestHandlers.mix(i), java.nio.ByteBuffer.wrap(f.get()).getLong(0), "job " + i);
            }
        }
        assertTrue(failed > 0 && failed <= 190, "failed " + failed + ": the results read before the error count");
        own.close();
        assertTrue(own.isTerminated());
    }

    @Test
    void shouldGiveItsCountersAfterClose()
    {
        own = ProcessPool.builder(TestHandlers.class).workers(1).logSink(l -> { }).start();
        assertEquals(List.of(1L, 4L, 9L), own.map(TestHandlers.SQUARE, List.of(1L, 2L, 3L), 1));
        own.close();
        final PoolStats stats = own.stats(); // threw "region closed": a Python user prints them after the with block
        assertEquals(3, stats.submitted());
        assertEquals(3, stats.completed());
        assertEquals(0, stats.redelivered());
    }

    @Test
    void shouldShutDownAndAwaitTerminationLikeAnExecutorService()
    {
        own = ProcessPool.builder(TestHandlers.class).workers(2).logSink(l -> { }).start();
        final List<Long> arguments = range(500);
        final List<CompletableFuture<Long>> futures = own.submitAll(TestHandlers.SQUARE, arguments, 16);
        assertEquals(arguments.size(), futures.size());
        assertFalse(own.isShutdown());
        own.shutdown();
        assertTrue(own.isShutdown());
        assertThrows(java.util.concurrent.RejectedExecutionException.class,
            () -> own.submit(TestHandlers.SQUARE, 1L), "no intake after shutdown");
        assertFalse(own.isTerminated(), "shutdown does not wait");
        final List<Long> pids = own.workerPids();
        assertTrue(own.awaitTermination(Duration.ofSeconds(60)));
        assertTrue(own.isTerminated());
        for (int i = 0; i < futures.size(); i++)
        {
            assertEquals(arguments.get(i) * arguments.get(i), futures.get(i).join(), "job " + i);
        }
        for (final long pid : pids)
        {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " reaped");
        }
    }

    @Test
    void shouldKillAWorkerStuckInAJobOnceTheShutdownGraceIsOver() throws Exception
    {
        final List<String> logs = new java.util.concurrent.CopyOnWriteArrayList<>();
        own = ProcessPool.builder(TestHandlers.class).workers(1).shutdownGrace(Duration.ofSeconds(1))
            .logSink(logs::add).start();
        final long pid = own.workerPids().get(0);
        final CompletableFuture<Long> stuck = own.submit(TestHandlers.PARK, 600_000L); // ten minutes
        try (dev.shoal.core.Region region = dev.shoal.core.Region.open(own.regionPath().toString()))
        {
            final dev.shoal.core.JobRing ring = dev.shoal.core.JobRing.open(region, PoolLayout.JOBS);
            ChildJvms.awaitCondition("the job leased", Duration.ofSeconds(30),
                () -> ring.stats().leases().size() == 1);
        }
        final long start = System.nanoTime();
        own.shutdownNow();
        final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(seconds < 20, "returned after the grace, not the job: " + seconds + " s");
        assertTrue(stuck.isDone());
        final Throwable cancelled = assertThrows(RuntimeException.class, stuck::join);
        assertTrue(cancelled instanceof CancellationException || cancelled.getCause() instanceof CancellationException,
            "" + cancelled);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " killed");
        assertTrue(logs.stream().anyMatch(l -> l.contains("still in a job") && l.contains("pid " + pid)), "" + logs);
        assertTrue(logs.stream().anyMatch(l -> l.contains("did not finish its job within the shutdownGrace")),
            "" + logs);
    }

    @Test
    void shouldRejectANegativeShutdownGrace()
    {
        assertThrows(IllegalArgumentException.class,
            () -> ProcessPool.builder(TestHandlers.class).shutdownGrace(Duration.ofSeconds(-1)));
    }

    @Test
    void shouldCancelWhatHasNotStartedOnShutdownNow()
    {
        own = ProcessPool.builder(TestHandlers.class).workers(1).logSink(l -> { }).start();
        final List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (long i = 0; i < 50; i++)
        {
            futures.add(own.submit(TestHandlers.PARK, 100L)); // 5 s of work on one worker: most cannot have started
        }
        final int cancelled = own.shutdownNow();
        assertTrue(cancelled > 0, "some jobs had not started");
        int done = 0;
        int cancelledSeen = 0;
        for (final CompletableFuture<Long> f : futures)
        {
            assertTrue(f.isDone());
            if (f.isCompletedExceptionally())
            {
                cancelledSeen++;
                // Cancelled as a future is, typed ones too: a decoding stage made them CompletionExceptions
                // wrapping the cancellation, not isCancelled(), and get() threw ExecutionException.
                assertTrue(f.isCancelled(), f.toString());
                assertThrows(CancellationException.class, f::join);
                assertThrows(CancellationException.class, () -> f.get(1, TimeUnit.SECONDS));
            }
            else
            {
                assertEquals(100L, f.join());
                done++;
            }
        }
        assertEquals(50, done + cancelledSeen);
    }

    @Test
    void shouldFailStartWithTheWorkersOutputWhenItCannotStart()
    {
        final PoolStartException ex = assertThrows(PoolStartException.class, () ->
            ProcessPool.builder(TestHandlers.class).workers(2).classPath("/nonexistent.jar").logSink(l -> { })
                .start());
        assertTrue(ex.getMessage().contains("WorkerMain"), ex.getMessage());
        ChildJvms.awaitCondition("no worker left", Duration.ofSeconds(30),
            () -> ProcessHandle.current().children().noneMatch(p -> p.isAlive() &&
                p.info().commandLine().orElse("").contains("/nonexistent.jar")));
    }

    @Test
    void shouldRecycleWorkersAfterTheirQuota()
    {
        own = ProcessPool.builder(TestHandlers.class).workers(1).maxJobsPerWorker(10).logSink(l -> { }).start();
        final Set<Long> pids = new HashSet<>();
        for (int i = 0; i < 30; i++)
        {
            pids.add(own.submit(TestHandlers.PID, new byte[0]).thenApply(Codecs.LONG::decode).join());
        }
        assertTrue(pids.size() >= 3, "a fresh worker every 10 jobs: " + pids);
        assertTrue(own.stats().recycles() >= 2);
        assertEquals(0, own.stats().workerRestarts());
    }

    @Test
    void shouldJoinUntilAllDone()
    {
        final List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (long i = 0; i < 100; i++)
        {
            futures.add(shared.submit(TestHandlers.PARK, 1L));
        }
        assertTrue(shared.join(Duration.ofSeconds(60)));
        assertTrue(futures.stream().allMatch(CompletableFuture::isDone));
    }
}
