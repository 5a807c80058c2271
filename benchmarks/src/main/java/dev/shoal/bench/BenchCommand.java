package dev.shoal.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.shoal.bench.model.BenchOptions;

/**
 * {@code shoal bench}: the cross-process benchmark harness as a picocli command. Self-contained (public no-arg
 * constructor), so the {@code shoal} CLI can add it as a subcommand, and {@link BenchMain} runs it alone.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Run the cross-process benchmarks: Shoal against its peers, side by side.",
        "Each workload runs across real processes over Shoal and its peers (Agrona, Chronicle Queue, JCTools, "
            + "java.util.concurrent, Redis, Python multiprocessing); --json prints one JSON line per case; "
            + "--quick finishes in under 3 minutes on 2 cores." })
public final class BenchCommand implements Callable<Integer>
{
    @Option(names = "--quick", description = "Fewer and shorter runs (under 3 minutes).")
    boolean quick;

    @Option(names = "--json", description = "One JSON line per case on stdout instead of a table.")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "Write results.jsonl, results.md and PNG charts here.")
    Path out;

    @Option(names = "--only", paramLabel = "WORKLOAD", split = ",",
        description = "Only these workloads (names or prefixes, comma separated), e.g. handoff,pingpong.")
    List<String> only = new ArrayList<>();

    @Option(names = "--scaling", description = "Also run the scaling tables (job size, consumers, heap size).")
    boolean scaling;

    @Spec
    CommandSpec spec;

    /**
     * Creates the command with its defaults.
     */
    public BenchCommand()
    {
    }

    @Override
    public Integer call() throws Exception
    {
        checkOnly();
        if (out != null && Files.exists(out) && !Files.isDirectory(out))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " is a file, not a folder");
        }
        System.setProperty("java.awt.headless", "true");
        final BenchOptions options = new BenchOptions(quick, json, out, List.copyOf(only), scaling);
        return new Harness(options, System.out, System.err).run();
    }

    /**
     * An empty {@code --only} ran every workload, and a name that matched none ran nothing and said "0 of 24 met":
     * both are usage errors, naming the workloads there are.
     */
    private void checkOnly()
    {
        final Set<String> known = new LinkedHashSet<>();
        Workloads.main(quick).forEach(w -> known.add(w.name()));
        Workloads.scaling(quick).forEach(w -> known.add(w.name()));
        for (final String name : only)
        {
            if (name.isBlank())
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--only needs workload names or prefixes (known: " + String.join(", ", known) + ")");
            }
            if (known.stream().noneMatch(w -> w.startsWith(name)))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), "--only: unknown workload '" + name +
                    "' (known: " + String.join(", ", known) + ")");
            }
        }
    }
}
