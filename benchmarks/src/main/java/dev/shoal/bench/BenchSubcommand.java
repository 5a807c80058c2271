package dev.shoal.bench;

import dev.shoal.cli.ShoalSubcommand;

/**
 * Adds {@code shoal bench} to the CLI when the benchmarks jar is on its class path (registered in
 * {@code META-INF/services/dev.shoal.cli.ShoalSubcommand}).
 */
public final class BenchSubcommand implements ShoalSubcommand
{
    @Override
    public String name()
    {
        return "bench";
    }

    @Override
    public Object command()
    {
        return new BenchCommand();
    }
}
