package dev.shoal.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;

/**
 * Runs {@code shoal} in this JVM, as a user's shell would (the same command line, handlers and exit codes),
 * capturing what it prints: the one way the CLI tests run a command.
 *
 * @param code the exit code.
 * @param out  what it printed on its standard output.
 * @param err  what it printed on its standard error.
 */
public record CliRun(int code, String out, String err)
{
    /**
     * @param args the arguments after {@code shoal}.
     * @return the exit code and the output.
     */
    public static CliRun run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = ShoalCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        final int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /**
     * @return the output, failing with the error text unless the command exited 0.
     */
    public String ok()
    {
        if (code != 0)
        {
            throw new AssertionError("exit " + code + ": " + err);
        }
        return out;
    }
}
