package dev.shoal.process;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a Java main class in a new JVM: the same {@code java} binary and class path as this process, the
 * flags of {@link JvmFlags}, and whatever options and arguments the caller adds.
 */
public final class JavaProcess
{
    private final String mainClass;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private String classPath = System.getProperty("java.class.path");
    private Path stdout;
    private Path stderr;
    private boolean inheritIo;
    private final Map<String, String> env = new java.util.HashMap<>();

    private JavaProcess(final String mainClass)
    {
        this.mainClass = mainClass;
    }

    /**
     * Kills a child (SIGKILL) and waits for it to be gone: a kill takes effect a moment later, and whatever comes
     * next (a replacement, a check of its exit) must not meet it still running. The wait goes on through an
     * interrupt (a SIGKILLed child is gone within milliseconds, and the wait is bounded), which is kept for the
     * caller: until session 34 an interrupted caller returned at once, and a session's next run could send its
     * command to the dying worker.
     *
     * @param process the child.
     * @param seconds longest wait.
     * @return whether it is gone.
     */
    public static boolean kill(final Process process, final long seconds)
    {
        process.destroyForcibly();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        boolean interrupted = Thread.interrupted();
        try
        {
            while (true)
            {
                try
                {
                    return process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
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

    /**
     * @param mainClass class with a {@code main} method.
     * @return a launcher for it.
     */
    public static JavaProcess of(final Class<?> mainClass)
    {
        return new JavaProcess(mainClass.getName());
    }

    /**
     * @param mainClass fully qualified class name.
     * @return a launcher for it.
     */
    public static JavaProcess of(final String mainClass)
    {
        return new JavaProcess(mainClass);
    }

    /**
     * @return the {@code java} binary running this JVM.
     */
    public static String javaBinary()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * @param options JVM options such as {@code -Xmx64m} or {@code -Dkey=value}.
     * @return this.
     */
    public JavaProcess jvmOptions(final List<String> options)
    {
        jvmOptions.addAll(options);
        return this;
    }

    /**
     * @param option one JVM option.
     * @return this.
     */
    public JavaProcess jvmOption(final String option)
    {
        jvmOptions.add(option);
        return this;
    }

    /**
     * @param arguments program arguments.
     * @return this.
     */
    public JavaProcess args(final String... arguments)
    {
        args.addAll(List.of(arguments));
        return this;
    }

    /**
     * @param arguments program arguments.
     * @return this.
     */
    public JavaProcess args(final List<String> arguments)
    {
        args.addAll(arguments);
        return this;
    }

    /**
     * @param path class path for the child; defaults to this JVM's.
     * @return this.
     */
    public JavaProcess classPath(final String path)
    {
        this.classPath = path;
        return this;
    }

    /**
     * @param out file for standard output.
     * @param err file for standard error (may be the same file).
     * @return this, with the child's standard input empty (closed as it starts).
     */
    public JavaProcess output(final Path out, final Path err)
    {
        this.stdout = out;
        this.stderr = err;
        return this;
    }

    /**
     * @param err file for standard error; standard input and output stay pipes to this process (see
     *            {@link Process#getOutputStream()} and {@link Process#getInputStream()}).
     * @return this.
     */
    public JavaProcess errorTo(final Path err)
    {
        this.stdout = null;
        this.stderr = err;
        return this;
    }

    /**
     * @return this, with the child's output going to this process's.
     */
    public JavaProcess inheritIo()
    {
        this.inheritIo = true;
        return this;
    }

    /**
     * @param key   environment variable.
     * @param value its value.
     * @return this.
     */
    public JavaProcess env(final String key, final String value)
    {
        env.put(key, value);
        return this;
    }

    /**
     * @return the full command line.
     */
    public List<String> command()
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(JvmFlags.required());
        cmd.add("-D" + ParentWatch.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * @return the started process.
     * @throws UncheckedIOException when the JVM cannot be started.
     */
    public Process start()
    {
        final ProcessBuilder builder = new ProcessBuilder(command());
        builder.environment().putAll(env);
        if (inheritIo)
        {
            builder.inheritIO();
        }
        else if (stdout != null)
        {
            final File out = stdout.toFile();
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(out));
            if (stderr == null || stderr.equals(stdout))
            {
                builder.redirectErrorStream(true);
            }
            else
            {
                builder.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
            }
        }
        else if (stderr != null)
        {
            builder.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        }
        try
        {
            final Process process = builder.start();
            if (stdout != null && !inheritIo)
            {
                // A child whose output goes to files has nothing to read: its input ends at once, so a job that reads
                // System.in (or file descriptor 0) gets end of input instead of waiting forever on a pipe that this
                // process holds open and never writes.
                closeInput(process);
            }
            return process;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + mainClass + ": " + ex.getMessage(), ex);
        }
    }

    private static void closeInput(final Process process)
    {
        try
        {
            process.getOutputStream().close();
        }
        catch (final IOException ex)
        {
            // Started all the same: only a read of its input would wait (for this process to end).
        }
    }
}
