package dev.shoal.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

import dev.shoal.journal.JournalEntry;
import dev.shoal.journal.JournalStatus;
import dev.shoal.journal.JournalTailer;
import dev.shoal.journal.LogRecord;
import dev.shoal.journal.ResultRecord;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shoal journal tail DIR}: replays a journal's results and log lines, optionally following new ones.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Replay a journal's results and log lines (--follow waits for new ones; Ctrl-C ends).")
public final class JournalTailCommand implements Callable<Integer>
{
    /** How often {@code --follow} looks for a journal that is not there yet. */
    private static final long WAIT_NANOS = 100_000_000L;

    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path dir;

    @Option(names = "--follow", description = "Keep waiting for new records.")
    boolean follow;

    @Option(names = "--from", paramLabel = "INDEX", converter = IndexConverter.class,
        description = "Start at this journal index (as printed; decimal or 0x hex).")
    Long from;

    @Mixin
    JsonOption json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        if (follow && !awaitJournal())
        {
            return 0; // interrupted while waiting
        }
        try (JournalTailer tailer = JournalTailer.open(dir))
        {
            JournalCommand.warnEmptyCycleFiles(spec, tailer);
            if (from != null && !tailer.moveTo(from))
            {
                throw new IllegalArgumentException("no record at index " + from + " (0x" + Long.toHexString(from) +
                    ") in journal " + tailer.directory());
            }
            final IdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000_000, 50_000_000);
            while (true)
            {
                final JournalEntry e = tailer.next();
                if (e != null)
                {
                    out.println(json.enabled ? toJson(e) : toText(e));
                    idle.reset();
                    continue;
                }
                out.flush();
                if (!follow || Thread.currentThread().isInterrupted())
                {
                    return 0;
                }
                idle.idle();
            }
        }
    }

    /**
     * With {@code --follow}, a journal that is not there yet (no directory, or one a pool has not written its
     * metadata into) is waited for, as a tail started before the pool would expect; a path that exists as something
     * else goes on to the open, which names what is wrong.
     *
     * @return false when interrupted while waiting.
     */
    private boolean awaitJournal()
    {
        if (JournalTailer.exists(dir) || Files.exists(dir) && !Files.isDirectory(dir))
        {
            return true;
        }
        final PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": waiting for a journal at " + dir + " (--follow; Ctrl-C ends)");
        err.flush();
        while (!JournalTailer.exists(dir))
        {
            LockSupport.parkNanos(WAIT_NANOS);
            if (Thread.currentThread().isInterrupted())
            {
                return false;
            }
        }
        return true;
    }

    static Json toJson(final JournalEntry e)
    {
        final Json j = Json.object().put("index", e.index());
        if (e.record() instanceof ResultRecord r)
        {
            j.put("type", "result").put("key", r.key()).put("job_id", r.jobId()).put("handler", r.handler())
                .put("status", r.status().name().toLowerCase()).put("attempt", r.attempt()).put("worker", r.workerId())
                .put("submitted_epoch_ns", r.submittedEpochNanos()).put("completed_epoch_ns", r.completedEpochNanos());
            if (r.status() == JournalStatus.OK)
            {
                j.put("result_base64", Base64.getEncoder().encodeToString(r.body()));
            }
            else
            {
                j.put("error", r.bodyText());
            }
        }
        else
        {
            final LogRecord l = (LogRecord)e.record();
            j.put("type", "log").put("worker", l.workerId()).put("job_id", l.jobId())
                .put("epoch_ns", l.epochNanos()).put("text", l.text());
        }
        return j;
    }

    static String toText(final JournalEntry e)
    {
        if (e.record() instanceof ResultRecord r)
        {
            final String outcome = r.status() == JournalStatus.OK ? r.body().length + " bytes" :
                r.bodyText().lines().findFirst().orElse("");
            return String.format("0x%x result %s key=%s job=%d handler=%s attempt=%d worker=%d: %s", e.index(),
                r.status().name().toLowerCase(), r.key().isEmpty() ? "-" : r.key(), r.jobId(), r.handler(),
                r.attempt(), r.workerId(), outcome);
        }
        final LogRecord l = (LogRecord)e.record();
        return String.format("0x%x log worker=%d job=%d: %s", e.index(), l.workerId(), l.jobId(), l.text());
    }

    /**
     * Parses a journal index in decimal or 0x hex.
     */
    static final class IndexConverter implements CommandLine.ITypeConverter<Long>
    {
        @Override
        public Long convert(final String value)
        {
            final String v = value.trim().toLowerCase();
            return v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
        }
    }
}
