package dev.shoal.cli;

import java.io.PrintWriter;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal}: create, inspect, list and delete regions; produce and consume jobs; run the demos and the
 * benchmarks. Exit codes: 0 ok, 2 usage error, 1 any other failure (one line on stderr; the stack trace only
 * with {@code --verbose}).
 */
@Command(
    name = "shoal",
    mixinStandardHelpOptions = true,
    versionProvider = ShoalCli.Version.class,
    description = "Shared state for separate JVM processes over memory-mapped files.",
    subcommands = {
        CreateCommand.class,
        InspectCommand.class,
        ListCommand.class,
        DeleteCommand.class,
        ProduceCommand.class,
        ConsumeCommand.class,
        DemoCommand.class,
        JournalCommand.class,
        AgentCommand.class,
    })
public final class ShoalCli implements Callable<Integer>
{
    /** Exit code of a failure other than a usage error. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a usage error. */
    public static final int EXIT_USAGE = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
        description = "Print stack traces of failures.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /**
     * Runs the CLI without exiting (for tests).
     *
     * @param args command line.
     * @return the exit code.
     */
    public static int run(final String... args)
    {
        return commandLine().execute(args);
    }

    /**
     * @return the configured picocli command line.
     */
    public static CommandLine commandLine()
    {
        final CommandLine cli = new CommandLine(new ShoalCli());
        for (final ShoalSubcommand extra : ServiceLoader.load(ShoalSubcommand.class, ShoalCli.class.getClassLoader()))
        {
            cli.addSubcommand(extra.name(), extra.command());
        }
        if (!cli.getSubcommands().containsKey("bench"))
        {
            cli.addSubcommand("bench", new MissingBench());
        }
        // After the subcommands: picocli gives a converter to the commands registered when it is set.
        cli.registerConverter(java.nio.file.Path.class, ShoalCli::path);
        cli.setExecutionExceptionHandler(ShoalCli::handle);
        cli.setExecutionStrategy(ShoalCli::execute);
        cli.setParameterExceptionHandler(ShoalCli::usageError);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    /**
     * Every path option and parameter: an empty one (say, an unset shell variable) was the current folder, so that
     * {@code --journal ""} wrote a journal into it and {@code --file ""} read it as a file.
     */
    private static java.nio.file.Path path(final String value)
    {
        if (value.isBlank())
        {
            throw new CommandLine.TypeConversionException("an empty path (give a file or folder; . for the current " +
                "folder)");
        }
        return java.nio.file.Path.of(value);
    }

    /**
     * Stands in for {@code shoal bench} when the benchmarks jar is not on the class path.
     */
    @Command(name = "bench", description = "Run the cross-process benchmarks (needs the benchmarks jar).")
    static final class MissingBench implements Callable<Integer>
    {
        @Override
        public Integer call()
        {
            throw new IllegalStateException("the benchmarks jar is not on the class path: run 'mvn package' and " +
                "use bin/shoal, which adds benchmarks/target/benchmarks.jar");
        }
    }

    /**
     * Runs the command, turning an {@code Error} it throws (say, the {@code InternalError} of a fault in a region
     * truncated under it) into an execution failure, so that it too gets one line and exit 1, not a stack trace.
     */
    private static int execute(final CommandLine.ParseResult parsed)
    {
        try
        {
            return new CommandLine.RunLast().execute(parsed);
        }
        catch (final Error error)
        {
            CommandLine.ParseResult last = parsed;
            while (last.hasSubcommand())
            {
                last = last.subcommand();
            }
            throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), oneLine(error), error);
        }
    }

    /**
     * A usage error, from parsing or from a command's own range checks: one line naming the option, exit 2.
     */
    private static int usageError(final CommandLine.ParameterException ex, final String[] args)
    {
        final CommandLine cmd = ex.getCommandLine();
        final PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(ex) + " (see " +
            cmd.getCommandSpec().qualifiedName() + " --help)");
        err.flush();
        return EXIT_USAGE;
    }

    private static int handle(final Exception thrown, final CommandLine cmd, final CommandLine.ParseResult parsed)
    {
        final PrintWriter err = cmd.getErr();
        // An Error arrives wrapped (see execute); anything else as thrown.
        final Throwable ex = thrown instanceof CommandLine.ExecutionException && thrown.getCause() != null ?
            thrown.getCause() : thrown;
        final boolean verbose = parsed.hasMatchedOption("--verbose") ||
            parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose")) ||
            hasVerbose(parsed);
        if (ex instanceof CommandLine.ParameterException pe)
        {
            err.println("shoal: " + pe.getMessage());
            return EXIT_USAGE;
        }
        String truncation = cmd.getCommand() instanceof RegionArg.User user ? user.regionArg().truncation() : null;
        if (truncation == null && ex instanceof InternalError && cmd.getCommand() instanceof RegionArg.User user)
        {
            truncation = user.regionArg().fault();
        }
        // The command's whole name ("shoal demo chunks"), as usage errors name it.
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + (truncation != null ? truncation : oneLine(ex)));
        if (verbose)
        {
            ex.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILURE;
    }

    private static boolean hasVerbose(final CommandLine.ParseResult parsed)
    {
        CommandLine.ParseResult p = parsed;
        while (p != null)
        {
            if (p.hasMatchedOption("--verbose"))
            {
                return true;
            }
            p = p.subcommand();
        }
        return false;
    }

    /**
     * @param ex a failure.
     * @return its message on one line, with the exception's simple name when it has no message.
     */
    public static String oneLine(final Throwable ex)
    {
        if (ex instanceof java.nio.file.FileSystemException fs)
        {
            // Their message is often the bare path: say what went wrong with it.
            final String what = fs instanceof java.nio.file.AccessDeniedException ? "permission denied" :
                fs instanceof java.nio.file.NoSuchFileException ? "no such file or folder" :
                fs instanceof java.nio.file.FileAlreadyExistsException ? "already exists" :
                fs.getReason() != null ? fs.getReason() : fs.getClass().getSimpleName();
            return (what + ": " + fs.getFile() + (fs.getOtherFile() != null ? " -> " + fs.getOtherFile() : ""))
                .replace('\n', ' ').replace('\r', ' ');
        }
        if (ex instanceof java.io.UncheckedIOException && ex.getCause() instanceof java.nio.file.FileSystemException fs)
        {
            final String message = ex.getMessage();
            final String prefix = message == null ? "" : message.replace(String.valueOf(fs), "").strip();
            return (prefix.isEmpty() || prefix.endsWith(":") ? prefix : prefix + ":") + " " + oneLine(fs);
        }
        if (ex instanceof java.io.UncheckedIOException && ex.getCause() != null &&
            (ex.getMessage() == null || ex.getMessage().equals(ex.getCause().toString())))
        {
            return oneLine(ex.getCause()); // a bare wrapper: its message is only the cause's class and message
        }
        final String message = ex.getMessage();
        final String text = message == null || message.isBlank() ? ex.getClass().getSimpleName() : message;
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    /** No command given: a usage error, the usage on stderr (only {@code --help} asks for it on stdout). */
    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /**
     * The version from the jar manifest, or "dev" when run from classes.
     */
    public static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String v = ShoalCli.class.getPackage().getImplementationVersion();
            return new String[]{ "shoal " + (v == null ? "0.1.0-SNAPSHOT" : v),
                "JVM: ${java.version} (${java.vendor} ${java.vm.name})", "OS: ${os.name} ${os.arch}" };
        }
    }
}
