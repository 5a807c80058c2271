package dev.shoal.core;

/**
 * Where each part of a region goes for a given spec: header, directory, participant table, then each
 * structure on its own page boundary. Pure arithmetic, shared by creation and by spec matching.
 */
final class RegionLayout
{
    private final int directoryOffset;
    private final int participantsOffset;
    private final long firstStructureOffset;
    private final long[] structureOffsets;
    private final long[] structureLengths;
    private final long regionLength;

    private RegionLayout(final RegionSpec spec)
    {
        final int count = spec.structures().size();
        directoryOffset = HeaderDescriptor.HEADER_LENGTH;
        participantsOffset = directoryOffset + count * DirectoryDescriptor.ENTRY_LENGTH;
        final long tableEnd = participantsOffset +
            (long)spec.participantCapacity() * ParticipantDescriptor.ENTRY_LENGTH;
        firstStructureOffset = HeaderDescriptor.alignToPage(tableEnd);
        structureOffsets = new long[count];
        structureLengths = new long[count];
        long next = firstStructureOffset;
        for (int i = 0; i < count; i++)
        {
            final long length = spec.structures().get(i).byteLength(spec.participantCapacity());
            if (length <= 0)
            {
                throw new IllegalArgumentException("structure length must be positive: " +
                    spec.structures().get(i) + " length=" + length);
            }
            structureOffsets[i] = next;
            structureLengths[i] = length;
            next = HeaderDescriptor.alignToPage(next + length);
        }
        regionLength = Math.max(next, HeaderDescriptor.alignToPage(tableEnd));
    }

    static RegionLayout of(final RegionSpec spec)
    {
        return new RegionLayout(spec);
    }

    int directoryOffset()
    {
        return directoryOffset;
    }

    int participantsOffset()
    {
        return participantsOffset;
    }

    long firstStructureOffset()
    {
        return firstStructureOffset;
    }

    long structureOffset(final int index)
    {
        return structureOffsets[index];
    }

    long structureLength(final int index)
    {
        return structureLengths[index];
    }

    long regionLength()
    {
        return regionLength;
    }
}
