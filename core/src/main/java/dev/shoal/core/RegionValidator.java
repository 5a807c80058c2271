package dev.shoal.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.agrona.concurrent.AtomicBuffer;

import static dev.shoal.core.HeaderDescriptor.*;

/**
 * Checks every number of a mapped region's header and directory before anything else uses them. Each failure
 * is a {@link RegionFormatException} that names the field and its value. Reads are plain: the caller has
 * already read the ready word with acquire semantics, and the header and directory never change after it.
 */
final class RegionValidator
{
    private RegionValidator()
    {
    }

    /**
     * The part that can be checked before the ready word: length, magic and version.
     */
    static void checkPreamble(final AtomicBuffer buffer, final long fileLength)
    {
        if (fileLength < HEADER_LENGTH)
        {
            throw new RegionFormatException("file length=" + fileLength + " smaller than the header length=" +
                HEADER_LENGTH + (fileLength == 0 ? " (empty file)" : " (truncated file)"));
        }
        final long magic = buffer.getLong(MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            throw new RegionFormatException("header.magic=0x" + Long.toHexString(magic) +
                " is not a Shoal region (expected 0x" + Long.toHexString(MAGIC) + ")");
        }
        final int version = buffer.getInt(VERSION_OFFSET);
        if (version > LAYOUT_VERSION)
        {
            throw new RegionFormatException("header.version=" + version +
                " is newer than this Shoal supports (" + LAYOUT_VERSION + "): upgrade Shoal to open it");
        }
        if (version < 1)
        {
            throw new RegionFormatException("header.version=" + version +
                " is not a layout version (they count from 1): the header is corrupt");
        }
        if (version < LAYOUT_VERSION)
        {
            throw new RegionFormatException("header.version=" + version + " is older than this Shoal reads (" +
                LAYOUT_VERSION + "): its processes would recover its structures differently; recreate the region");
        }
    }

    /**
     * @return the exception for a file shorter than the region its header describes.
     */
    static RegionFormatException truncated(final Path file, final long fileLength, final long regionLength)
    {
        return new RegionFormatException("region " + file + " is " + fileLength + " bytes but its header says " +
            regionLength + ": truncated");
    }

    /**
     * Everything after the ready word: lengths, offsets, counts and every directory entry.
     *
     * @return the validated directory.
     */
    static List<StructureInfo> checkLayout(final AtomicBuffer buffer, final long fileLength, final Path file)
    {
        final long regionLength = buffer.getLong(REGION_LENGTH_OFFSET);
        if (regionLength < HEADER_LENGTH || regionLength > RegionSpec.MAX_REGION_LENGTH)
        {
            throw new RegionFormatException("header.regionLength=" + regionLength + " out of range " +
                HEADER_LENGTH + ".." + RegionSpec.MAX_REGION_LENGTH);
        }
        if (regionLength > fileLength)
        {
            throw truncated(file, fileLength, regionLength);
        }
        final int directoryOffset = buffer.getInt(DIRECTORY_OFFSET_OFFSET);
        if (directoryOffset != HEADER_LENGTH)
        {
            throw new RegionFormatException("header.directoryOffset=" + directoryOffset + " expected " +
                HEADER_LENGTH);
        }
        final int count = buffer.getInt(DIRECTORY_COUNT_OFFSET);
        if (count < 0 || count > DirectoryDescriptor.MAX_ENTRIES)
        {
            throw new RegionFormatException("header.directoryCount=" + count + " out of range 0.." +
                DirectoryDescriptor.MAX_ENTRIES);
        }
        final int participantsOffset = buffer.getInt(PARTICIPANTS_OFFSET_OFFSET);
        final long expectedParticipants = directoryOffset + (long)count * DirectoryDescriptor.ENTRY_LENGTH;
        if (participantsOffset != expectedParticipants)
        {
            throw new RegionFormatException("header.participantsOffset=" + participantsOffset + " expected " +
                expectedParticipants + " for directoryCount=" + count);
        }
        final int capacity = buffer.getInt(PARTICIPANT_CAPACITY_OFFSET);
        if (capacity < 1 || capacity > ParticipantDescriptor.MAX_CAPACITY)
        {
            throw new RegionFormatException("header.participantCapacity=" + capacity + " out of range 1.." +
                ParticipantDescriptor.MAX_CAPACITY);
        }
        final long tableEnd = participantsOffset + (long)capacity * ParticipantDescriptor.ENTRY_LENGTH;
        final long firstStructure = buffer.getLong(FIRST_STRUCTURE_OFFSET_OFFSET);
        if (firstStructure < tableEnd || firstStructure > regionLength)
        {
            throw new RegionFormatException("header.firstStructureOffset=" + firstStructure + " outside " +
                tableEnd + ".." + regionLength + " (participant table end..region length)");
        }
        return checkDirectory(buffer, directoryOffset, count, firstStructure, regionLength);
    }

    private static List<StructureInfo> checkDirectory(
        final AtomicBuffer buffer,
        final int directoryOffset,
        final int count,
        final long firstStructure,
        final long regionLength)
    {
        final List<StructureInfo> entries = new ArrayList<>(count);
        final Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++)
        {
            final StructureInfo info = readEntry(buffer, directoryOffset, i, firstStructure, regionLength);
            if (!names.add(info.name()))
            {
                throw new RegionFormatException("directory[" + i + "].name=" + info.name() + " duplicated");
            }
            entries.add(info);
        }
        final List<StructureInfo> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(StructureInfo::offset));
        for (int i = 1; i < byOffset.size(); i++)
        {
            final StructureInfo before = byOffset.get(i - 1);
            final StructureInfo after = byOffset.get(i);
            if (before.offset() + before.length() > after.offset())
            {
                throw new RegionFormatException("directory[" + after.index() + "].offset=" + after.offset() +
                    " overlaps directory[" + before.index() + "] (offset=" + before.offset() + " length=" +
                    before.length() + ")");
            }
        }
        return entries;
    }

    private static StructureInfo readEntry(
        final AtomicBuffer buffer,
        final int directoryOffset,
        final int index,
        final long firstStructure,
        final long regionLength)
    {
        final int e = DirectoryDescriptor.entryOffset(directoryOffset, index);
        final String field = "directory[" + index + "]";
        final int kindCode = buffer.getInt(e + DirectoryDescriptor.KIND_OFFSET);
        final StructureKind kind = StructureKind.fromCode(kindCode);
        if (kind == null)
        {
            throw new RegionFormatException(field + ".kind=" + kindCode + " unknown");
        }
        final int nameLength = buffer.getInt(e + DirectoryDescriptor.NAME_LENGTH_OFFSET);
        if (nameLength < 1 || nameLength > DirectoryDescriptor.MAX_NAME_LENGTH)
        {
            throw new RegionFormatException(field + ".nameLength=" + nameLength + " out of range 1.." +
                DirectoryDescriptor.MAX_NAME_LENGTH);
        }
        final byte[] nameBytes = new byte[nameLength];
        buffer.getBytes(e + DirectoryDescriptor.NAME_OFFSET, nameBytes);
        final String name = new String(nameBytes, StandardCharsets.US_ASCII);
        if (!DirectoryDescriptor.isValidName(name))
        {
            throw new RegionFormatException(field + ".name=" + printable(nameBytes) +
                " holds characters outside [A-Za-z0-9._-]");
        }
        final long offset = buffer.getLong(e + DirectoryDescriptor.STRUCTURE_OFFSET_OFFSET);
        final long length = buffer.getLong(e + DirectoryDescriptor.STRUCTURE_LENGTH_OFFSET);
        if (offset < firstStructure || (offset & (Long.BYTES - 1)) != 0)
        {
            throw new RegionFormatException(field + ".offset=" + offset + " before the first structure offset=" +
                firstStructure + " or not 8-byte aligned");
        }
        if (offset > regionLength)
        {
            throw new RegionFormatException(field + ".offset=" + offset + " beyond region length=" + regionLength);
        }
        if (length <= 0 || length > regionLength - offset)
        {
            throw new RegionFormatException(field + ".length=" + length + " at offset=" + offset +
                " beyond region length=" + regionLength);
        }
        final long[] params = new long[DirectoryDescriptor.PARAM_COUNT];
        for (int p = 0; p < params.length; p++)
        {
            params[p] = buffer.getLong(e + DirectoryDescriptor.paramOffset(p));
        }
        return new StructureInfo(index, name, kind, offset, length, params);
    }

    private static String printable(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte b : bytes)
        {
            sb.append(b >= 0x20 && b < 0x7f ? Character.toString((char)b) : String.format("\\x%02x", b & 0xff));
        }
        return sb.toString();
    }

    /**
     * Compares an open region with the spec it was opened with.
     */
    static void checkMatches(
        final RegionLocation location,
        final List<StructureInfo> directory,
        final int participantCapacity,
        final RegionSpec spec)
    {
        final String where = "region " + location.path() + " does not match the spec: ";
        if (participantCapacity != spec.participantCapacity())
        {
            throw new RegionMismatchException(where + "participants=" + participantCapacity + " but spec wants " +
                spec.participantCapacity());
        }
        final RegionLayout layout = RegionLayout.of(spec);
        final List<StructureSpec> wanted = spec.structures();
        if (directory.size() != wanted.size())
        {
            throw new RegionMismatchException(where + "it holds " + describe(directory) + " but spec wants " +
                wanted);
        }
        for (int i = 0; i < wanted.size(); i++)
        {
            final StructureSpec w = wanted.get(i);
            final StructureInfo have = directory.get(i);
            if (!w.name().equals(have.name()) || w.kind() != have.kind() ||
                !Arrays.equals(w.params(), have.params()) || layout.structureLength(i) != have.length())
            {
                throw new RegionMismatchException(where + "directory[" + i + "] is " + have.kind().label() + " '" +
                    have.name() + "' " + Arrays.toString(have.params()) + " length=" + have.length() +
                    " but spec wants " + w + " length=" + layout.structureLength(i));
            }
        }
    }

    static String describe(final List<StructureInfo> directory)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (final StructureInfo info : directory)
        {
            sb.append(sb.length() > 1 ? ", " : "").append(info.name()).append(" (").append(info.kind().label())
                .append(')');
        }
        return sb.append(']').toString();
    }
}
