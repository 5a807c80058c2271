package dev.shoal.cli;

import picocli.CommandLine.Option;

/**
 * {@code --ring NAME} (a picocli mixin) and {@code --idle STRATEGY}: which job ring, and how to wait on it.
 */
public final class RingOption
{
    @Option(names = "--ring", required = true, paramLabel = "NAME", description = "Ring name.")
    String name;

    @Option(names = "--idle", paramLabel = "STRATEGY", defaultValue = "backoff",
        description = "How to wait while the ring is full or empty: ${COMPLETION-CANDIDATES} " +
            "(default: ${DEFAULT-VALUE}).")
    IdleOption idle;
}
