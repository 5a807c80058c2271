package dev.shoal.cli;

import java.util.concurrent.Callable;

import dev.shoal.core.Region;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code shoal inspect NAME|PATH [--json]}: every structure's state and every participant.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Show a region's header, structures with their live state, and participants.")
public final class InspectCommand implements Callable<Integer>, RegionArg.User
{
    @Mixin
    RegionArg region;

    @Mixin
    JsonOption json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public RegionArg regionArg()
    {
        return region;
    }

    @Override
    public Integer call()
    {
        try (Region opened = region.open())
        {
            spec.commandLine().getOut().println(json.enabled ? RegionReport.json(opened) : RegionReport.text(opened));
        }
        return 0;
    }
}
