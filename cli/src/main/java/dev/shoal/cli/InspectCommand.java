package dev.shoal.cli;

import java.util.concurrent.Callable;

import dev.shoal.core.Region;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shoal inspect NAME|PATH [--json]}: every structure's state and every participant.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Show a region's header, structures with their live state, and participants.")
public final class InspectCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "NAME|PATH", description = "A bare name or a file path.")
    String region;

    @Option(names = "--json", description = "One JSON object with header, structures and participants.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        try (Region opened = Region.open(region))
        {
            spec.commandLine().getOut().println(json ? RegionReport.json(opened) : RegionReport.text(opened));
        }
        return 0;
    }
}
