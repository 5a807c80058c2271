package dev.shoal.pool;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import dev.shoal.process.JavaProcess;

/**
 * One worker JVM as the pool sees it: the process, its output file (which the pool tails, so a worker never
 * blocks on a full pipe), and whether it reported ready.
 */
final class WorkerProcess
{
    private final int id;
    private final Process process;
    private final Path log;
    private final StringBuilder partial = new StringBuilder();
    private long logOffset;
    private volatile boolean ready;

    WorkerProcess(final int id, final Process process, final Path log)
    {
        this.id = id;
        this.process = process;
        this.log = log;
        try
        {
            this.logOffset = Files.exists(log) ? Files.size(log) : 0;
        }
        catch (final IOException ex)
        {
            this.logOffset = 0;
        }
    }

    int id()
    {
        return id;
    }

    Process process()
    {
        return process;
    }

    boolean isReady()
    {
        return ready;
    }

    void markReady()
    {
        ready = true;
    }

    /**
     * Forwards the complete lines the worker wrote since the last call, each prefixed with its id.
     */
    void forwardLog(final Consumer<String> sink, final LogHook hook)
    {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r"))
        {
            final long length = file.length();
            if (length <= logOffset)
            {
                return;
            }
            final byte[] bytes = new byte[(int)Math.min(length - logOffset, 1 << 20)];
            file.seek(logOffset);
            file.readFully(bytes);
            logOffset += bytes.length;
            partial.append(new String(bytes, StandardCharsets.UTF_8));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0)
            {
                final String line = partial.substring(0, nl);
                sink.accept("[worker-" + id + "] " + line);
                if (hook != null)
                {
                    hook.onLog(id, -1, line);
                }
                partial.delete(0, nl + 1);
            }
        }
        catch (final IOException ex)
        {
            // the file may not exist yet: nothing to forward
        }
    }

    /**
     * @return everything the worker wrote (for start failures).
     */
    String output()
    {
        try
        {
            return Files.readString(log, StandardCharsets.UTF_8).strip();
        }
        catch (final IOException ex)
        {
            return "<no output: " + ex.getMessage() + ">";
        }
    }

    void kill()
    {
        JavaProcess.kill(process, 10);
    }
}
