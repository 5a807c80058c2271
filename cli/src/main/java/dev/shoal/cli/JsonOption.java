package dev.shoal.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --json} option (a picocli mixin): one JSON object (or one per line, where a command says so)
 * instead of text.
 */
public final class JsonOption
{
    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean enabled;
}
