package dev.shoal.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code shoal journal}: read a result journal.
 */
@Command(name = "journal", mixinStandardHelpOptions = true,
    description = "Read a result journal (a Chronicle Queue directory written by a pool with --journal).",
    subcommands = { JournalTailCommand.class, JournalStatsCommand.class })
public final class JournalCommand implements Callable<Integer>
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
