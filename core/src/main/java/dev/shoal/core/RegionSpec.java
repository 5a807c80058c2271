package dev.shoal.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fixed layout of a region: its named structures and its participant capacity. Built once with
 * {@link #builder()}; a region created from a spec never changes shape.
 *
 * <pre>{@code
 * RegionSpec spec = RegionSpec.builder()
 *     .longArray("offsets", 64)
 *     .paddedLongArray("counters", 8)
 *     .participants(128)
 *     .build();
 * }</pre>
 */
public final class RegionSpec
{
    /** Participant capacity when none is given. */
    public static final int DEFAULT_PARTICIPANTS = 128;
    /** Largest region, in bytes: one mapping, addressed by int offsets. */
    public static final long MAX_REGION_LENGTH = Integer.MAX_VALUE - HeaderDescriptor.PAGE_SIZE + 1;

    private final List<StructureSpec> structures;
    private final int participantCapacity;

    private RegionSpec(final List<StructureSpec> structures, final int participantCapacity)
    {
        this.structures = Collections.unmodifiableList(new ArrayList<>(structures));
        this.participantCapacity = participantCapacity;
    }

    /**
     * @return a new builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return the structures in directory order.
     */
    public List<StructureSpec> structures()
    {
        return structures;
    }

    /**
     * @return how many participants may attach at once.
     */
    public int participantCapacity()
    {
        return participantCapacity;
    }

    @Override
    public String toString()
    {
        return "RegionSpec{participants=" + participantCapacity + ", structures=" + structures + "}";
    }

    /**
     * Collects the structures of a region, checking each as it is added.
     */
    public static final class Builder
    {
        private final List<StructureSpec> structures = new ArrayList<>();
        private int participantCapacity = DEFAULT_PARTICIPANTS;

        private Builder()
        {
        }

        /**
         * @param name   structure name.
         * @param length element count.
         * @return this builder.
         */
        public Builder longArray(final String name, final int length)
        {
            return add(SharedLongArray.spec(name, length, false));
        }

        /**
         * An array whose elements each sit on their own 128-byte line.
         *
         * @param name   structure name.
         * @param length element count.
         * @return this builder.
         */
        public Builder paddedLongArray(final String name, final int length)
        {
            return add(SharedLongArray.spec(name, length, true));
        }

        /**
         * A min-heap of timestamped records, see {@link ScheduleHeap}.
         *
         * @param name         structure name.
         * @param capacity     most records.
         * @param payloadBytes largest payload of a record.
         * @return this builder.
         */
        public Builder scheduleHeap(final String name, final int capacity, final int payloadBytes)
        {
            return add(ScheduleHeap.spec(name, capacity, payloadBytes));
        }

        /**
         * A {@link JobRing}, with one lease record per participant-table entry.
         *
         * @param name      structure name.
         * @param capacity  slot count, a power of two.
         * @param slotBytes largest job in bytes, a multiple of 8.
         * @return this builder.
         */
        public Builder jobRing(final String name, final int capacity, final int slotBytes)
        {
            return add(JobRing.spec(name, capacity, slotBytes));
        }

        /**
         * Raw bytes for a structure kept above core (e.g. an Agrona ring buffer).
         *
         * @param name   structure name.
         * @param length byte length, a multiple of 8.
         * @return this builder.
         */
        public Builder bytes(final String name, final int length)
        {
            if (length < Long.BYTES || (length & (Long.BYTES - 1)) != 0)
            {
                throw new IllegalArgumentException("bytes length must be a positive multiple of 8: length=" + length);
            }
            return add(new StructureSpec(name, StructureKind.BYTES, new long[]{ length }, p -> length));
        }

        /**
         * @param spec any structure, made by its own factory.
         * @return this builder.
         */
        public Builder add(final StructureSpec spec)
        {
            java.util.Objects.requireNonNull(spec, "spec"); // it failed later, inside build()
            for (final StructureSpec existing : structures)
            {
                if (existing.name().equals(spec.name()))
                {
                    throw new IllegalArgumentException("duplicate structure name: name=" + spec.name());
                }
            }
            if (structures.size() >= DirectoryDescriptor.MAX_ENTRIES)
            {
                throw new IllegalArgumentException("too many structures: max=" + DirectoryDescriptor.MAX_ENTRIES);
            }
            structures.add(spec);
            return this;
        }

        /**
         * @param capacity how many participants (processes or per-thread handles) may attach at once.
         * @return this builder.
         */
        public Builder participants(final int capacity)
        {
            if (capacity < 1 || capacity > ParticipantDescriptor.MAX_CAPACITY)
            {
                throw new IllegalArgumentException(
                    "participants must be 1.." + ParticipantDescriptor.MAX_CAPACITY + ": participants=" + capacity);
            }
            this.participantCapacity = capacity;
            return this;
        }

        /**
         * @return the spec.
         * @throws IllegalArgumentException when the region would exceed {@link #MAX_REGION_LENGTH}.
         */
        public RegionSpec build()
        {
            final RegionSpec spec = new RegionSpec(structures, participantCapacity);
            final long length = RegionLayout.of(spec).regionLength();
            if (length > MAX_REGION_LENGTH)
            {
                throw new IllegalArgumentException(
                    "region too large: length=" + length + " max=" + MAX_REGION_LENGTH);
            }
            return spec;
        }
    }
}
