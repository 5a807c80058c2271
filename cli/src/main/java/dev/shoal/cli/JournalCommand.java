package dev.shoal.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.shoal.journal.JournalTailer;

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

    /** No subcommand given: a usage error, the usage on stderr (only {@code --help} asks for it on stdout). */
    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ShoalCli.EXIT_USAGE;
    }

    /**
     * Warns on stderr of each cycle file the tailer found empty: Chronicle reads one as holding no records, so
     * counts and replays that pass over it would otherwise lose its records without a word.
     *
     * @param command the subcommand's spec (its name starts the line, as errors do).
     * @param tailer  the open tailer.
     */
    static void warnEmptyCycleFiles(final CommandLine.Model.CommandSpec command, final JournalTailer tailer)
    {
        final PrintWriter err = command.commandLine().getErr();
        for (final Path file : tailer.emptyCycleFiles())
        {
            err.println(command.qualifiedName() + ": warning: cycle file " + file + " is empty (0 bytes): cut " +
                "short, its records gone, or being created by a writer right now");
        }
        err.flush();
    }
}
