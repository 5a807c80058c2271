package dev.shoal.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import dev.shoal.cli.demo.PoolDemo;
import dev.shoal.pool.ProcessPool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shoal demo pool}: jobs through a pool of worker JVMs, each result checked.
 */
@Command(name = "pool", mixinStandardHelpOptions = true,
    description = "Run N checked jobs through a pool of worker JVMs (--chaos kills a worker mid-run).")
public final class PoolDemoCommand implements Callable<Integer>
{
    @Option(names = {"--workers", "--local-workers"}, defaultValue = "2", description = "Local worker JVMs " +
        "(default: ${DEFAULT-VALUE}; 0 with --listen: remote hosts only).")
    int workers;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Also accept worker hosts (shoal agent " +
        "--connect HOST:PORT) on this UDP endpoint; 0.0.0.0:PORT for every address.")
    String listen;

    @Option(names = "--min-hosts", defaultValue = "1", description = "With --listen: agents to wait for before the " +
        "first job (default: ${DEFAULT-VALUE}).")
    int minHosts;

    @Option(names = "--host-wait", defaultValue = "60", paramLabel = "SECONDS", description = "With --listen: how " +
        "long to wait for them, or for one to come back when all are lost (default: ${DEFAULT-VALUE}).")
    int hostWait;

    @Option(names = "--host-timeout", defaultValue = "3000", paramLabel = "MS", description = "With --listen: a " +
        "host silent this long is given up and its jobs sent elsewhere (default: ${DEFAULT-VALUE}).")
    int hostTimeoutMillis;

    @Option(names = "--remote-window", defaultValue = "64", paramLabel = "FRAMES", description = "With --listen: " +
        "job frames one host may hold unanswered, its credit (default: ${DEFAULT-VALUE}).")
    int remoteWindow;

    @Option(names = "--threads", defaultValue = "1", description = "Consumer threads per worker (default: " +
        "${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--jobs", defaultValue = "200000", description = "Jobs (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--work-us", defaultValue = "0", description = "Spin time per job in µs (default: " +
        "${DEFAULT-VALUE}).")
    long workMicros;

    @Option(names = "--batch", defaultValue = "1", description = "Jobs per ring slot, like Pool.map's chunksize " +
        "(default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--chaos", description = "SIGKILL a worker a third of the way through.")
    boolean chaos;

    @Option(names = "--journal", paramLabel = "DIR", description = "Journal every result and log line to this " +
        "Chronicle Queue directory (jobs are keyed hash-INDEX).")
    Path journal;

    @Option(names = "--resume", description = "With --journal: jobs the journal completed before are answered " +
        "from it without running.")
    boolean resume;

    @Mixin
    JsonOption json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        Checks.localEndpoint(spec, "--listen", listen);
        Checks.needs(spec, listen != null, "--listen", "--min-hosts", "--host-wait", "--host-timeout",
            "--remote-window");
        Checks.within(spec, "--workers", workers, listen != null ? 0 : 1, 64);
        Checks.within(spec, "--min-hosts", minHosts, listen != null && workers == 0 ? 1 : 0, 64);
        Checks.within(spec, "--host-wait", hostWait, 1, 86_400);
        Checks.within(spec, "--host-timeout", hostTimeoutMillis, 100, 3_600_000);
        Checks.within(spec, "--remote-window", remoteWindow, 1, 65_536);
        if (chaos && workers == 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--chaos kills a local worker: it needs " +
                "--workers 1 or more");
        }
        // A region holds at most 4096 participants, one per consumer thread (two while a worker is replaced).
        Checks.within(spec, "--threads", threads, 1, Math.min(256, ProcessPool.maxThreadsPerWorker(
            Math.max(1, workers), ProcessPool.DEFAULT_SUBMIT_HANDLES)));
        Checks.atLeast(spec, "--jobs", jobs, 1);
        Checks.within(spec, "--batch", batch, 1, 255);
        Checks.within(spec, "--work-us", workMicros, 0, Checks.MAX_WORK_MICROS);
        if (resume && journal == null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--resume needs --journal DIR");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final Progress bar = new Progress(json.enabled ? null : System.console() != null ? out : null, jobs);
        final PoolDemo.Result r = PoolDemo.run(new PoolDemo.Config(workers, threads, jobs, workMicros, batch, chaos,
            journal, resume, listen, listen != null ? minHosts : 0, Duration.ofSeconds(hostWait),
            Duration.ofMillis(hostTimeoutMillis), remoteWindow),
            bar::update);
        bar.finish();
        if (json.enabled)
        {
            out.println(toJson(r, workers, threads, chaos));
        }
        else
        {
            out.println(toText(r, workers, threads));
        }
        out.flush();
        return r.verified() ? 0 : 1;
    }

    static Json toJson(final PoolDemo.Result r, final int workers, final int threads, final boolean chaos)
    {
        final Json json = Json.object().put("jobs", r.jobs()).put("done", r.done()).put("wrong", r.wrong())
            .put("failed", r.failed()).put("redelivered", r.redelivered()).put("worker_restarts", r.workerRestarts())
            .put("workers", workers).put("threads", threads).put("chaos", chaos)
            .put("seconds", Math.round(r.seconds() * 1000) / 1000.0)
            .put("jobs_per_s", Math.round(r.jobsPerSecond()))
            .put("p50_us", Math.round(r.p50Micros() * 10) / 10.0).put("p99_us", Math.round(r.p99Micros() * 10) / 10.0)
            .put("journaled", r.journaled()).put("resumed", r.resumed()).put("checksum", r.checksum())
            .put("verified", r.verified()).put("remote_hosts", r.remoteHosts()).put("remote_joined", r.remoteJoined());
        if (r.againSeconds() > 0)
        {
            json.put("again_seconds", Math.round(r.againSeconds() * 1000) / 1000.0)
                .put("again_jobs_per_s", Math.round(r.againJobsPerSecond()))
                .put("again_p50_us", Math.round(r.againP50Micros() * 10) / 10.0)
                .put("again_p99_us", Math.round(r.againP99Micros() * 10) / 10.0);
        }
        return json;
    }

    static String toText(final PoolDemo.Result r, final int workers, final int threads)
    {
        final String again = r.againSeconds() <= 0 ? "" : String.format("%n  again on the same pool and worker " +
            "JVMs: %,d jobs in %.2f s (%,.0f jobs/s, p50 %.1f µs, p99 %.1f µs)%n  (every job submitted at once: " +
            "its latency includes the wait behind the jobs before it)", r.jobs(), r.againSeconds(),
            r.againJobsPerSecond(), r.againP50Micros(), r.againP99Micros());
        return String.format("pool demo: %d worker JVMs x %d thread(s), %,d jobs in %.2f s (%,.0f jobs/s, " +
            "p50 %.1f µs, p99 %.1f µs)%s%n  redelivered %d, worker restarts %d%s%n  journaled %d, resumed %d, " +
            "checksum %016x%n  %s",
            workers, threads, r.jobs(), r.seconds(), r.jobsPerSecond(), r.p50Micros(), r.p99Micros(), again,
            r.redelivered(),
            r.workerRestarts(), r.killedPid() != 0 ? " (chaos killed pid " + r.killedPid() + ")" : "",
            r.journaled(), r.resumed(), r.checksum(),
            r.verified() ? "verified: every job returned its right result (wrong=0, failed=0)" :
            "NOT verified: wrong=" + r.wrong() + " failed=" + r.failed()) +
            (r.remoteJoined() > 0 ? String.format("%n  remote hosts: %d joined, %d connected at the end",
            r.remoteJoined(), r.remoteHosts()) : "");
    }

    /**
     * A one-line progress bar on a terminal, redrawn at most every 100 ms.
     */
    static final class Progress
    {
        private final PrintWriter out;
        private volatile long total;
        private final AtomicLong lastDraw = new AtomicLong();

        Progress(final PrintWriter out, final long total)
        {
            this.out = out;
            this.total = total;
        }

        void update(final long done)
        {
            if (out == null)
            {
                return; // not a terminal: no clock read per result
            }
            final long now = System.nanoTime();
            final long last = lastDraw.get();
            if ((now - last < 100_000_000L && done < total) || !lastDraw.compareAndSet(last, now))
            {
                return;
            }
            final int width = 30;
            final int filled = (int)(width * done / Math.max(1, total));
            synchronized (out)
            {
                out.printf("\r  [%s%s] %3d%% %,d/%,d", "#".repeat(filled), " ".repeat(width - filled),
                    100 * done / Math.max(1, total), done, total);
                out.flush();
            }
        }

        void updateOf(final long done, final long of)
        {
            total = of; // for work whose size is known only once it starts (the ranges of a file)
            update(done);
        }

        void finish()
        {
            if (out != null)
            {
                synchronized (out)
                {
                    out.print("\r" + " ".repeat(70) + "\r");
                    out.flush();
                }
            }
        }
    }
}
