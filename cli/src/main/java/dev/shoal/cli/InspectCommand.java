package dev.shoal.cli;

import java.util.List;
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
        final List<String> errors;
        try (Region opened = region.open())
        {
            final Json model = RegionReport.model(opened);
            spec.commandLine().getOut().println(json.enabled ? model.toString() : RegionReport.text(model));
            errors = RegionReport.errors(model);
        }
        if (!errors.isEmpty())
        {
            // The report is printed whole (what reads is worth seeing), but a script must be able to tell.
            spec.commandLine().getErr().println("shoal inspect: " + errors.size() + " structure(s) could not be " +
                "read: " + String.join("; ", errors));
            return ShoalCli.EXIT_FAILURE;
        }
        return 0;
    }
}
