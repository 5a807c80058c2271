package dev.shoal.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.shoal.remote.Endpoint;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Range checks of option values. A value out of range is a usage error: picocli's {@code ParameterException},
 * which the CLI prints as one line naming the option, and exits 2.
 */
final class Checks
{
    /** Largest {@code --work-us}: 10 s of spinning per job (a larger one spins a core for longer than a demo). */
    static final long MAX_WORK_MICROS = 10_000_000;
    /**
     * Largest {@code --delay-ms}: a year. A record's due time is now plus the delay in milliseconds, and a delay near
     * {@code Long.MAX_VALUE} overflowed into the past: "far in the future" read as "due at once".
     */
    static final long MAX_DELAY_MILLIS = 365L * 24 * 3600 * 1000;
    /** Smallest {@code --rate} other than 0: one job in 1000 s (a tinier one slept for ever before the first job). */
    static final double MIN_RATE = 0.001;

    private Checks()
    {
    }

    /**
     * @param spec   the command.
     * @param option the option's name, e.g. {@code --threads}.
     * @param value  its value.
     * @param min    the smallest value allowed.
     * @return the value.
     * @throws CommandLine.ParameterException when the value is below {@code min}.
     */
    static long atLeast(final CommandSpec spec, final String option, final long value, final long min)
    {
        if (value < min)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "invalid value for " + option + ": " + value + " (must be at least " + min + ")");
        }
        return value;
    }

    /**
     * @param spec   the command.
     * @param option the option's name.
     * @param value  its value.
     * @param min    the smallest value allowed.
     * @param max    the largest value allowed.
     * @return the value.
     * @throws CommandLine.ParameterException when the value is outside {@code [min, max]}.
     */
    static long within(final CommandSpec spec, final String option, final long value, final long min,
        final long max)
    {
        if (value < min || value > max)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "invalid value for " + option + ": " + value + " (must be " + min + " to " + max + ")");
        }
        return value;
    }

    /**
     * @param spec   the command.
     * @param option the option's name.
     * @param value  its value.
     * @param max    the largest value allowed.
     * @return the value.
     * @throws CommandLine.ParameterException when the value is not more than 0, above {@code max} or not a number.
     */
    static double positiveAtMost(final CommandSpec spec, final String option, final double value, final double max)
    {
        if (!(value > 0 && value <= max))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "invalid value for " + option + ": " + value + " (must be more than 0 and at most " + max + ")");
        }
        return value;
    }

    /**
     * @param spec   the command.
     * @param option the option's name.
     * @param value  its value, {@code HOST:PORT}, or null when the option was not given.
     * @return the value.
     * @throws CommandLine.ParameterException when it is not {@code HOST:PORT} with a port 1..65535 and a known host.
     */
    static String endpoint(final CommandSpec spec, final String option, final String value)
    {
        if (value != null)
        {
            try
            {
                Endpoint.parse(value, option, false);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
            }
        }
        return value;
    }

    /**
     * An endpoint this machine receives on: its host must be one of this machine's addresses, or the wildcard.
     * Else Aeron fails at bind, after the command started, with its own text ("Cannot assign requested address").
     *
     * @param spec   the command.
     * @param option the option's name.
     * @param value  its value, {@code HOST:PORT}, or null when the option was not given.
     * @return the value.
     * @throws CommandLine.ParameterException when it is not {@code HOST:PORT} naming an address of this machine.
     */
    static String localEndpoint(final CommandSpec spec, final String option, final String value)
    {
        if (value != null)
        {
            final Endpoint endpoint;
            try
            {
                endpoint = Endpoint.parse(value, option, false);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
            }
            localAddress(spec, option, endpoint.host());
        }
        return value;
    }

    /**
     * @param spec   the command.
     * @param option the option's name.
     * @param host   a host name or address, or null when the option was not given.
     * @return the host.
     * @throws CommandLine.ParameterException when it is unknown or not an address of this machine (nor the
     *     wildcard).
     */
    static String localAddress(final CommandSpec spec, final String option, final String host)
    {
        if (host == null)
        {
            return null;
        }
        final java.net.InetAddress address;
        try
        {
            address = java.net.InetAddress.getByName(dev.shoal.remote.Endpoint.bareHost(host));
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " names an unknown host: '" + host +
                "'");
        }
        boolean local;
        try
        {
            local = address.isAnyLocalAddress() || address.isLoopbackAddress() ||
                java.net.NetworkInterface.getByInetAddress(address) != null;
        }
        catch (final java.net.SocketException ex)
        {
            local = true; // cannot tell: let the bind say
        }
        if (!local)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + host + " is not an address " +
                "of this machine (use one of its own, or 0.0.0.0 for all)");
        }
        return host;
    }

    /**
     * Options that mean something only beside another: given without it, they were ignored without a word (a
     * user's {@code --min-hosts 5} ran locally, exit 0).
     *
     * @param spec      the command.
     * @param present   whether the option they need was given.
     * @param needed    its name, for the message.
     * @param dependent the options that need it.
     * @throws CommandLine.ParameterException naming the first dependent option given without it.
     */
    static void needs(final CommandSpec spec, final boolean present, final String needed, final String... dependent)
    {
        if (!present)
        {
            refuseGiven(spec, " needs " + needed + " (without it, it would be ignored)", dependent);
        }
    }

    /**
     * @param spec    the command.
     * @param refused whether the options are refused here.
     * @param why     the end of the message, after the option's name.
     * @param options the options refused when given.
     * @throws CommandLine.ParameterException naming the first of them given.
     */
    static void refuseGiven(final CommandSpec spec, final String why, final String... options)
    {
        final CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (final String option : options)
        {
            if (parsed.hasMatchedOption(option))
            {
                throw new CommandLine.ParameterException(spec.commandLine(), option + why);
            }
        }
    }

    /**
     * @param spec   the command.
     * @param option the option's name.
     * @param value  its value.
     * @return the value.
     * @throws CommandLine.ParameterException when the value is negative or not a number.
     */
    static double notNegative(final CommandSpec spec, final String option, final double value)
    {
        if (!(value >= 0))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "invalid value for " + option + ": " + value + " (must be at least 0)");
        }
        return value;
    }

    /**
     * @param spec   the command.
     * @param option the option's name.
     * @param value  its value.
     * @return the value.
     * @throws CommandLine.ParameterException when the value is not more than 0 or not a number.
     */
    static double positive(final CommandSpec spec, final String option, final double value)
    {
        if (!(value > 0))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "invalid value for " + option + ": " + value + " (must be more than 0)");
        }
        return value;
    }

    /**
     * @param path a path a command would open, write or delete.
     * @return whether something other than a regular file or a folder is there (a device node, a FIFO, a socket):
     *     no command reads, writes or deletes those as files (a FIFO waits for its other end for ever).
     */
    static boolean isSpecialFile(final Path path)
    {
        return Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path);
    }

    /**
     * @param spec   the command, for the message.
     * @param option the option naming the file.
     * @param file   a file to be written.
     * @throws CommandLine.ParameterException when its folder does not exist: a file is written into an existing
     *                                        folder, so a mistyped path fails instead of leaving folders behind.
     */
    static void folderExists(final CommandSpec spec, final String option, final Path file)
    {
        final Path folder = file.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": folder " + folder +
                " does not exist");
        }
    }
}
