package dev.shoal.bench.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.shoal.process.JavaProcess;

/**
 * The child JVMs of one benchmark case. Each is a {@link ChildMain} started through {@link JavaProcess} (same
 * java binary and class path, Shoal's JVM flags), optionally pinned to one CPU with {@code taskset}, with its
 * output in a log file of the case directory. {@link #close()} kills and reaps every one; a JVM shutdown hook
 * does the same for any group still open when the harness exits or is interrupted.
 */
public final class ChildProcesses implements AutoCloseable
{
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::killAll, "bench-reaper"));
    }

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    /**
     * @param dir the case directory (logs go there).
     */
    public ChildProcesses(final Path dir)
    {
        this.dir = dir;
    }

    /**
     * Starts a child.
     *
     * @param task       the {@link ChildTask} class it runs.
     * @param args       its arguments (must include {@code slot}).
     * @param cpu        CPU to pin it to, or -1 for none.
     * @param jvmOptions extra JVM options (heap size and the like).
     * @return the process.
     */
    public Process start(
        final Class<? extends ChildTask> task, final ChildArgs args, final int cpu, final List<String> jvmOptions)
    {
        final List<String> taskArgs = new ArrayList<>();
        taskArgs.add(task.getName());
        taskArgs.addAll(args.toArgs());
        final List<String> command = new ArrayList<>();
        if (cpu >= 0)
        {
            command.addAll(List.of(Pinning.TASKSET, "-c", Integer.toString(cpu)));
        }
        command.addAll(JavaProcess.of(ChildMain.class).jvmOptions(jvmOptions).args(taskArgs).command());
        final Path log = dir.resolve("child-" + args.get("slot") + ".log");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try
        {
            final Process process = builder.start();
            LIVE.add(process);
            processes.add(process);
            logs.add(log);
            return process;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start child " + task.getSimpleName() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the children started so far, in slot order.
     */
    public List<Process> processes()
    {
        return processes;
    }

    /**
     * @param index child index.
     * @return the last lines of its log, for error messages.
     */
    public String logTail(final int index)
    {
        try
        {
            final List<String> lines = Files.readAllLines(logs.get(index));
            for (final String line : lines)
            {
                if (line.contains("failed: ") || line.contains("Exception") || line.contains("Error"))
                {
                    return line.trim();
                }
            }
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        }
        catch (final IOException | RuntimeException ex)
        {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    /**
     * Waits a short while for children to exit by themselves, then kills and reaps the rest.
     */
    @Override
    public void close()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (final Process process : processes)
        {
            try
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS))
                {
                    kill(process);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                kill(process);
            }
            LIVE.remove(process);
        }
    }

    private static void kill(final Process process)
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try
        {
            process.waitFor(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void killAll()
    {
        for (final Process process : LIVE)
        {
            kill(process);
        }
        LIVE.clear();
    }
}
