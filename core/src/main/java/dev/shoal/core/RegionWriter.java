package dev.shoal.core;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.AtomicBuffer;

import static dev.shoal.core.HeaderDescriptor.*;

/**
 * Writes a fresh region: header, directory, each structure's initial state, and the ready word last.
 */
final class RegionWriter
{
    private RegionWriter()
    {
    }

    static void write(
        final AtomicBuffer buffer,
        final RegionSpec spec,
        final RegionLayout layout,
        final RegionOptions options)
    {
        buffer.putLong(MAGIC_OFFSET, MAGIC);
        buffer.putInt(VERSION_OFFSET, LAYOUT_VERSION);
        buffer.putLong(REGION_LENGTH_OFFSET, layout.regionLength());
        buffer.putLong(CREATOR_PID_OFFSET, ProcessLiveness.currentPid());
        buffer.putLong(CREATOR_START_OFFSET, ProcessLiveness.currentStartMillis());
        buffer.putLong(CREATED_AT_OFFSET, System.currentTimeMillis());
        buffer.putInt(DIRECTORY_OFFSET_OFFSET, layout.directoryOffset());
        buffer.putInt(DIRECTORY_COUNT_OFFSET, spec.structures().size());
        buffer.putInt(PARTICIPANTS_OFFSET_OFFSET, layout.participantsOffset());
        buffer.putInt(PARTICIPANT_CAPACITY_OFFSET, spec.participantCapacity());
        buffer.putLong(FIRST_STRUCTURE_OFFSET_OFFSET, layout.firstStructureOffset());
        buffer.putInt(FLAGS_OFFSET, options.groupAccess() ? FLAG_GROUP_ACCESS : 0);

        for (int i = 0; i < spec.structures().size(); i++)
        {
            final StructureSpec s = spec.structures().get(i);
            final int e = DirectoryDescriptor.entryOffset(layout.directoryOffset(), i);
            final byte[] name = s.name().getBytes(StandardCharsets.US_ASCII);
            buffer.putInt(e + DirectoryDescriptor.KIND_OFFSET, s.kind().code());
            buffer.putInt(e + DirectoryDescriptor.NAME_LENGTH_OFFSET, name.length);
            buffer.putBytes(e + DirectoryDescriptor.NAME_OFFSET, name);
            buffer.putLong(e + DirectoryDescriptor.STRUCTURE_OFFSET_OFFSET, layout.structureOffset(i));
            buffer.putLong(e + DirectoryDescriptor.STRUCTURE_LENGTH_OFFSET, layout.structureLength(i));
            final long[] params = s.params();
            for (int p = 0; p < params.length; p++)
            {
                buffer.putLong(e + DirectoryDescriptor.paramOffset(p), params[p]);
            }
            s.initialiser().initialise(buffer, new StructureInfo(
                i, s.name(), s.kind(), layout.structureOffset(i), layout.structureLength(i), params));
        }
        CrashPoints.at(RegionCrashPoint.CREATE_READY);
        // Release, and last: an opener that reads READY with acquire sees everything written above.
        buffer.putIntRelease(READY_OFFSET, READY);
    }
}
