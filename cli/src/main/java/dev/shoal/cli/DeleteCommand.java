package dev.shoal.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import dev.shoal.chunks.FileChunks;
import dev.shoal.core.ParticipantInfo;
import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shoal delete NAME|PATH [--force]}: removes a region's file, refusing while live participants are
 * attached, or when the file is not a region at all, unless forced.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete a region; refuses while live participants are attached unless --force.")
public final class DeleteCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "NAME|PATH", description = "A bare name or a file path.")
    String region;

    @Option(names = "--force",
        description = "Delete even with live participants, or when the file is not a valid region (never a " +
            "directory, device, FIFO or socket).")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final RegionLocation location = RegionLocation.of(region);
        if (Files.isDirectory(location.path())) // before the open, whose error would name the I/O call instead
        {
            throw new IllegalArgumentException(location.path() + " is a directory, not a region file");
        }
        if (Checks.isSpecialFile(location.path()))
        {
            // Even with --force: a region is always a regular file, and a device node or a FIFO never is one.
            throw new IllegalArgumentException("not deleting " + location.path() + ": it is not a regular file (a " +
                "device, FIFO or socket), so not a region file");
        }
        try (Region opened = Region.open(location.path().toString()))
        {
            final List<ParticipantInfo> live = opened.participants().snapshot().stream()
                .filter(ParticipantInfo::alive).collect(Collectors.toList());
            if (!live.isEmpty() && !force)
            {
                throw new IllegalStateException(live.size() + " live participant(s) attached to " + location.path() +
                    " (pids " + live.stream().map(p -> Long.toString(p.pid())).distinct()
                    .collect(Collectors.joining(",")) + "); stop them or use --force");
            }
        }
        catch (final dev.shoal.core.RegionFormatException ex)
        {
            if (!force)
            {
                throw new IllegalStateException("not deleting " + location.path() + ": it is not a valid region (" +
                    ShoalCli.oneLine(ex) + "); use --force to delete it anyway");
            }
        }
        catch (final InternalError ex)
        {
            // Reading its participants faulted (SIGBUS): a file cut short, or a page its full file system cannot
            // give. Nothing can be attached to a region in that state: --force deletes it without the read.
            if (!force)
            {
                throw new IllegalStateException("not deleting " + location.path() + ": reading it faulted (" +
                    ShoalCli.oneLine(ex) + "; " + RegionArg.faultCause(location.path()) + "); use --force to " +
                    "delete it anyway");
            }
        }
        if (!Region.delete(location))
        {
            throw new IllegalStateException("region not found: " + location.path());
        }
        spec.commandLine().getOut().println("deleted " + location.path());
        // A chunked run keeps its worker logs and spilled results in REGION.d beside its region: they go with it,
        // and only they (a folder of that name may be the user's own).
        final Path side = FileChunks.sideFolder(location.path());
        if (Files.isDirectory(side, LinkOption.NOFOLLOW_LINKS))
        {
            spec.commandLine().getOut().println(FileChunks.deleteSideFolder(location.path()) ? "deleted " + side :
                "kept " + side + ": it holds files no chunked run wrote");
        }
        return 0;
    }
}
