package dev.shoal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.shoal.process.JavaProcess;

/**
 * Child JVMs for cross-process tests: started with the test class path, output to files, and all of them
 * killed and reaped by {@link #close()} (call it from {@code @AfterEach}). Waits are deadline-based.
 */
public final class ChildJvms implements AutoCloseable
{
    private final Path outputDir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();

    /**
     * @param outputDir folder for the children's output files.
     */
    public ChildJvms(final Path outputDir)
    {
        this.outputDir = outputDir;
    }

    /**
     * @param mainClass class with a main method on the test class path.
     * @param args      its arguments.
     * @return the started child.
     */
    public Process start(final Class<?> mainClass, final String... args)
    {
        return start(mainClass, List.of(), args);
    }

    /**
     * @param mainClass  class with a main method on the test class path.
     * @param jvmOptions extra JVM options (e.g. test hooks as system properties).
     * @param args       its arguments.
     * @return the started child.
     */
    public synchronized Process start(final Class<?> mainClass, final List<String> jvmOptions, final String... args)
    {
        final Path out = outputDir.resolve(mainClass.getSimpleName() + "-" + processes.size() + ".log");
        final Process p = JavaProcess.of(mainClass).jvmOption("-Xmx128m").jvmOption("-XX:+UseSerialGC")
            .jvmOptions(jvmOptions).args(args).output(out, out).start();
        processes.add(p);
        outputs.add(out);
        return p;
    }

    /**
     * @param process a child started here.
     * @return its output so far.
     */
    public synchronized String output(final Process process)
    {
        final int i = processes.indexOf(process);
        try
        {
            return i < 0 ? "" : Files.readString(outputs.get(i), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "<no output: " + ex + ">";
        }
    }

    /**
     * Waits for a child to exit and returns its exit code.
     *
     * @param process a child.
     * @param timeout hard limit.
     * @return the exit code.
     * @throws AssertionError with the child's output when it does not exit in time.
     */
    public int await(final Process process, final Duration timeout)
    {
        try
        {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new AssertionError("child pid=" + process.pid() + " still running after " + timeout +
                    "; output:\n" + output(process));
            }
            return process.exitValue();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /**
     * Waits for a child to exit with code 0.
     *
     * @param process a child.
     * @param timeout hard limit.
     */
    public void awaitSuccess(final Process process, final Duration timeout)
    {
        final int code = await(process, timeout);
        if (code != 0)
        {
            throw new AssertionError("child pid=" + process.pid() + " exited " + code + "; output:\n" +
                output(process));
        }
    }

    /**
     * SIGKILLs a child and reaps it (so that it is not left a zombie that still looks alive).
     *
     * @param process a child.
     */
    public void kill(final Process process)
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Polls a condition until it holds or the deadline passes.
     *
     * @param what      description for the failure message.
     * @param timeout   hard limit.
     * @param condition the condition.
     */
    public static void awaitCondition(final String what, final Duration timeout, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            try
            {
                Thread.sleep(1); // polling interval of a deadline-based wait, not a synchronisation
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", ex);
            }
        }
    }

    /**
     * Kills and reaps every child still running.
     */
    @Override
    public synchronized void close()
    {
        for (final Process p : processes)
        {
            if (p.isAlive())
            {
                kill(p);
            }
        }
        processes.clear();
        outputs.clear();
    }

    /**
     * @param dir a folder to create files in.
     * @return a unique region path in it.
     */
    public static Path regionPath(final Path dir)
    {
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return dir.resolve("region-" + System.nanoTime());
    }
}
