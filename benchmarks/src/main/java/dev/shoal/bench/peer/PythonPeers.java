package dev.shoal.bench.peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.shoal.bench.model.ResultLines;
import dev.shoal.cli.Json;

/**
 * The Python {@code multiprocessing} peers: runs {@code benchmarks/peers/python/run_all.py [--quick]
 * [--scaling] [--chunks-file FILE] [--repeat N] [--workloads W,...]} when {@code python3} exists and forwards its
 * JSON lines (only the scripts of the selected workloads, unless the scaling tables are wanted too; workload
 * names already match, impl is {@code python}); adds {@code "pinned": false}. A full run repeats every Python
 * script {@value #FULL_REPEAT} times and keeps each case's median run (with the spread), so one lucky or unlucky
 * run does not decide a ratio; a quick run runs each once. Without python3 or the scripts, each selected workload
 * gets a skip line. The script's stderr goes to this process's stderr.
 */
public final class PythonPeers
{
    private static final String SCRIPT = "python/run_all.py";
    /** Runs of every Python script in a full run (the median run is kept). */
    static final int FULL_REPEAT = 3;

    private PythonPeers()
    {
    }

    /**
     * @param quick      pass {@code --quick}.
     * @param scaling    pass {@code --scaling}.
     * @param chunksFile the input of the chunk runs, for the Python chunk pattern to read too; null: the script
     *                   generates its own.
     * @param workloads  selected workloads (for skip lines).
     * @param sink       receives each line.
     */
    public static void run(
        final boolean quick,
        final boolean scaling,
        final Path chunksFile,
        final Set<String> workloads,
        final Consumer<Map<String, Object>> sink)
    {
        final String python = findPython();
        final Path script = PeerFiles.find(SCRIPT);
        final String reason = python == null ? "python3 not found on PATH" :
            script == null ? "benchmarks/peers/" + SCRIPT + " not found (set -Dshoal.bench.peers=DIR)" : null;
        final Set<String> seen = new HashSet<>();
        final int[] heapLines = new int[1];
        String failure = reason;
        if (reason == null)
        {
            failure = runScript(python, script, quick, scaling, chunksFile, workloads, line ->
            {
                final String workload = String.valueOf(line.get("workload"));
                seen.add(workload);
                // run_all.py --scaling prints the scaling lines after the main ones: tag them for the tables
                if (workload.startsWith("handoff-1pNc"))
                {
                    line.putIfAbsent("scaling", "consumers");
                }
                else if ("heap-2w".equals(workload) && heapLines[0]++ > 0 && scaling)
                {
                    line.putIfAbsent("scaling", "records");
                }
                line.putIfAbsent("pinned", false);
                line.putIfAbsent("quick", quick);
                sink.accept(line);
            });
        }
        for (final String workload : workloads)
        {
            if (!seen.contains(workload))
            {
                sink.accept(ResultLines.skipped(workload, "python", failure != null ? failure :
                    "run_all.py printed no line for this workload"));
            }
        }
    }

    private static String runScript(
        final String python, final Path script, final boolean quick, final boolean scaling, final Path chunksFile,
        final Set<String> workloads, final Consumer<Map<String, Object>> sink)
    {
        final List<String> command = new ArrayList<>(List.of(python, script.toString()));
        if (quick)
        {
            command.add("--quick");
        }
        if (scaling)
        {
            command.add("--scaling");
        }
        if (!quick)
        {
            command.add("--repeat");
            command.add(Integer.toString(FULL_REPEAT));
        }
        if (!scaling)
        {
            // Only the scripts of the selected workloads: `--only chunks` no longer waits for every other script
            // three times (minutes on a host where Python is slow). The scaling tables take lines of scripts that
            // --only may not name, so with --scaling every script runs as before.
            command.add("--workloads");
            command.add(String.join(",", workloads));
        }
        if (chunksFile != null)
        {
            command.add("--chunks-file");
            command.add(chunksFile.toString());
        }
        Process process = null;
        try
        {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String text;
                while ((text = reader.readLine()) != null)
                {
                    if (!text.isBlank())
                    {
                        sink.accept(Json.parseObject(text.trim()));
                    }
                }
            }
            if (!process.waitFor(30, TimeUnit.SECONDS))
            {
                return "run_all.py did not exit";
            }
            return process.exitValue() == 0 ? null : "run_all.py exited with " + process.exitValue();
        }
        catch (final IOException | RuntimeException ex)
        {
            return "run_all.py failed: " + ex.getMessage();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        finally
        {
            if (process != null && process.isAlive())
            {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    private static String findPython()
    {
        final String path = System.getenv("PATH");
        if (path == null)
        {
            return null;
        }
        for (final String dir : path.split(java.io.File.pathSeparator))
        {
            final Path candidate = Path.of(dir, "python3");
            if (Files.isExecutable(candidate))
            {
                return candidate.toString();
            }
        }
        return null;
    }
}
