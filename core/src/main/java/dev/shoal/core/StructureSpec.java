package dev.shoal.core;

import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * One named structure of a {@link RegionSpec}: its kind, its parameters as stored in the directory, and its
 * byte length (which may depend on the region's participant capacity, e.g. a job ring's lease records).
 * Made by the structures' own factories ({@link SharedLongArray#spec}, {@code JobRing.spec}, ...).
 */
public final class StructureSpec
{
    private final String name;
    private final StructureKind kind;
    private final long[] params;
    private final IntToLongFunction lengthForParticipants;
    private final StructureInitialiser initialiser;

    /**
     * Not public: a spec made by hand could name a kind without the initialiser it needs (a ring left
     * uninitialised, refused only at its open), or a length its parameters do not fit; the factories make specs.
     *
     * @param name                  structure name, see {@link DirectoryDescriptor#checkName}.
     * @param kind                  its kind.
     * @param params                up to {@link DirectoryDescriptor#PARAM_COUNT} kind-specific parameters.
     * @param lengthForParticipants byte length as a function of the region's participant capacity.
     */
    StructureSpec(
        final String name,
        final StructureKind kind,
        final long[] params,
        final IntToLongFunction lengthForParticipants)
    {
        this(name, kind, params, lengthForParticipants, (buffer, info) -> { });
    }

    /**
     * For structures whose fresh memory is not all zeros (e.g. a ring's per-slot sequences).
     *
     * @param name                  structure name.
     * @param kind                  its kind.
     * @param params                kind-specific parameters.
     * @param lengthForParticipants byte length as a function of the participant capacity.
     * @param initialiser           writes the structure's initial state at creation, before the ready word.
     */
    StructureSpec(
        final String name,
        final StructureKind kind,
        final long[] params,
        final IntToLongFunction lengthForParticipants,
        final StructureInitialiser initialiser)
    {
        DirectoryDescriptor.checkName(name);
        java.util.Objects.requireNonNull(kind, "kind");
        if (params.length > DirectoryDescriptor.PARAM_COUNT)
        {
            throw new IllegalArgumentException("at most " + DirectoryDescriptor.PARAM_COUNT +
                " parameters: params.length=" + params.length);
        }
        this.name = name;
        this.kind = kind;
        this.params = Arrays.copyOf(params, DirectoryDescriptor.PARAM_COUNT);
        this.lengthForParticipants = lengthForParticipants;
        this.initialiser = initialiser;
    }

    StructureInitialiser initialiser()
    {
        return initialiser;
    }

    long[] params()
    {
        return params.clone();
    }

    /**
     * @return the structure name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the kind.
     */
    public StructureKind kind()
    {
        return kind;
    }

    /**
     * @param index parameter index.
     * @return the parameter.
     */
    public long param(final int index)
    {
        return params[index];
    }

    /**
     * @param participantCapacity the region's participant capacity.
     * @return the structure's byte length.
     */
    public long byteLength(final int participantCapacity)
    {
        return lengthForParticipants.applyAsLong(participantCapacity);
    }

    @Override
    public String toString()
    {
        return kind.label() + " " + name + Arrays.toString(params);
    }
}
