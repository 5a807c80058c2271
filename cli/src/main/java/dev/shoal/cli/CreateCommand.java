package dev.shoal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.shoal.core.ParticipantDescriptor;
import dev.shoal.core.Region;
import dev.shoal.core.RegionLocation;
import dev.shoal.core.RegionOptions;
import dev.shoal.core.RegionSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shoal create NAME|PATH [--array NAME:LENGTH[:padded]]...}: creates a region from the structures given.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Create a region holding the structures given.")
public final class CreateCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "NAME|PATH",
        description = "A bare name (a file in /dev/shm/shoal) or a file path, relative to the working directory.")
    String region;

    @Option(names = "--array", paramLabel = "NAME:LENGTH[:padded]",
        description = "A shared long array; 'padded' puts each element on its own 128-byte line.")
    List<String> arrays = new ArrayList<>();

    @Option(names = "--ring", paramLabel = "NAME:CAPACITY:SLOT_BYTES",
        description = "A lock-free job ring: CAPACITY a power of two, SLOT_BYTES (largest job) a multiple of 8.")
    List<String> rings = new ArrayList<>();

    @Option(names = "--heap", paramLabel = "NAME:CAPACITY:PAYLOAD_BYTES",
        description = "A min-heap of timestamped records (a cross-process scheduler).")
    List<String> heaps = new ArrayList<>();

    @Option(names = "--participants", defaultValue = "128", description = "Participant capacity (default 128).")
    int participants;

    @Option(names = "--group", description = "Make the file readable and writable by its group (0660).")
    boolean group;

    @Option(names = "--parents", description = "Create the missing folders of a file path (like mkdir -p).")
    boolean parents;

    @Mixin
    JsonOption json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Adds the structures other than arrays.
     *
     * @param builder the spec being built.
     */
    void addOtherStructures(final RegionSpec.Builder builder)
    {
        for (final String r : rings)
        {
            final String[] p = StructureArgs.split("--ring", r, 3, "NAME:CAPACITY:SLOT_BYTES");
            builder.jobRing(p[0], StructureArgs.parseInt("--ring", "CAPACITY", p[1]),
                StructureArgs.parseInt("--ring", "SLOT_BYTES", p[2]));
        }
        for (final String h : heaps)
        {
            final String[] p = StructureArgs.split("--heap", h, 3, "NAME:CAPACITY:PAYLOAD_BYTES");
            builder.scheduleHeap(p[0], StructureArgs.parseInt("--heap", "CAPACITY", p[1]),
                StructureArgs.parseInt("--heap", "PAYLOAD_BYTES", p[2]));
        }
    }

    @Override
    public Integer call() throws IOException
    {
        Checks.within(spec, "--participants", participants, 1, ParticipantDescriptor.MAX_CAPACITY);
        final RegionSpec regionSpec;
        try
        {
            final RegionSpec.Builder builder = RegionSpec.builder().participants(participants);
            for (final String a : arrays)
            {
                StructureArgs.addArray(builder, a);
            }
            addOtherStructures(builder);
            regionSpec = builder.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        if (regionSpec.structures().isEmpty())
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "give at least one structure, e.g. --array offsets:64");
        }
        final RegionLocation location;
        try
        {
            location = RegionLocation.of(region);
            location.checkCreatable();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        prepareFolder(location);
        try (Region created = Region.create(location, regionSpec, RegionOptions.defaults().withGroupAccess(group)))
        {
            if (json.enabled)
            {
                spec.commandLine().getOut().println(RegionReport.json(created));
            }
            else
            {
                spec.commandLine().getOut().println("created " + created.location().path() + " (" +
                    created.length() + " bytes, " + created.structures().size() + " structures)");
            }
        }
        return 0;
    }

    /**
     * A bare name lives in the default folder, which is made when missing; a file path's folder must exist unless
     * {@code --parents} says to make it: a typo in a path must not leave new folders behind.
     */
    private void prepareFolder(final RegionLocation location) throws IOException
    {
        final Path path = location.path();
        if (Files.isDirectory(path))
        {
            throw new IllegalArgumentException(path + " is a directory, not a region file");
        }
        final Path folder = path.getParent();
        if (RegionLocation.isBareName(region) || folder == null || Files.isDirectory(folder))
        {
            return;
        }
        if (Files.exists(folder))
        {
            throw new IllegalArgumentException(folder + " is not a folder");
        }
        if (!parents)
        {
            throw new IllegalArgumentException("folder " + folder + " does not exist (--parents creates it)");
        }
        Files.createDirectories(folder);
    }
}
