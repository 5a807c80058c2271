package dev.shoal.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.shoal.cli.demo.SchedulerDemo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shoal demo scheduler}: one refresher and W worker JVMs over a shared {@code ScheduleHeap}, popping due
 * records and rescheduling them; with {@code --chaos}, workers are killed at random moments (one of them while
 * it holds the lock, in the middle of a sift). Ends with the check that every record is present exactly once.
 * Exit status 0 when verified, 1 otherwise.
 */
@Command(
    name = "scheduler",
    mixinStandardHelpOptions = true,
    description = "Refresher + worker JVMs popping and rescheduling records of a shared heap; checks that " +
        "every record is present exactly once at the end.")
public final class SchedulerDemoCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = {"--workers", "--local-workers"}, defaultValue = "2", description = "local worker JVMs " +
        "(default: ${DEFAULT-VALUE}; 0 with --listen: remote consumers only)")
    private int workers;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Also serve the heap to remote consumers " +
        "(shoal agent --connect HOST:PORT --scheduler) on this UDP endpoint")
    private String listen;

    @Option(names = "--min-hosts", defaultValue = "1", description = "with --listen: agents to wait for (up to " +
        "60 s) before the run (default: ${DEFAULT-VALUE})")
    private int minHosts;

    @Option(names = "--host-timeout", defaultValue = "3000", paramLabel = "MS", description = "with --listen: a " +
        "host silent this long is given up and its records returned to the heap (default: ${DEFAULT-VALUE})")
    private int hostTimeoutMillis;

    @Option(names = "--remote-window", defaultValue = "512", paramLabel = "RECORDS", description = "with --listen: " +
        "records one host may hold at once, its credit (default: ${DEFAULT-VALUE})")
    private int remoteWindow;

    @Option(names = "--records", defaultValue = "10000", description = "records in the heap (default: " +
        "${DEFAULT-VALUE})")
    private int records;

    @Option(names = "--seconds", defaultValue = "5", description = "run time (default: ${DEFAULT-VALUE})")
    private double seconds;

    @Option(names = "--chaos", description = "SIGKILL workers at random moments, one while holding the lock")
    private boolean chaos;

    @Mixin
    JsonOption json;

    @Option(names = "--delay-ms", defaultValue = "0", description = "reschedule this far in the future " +
        "(default: ${DEFAULT-VALUE}: due at once, for throughput)")
    private long delayMs;

    @Option(names = "--seed", description = "random seed of the chaos (default: time based)")
    private Long seed;

    /**
     * For picocli.
     */
    public SchedulerDemoCommand()
    {
    }

    /**
     * Runs the command alone, outside {@code shoal demo}.
     *
     * @param args the options.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new SchedulerDemoCommand()).execute(args));
    }

    @Override
    public Integer call()
    {
        Checks.localEndpoint(spec, "--listen", listen);
        Checks.needs(spec, listen != null, "--listen", "--min-hosts", "--host-timeout", "--remote-window");
        Checks.within(spec, "--workers", workers, listen != null ? 0 : 1, 64);
        Checks.within(spec, "--min-hosts", minHosts, listen != null && workers == 0 ? 1 : 0, 64);
        Checks.within(spec, "--host-timeout", hostTimeoutMillis, 100, 3_600_000);
        Checks.within(spec, "--remote-window", remoteWindow, 1, 65_536);
        if (chaos && workers == 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--chaos kills local workers: it needs " +
                "--workers 1 or more");
        }
        Checks.within(spec, "--records", records, 1, 4_000_000);
        Checks.positiveAtMost(spec, "--seconds", seconds, 3600);
        Checks.within(spec, "--delay-ms", delayMs, 0, Checks.MAX_DELAY_MILLIS);
        final SchedulerDemo.Config config = new SchedulerDemo.Config(
            workers, records, seconds, chaos, delayMs, seed != null ? seed : System.nanoTime(), listen,
            listen != null ? minHosts : 0, Duration.ofMillis(hostTimeoutMillis), remoteWindow);
        final SchedulerDemo.Result result;
        try (SchedulerDemo demo = new SchedulerDemo(config))
        {
            result = demo.run();
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println(json.enabled ? toJson(result, chaos) : toText(result, chaos));
        out.flush();
        return result.verified() ? 0 : 1;
    }

    static String toJson(final SchedulerDemo.Result r, final boolean chaos)
    {
        return Json.object()
            .put("records", r.records())
            .put("workers", r.workers())
            .put("seconds", Math.round(r.seconds() * 1000) / 1000.0)
            .put("chaos", chaos)
            .put("pops", r.pops())
            .put("reschedules", r.reschedules())
            .put("pops_per_s", Math.round(r.popsPerSecond()))
            .put("takeovers", r.takeovers())
            .put("redelivered", r.redelivered())
            .put("kills", r.kills())
            .put("refreshes", r.refreshes())
            .put("lost", r.lost())
            .put("duplicated", r.duplicated())
            .put("consistent", r.consistent())
            .put("verified", r.verified())
            .put("remote_hosts", r.remoteHosts())
            .put("remote_joined", r.remoteJoined())
            .put("returned", r.returned())
            .toString();
    }

    static String toText(final SchedulerDemo.Result r, final boolean chaos)
    {
        return String.format(
            "scheduler demo: %d worker JVMs, %d records, %.1f s%s%n" +
            "  pops %,d (%,.0f/s), reschedules %,d, refreshes %d%n" +
            "  takeovers %d, redelivered %d, workers killed %d%n" +
            "  %s: lost=%d duplicated=%d, heap %s",
            r.workers(), r.records(), r.seconds(), chaos ? ", chaos" : "",
            r.pops(), r.popsPerSecond(), r.reschedules(), r.refreshes(),
            r.takeovers(), r.redelivered(), r.kills(),
            r.verified() ? "verified: every record present exactly once" : "FAILED",
            r.lost(), r.duplicated(), r.consistent() ? "consistent" : "INCONSISTENT") +
            (r.remoteJoined() > 0 ? String.format("%n  remote hosts: %d joined, %d connected at the end, " +
            "%d record(s) returned from lost hosts", r.remoteJoined(), r.remoteHosts(), r.returned()) :
            "");
    }
}
