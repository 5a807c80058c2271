package dev.shoal.ipc.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code shoal demo}: the main job. Subcommands run one pattern each.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run Shoal's patterns with real processes.",
    subcommands = { ChunksDemoCommand.class, PoolDemoCommand.class, SchedulerDemoCommand.class })
public final class DemoCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
