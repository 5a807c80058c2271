package dev.shoal.bench;

import picocli.CommandLine;

/**
 * Runs the cross-process harness:
 * {@code java <Shoal JVM flags> -cp benchmarks.jar dev.shoal.bench.BenchMain [--quick] [--json] [--out DIR]
 * [--only WORKLOAD,...] [--scaling]}.
 */
public final class BenchMain
{
    private BenchMain()
    {
    }

    /**
     * @param args command line, see {@link BenchCommand}.
     */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}
