package dev.shoal.cli;

/**
 * A subcommand that another module adds to {@code shoal}, found with {@link java.util.ServiceLoader}: the module
 * lists its class in {@code META-INF/services/dev.shoal.cli.ShoalSubcommand}. The benchmarks module adds
 * {@code shoal bench} this way, so the CLI never names a class of a module above it.
 */
public interface ShoalSubcommand
{
    /**
     * @return the subcommand's name on the command line.
     */
    String name();

    /**
     * @return a picocli command object (annotated with {@code @Command}), new for each command line.
     */
    Object command();
}
