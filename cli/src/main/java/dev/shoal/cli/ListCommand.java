package dev.shoal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.shoal.core.ParticipantInfo;
import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.StructureInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code shoal list}: the regions in the default folder, with size, structures and live participants.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the regions under /dev/shm/shoal with size, structures and live participants.")
public final class ListCommand implements Callable<Integer>
{
    @Mixin
    JsonOption json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final Path dir = RegionLocation.defaultDirectory();
        final List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir))
        {
            try (Stream<Path> s = Files.list(dir))
            {
                s.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)).sorted()
                    .forEach(files::add);
            }
        }
        final PrintWriter out = spec.commandLine().getOut();
        final List<Json> rows = new ArrayList<>();
        if (!json.enabled)
        {
            out.printf("%-24s %12s %5s  %s%n", "REGION", "BYTES", "LIVE", "STRUCTURES");
        }
        for (final Path file : files)
        {
            final Json row = Json.object().put("name", file.getFileName().toString()).put("path", file.toString());
            try (Region region = Region.open(file.toString()))
            {
                final List<String> names = new ArrayList<>();
                for (final StructureInfo info : region.structures())
                {
                    names.add(info.name() + " (" + info.kind().label() + ")");
                }
                final long live = region.participants().snapshot().stream().filter(ParticipantInfo::alive).count();
                row.put("bytes", region.length()).put("live_participants", live).put("structures", names);
                if (!json.enabled)
                {
                    out.printf("%-24s %12d %5d  %s%n", file.getFileName(), region.length(), live,
                        String.join(", ", names));
                }
            }
            catch (final RuntimeException ex)
            {
                row.put("error", ShoalCli.oneLine(ex));
                if (!json.enabled)
                {
                    out.printf("%-24s %12s %5s  invalid: %s%n", file.getFileName(), Files.size(file), "-",
                        ShoalCli.oneLine(ex));
                }
            }
            rows.add(row);
        }
        if (json.enabled)
        {
            out.println(Json.toJson(rows));
        }
        else if (files.isEmpty())
        {
            out.println("(no regions in " + dir + ")");
        }
        return 0;
    }
}
