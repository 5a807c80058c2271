package dev.shoal.pool;

import java.util.List;

import org.agrona.concurrent.BackoffIdleStrategy;

import dev.shoal.core.JobConsumer;

/**
 * Compile commands every pool worker JVM starts with, ahead of the pool's own JVM options: they keep a fresh
 * worker from compiling its whole job path again each time a rarely taken branch is first taken.
 *
 * <p><b>Why.</b> A worker's hot loop ({@code WorkerMain.consume}, then {@link JobConsumer#take}) inlined everything
 * a job goes through: the take, the delivery, the handler, the result writer. A branch its first compilation had
 * never seen taken (the first wait on an empty ring in the idle strategy, the result ring's first lap past its cached
 * head, a head slot found taken by the other worker) made that code not entrant, and C2 compiled the whole path
 * again, 0.05-0.3 s of compiler time each on a 2-core machine whose other core runs the other worker: C2 took
 * 0.54-1.5 s (about 1 s in most runs) per worker over the pool demo's 200,000 jobs twice (docs/benchmarks.md,
 * session 21). With the delivery, the result ring's flush and the idle strategy's wait compiled as methods of their
 * own, such a branch recompiles only its own small method: 0.56-0.85 s (about 0.6 s). Each costs a call where they
 * were inlined: per job, per batch of results, per wait.
 */
final class WorkerCompileCommands
{
    /** The JVM options, {@code quiet} first so that the JVM prints none of them to the worker's log. */
    static final List<String> OPTIONS = List.of(
        "-XX:CompileCommand=quiet",
        dontInline(JobConsumer.class, "deliver"),
        dontInline(ResultWriter.class, "flush"),
        dontInline(BackoffIdleStrategy.class, "idle"));

    private WorkerCompileCommands()
    {
    }

    private static String dontInline(final Class<?> type, final String method)
    {
        return "-XX:CompileCommand=dontinline," + type.getName() + "::" + method;
    }
}
