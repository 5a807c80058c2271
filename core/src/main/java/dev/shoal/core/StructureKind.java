package dev.shoal.core;

/**
 * The kinds of structure a region's directory can hold. The code is what the directory stores; the label is
 * what humans and JSON see.
 */
public enum StructureKind
{
    /** A {@link SharedLongArray}, plain or padded. */
    LONG_ARRAY(1, "array"),
    /** A lock-free multi-producer multi-consumer job ring. */
    JOB_RING(2, "ring"),
    /** A min-heap of timestamped records. */
    SCHEDULE_HEAP(3, "heap"),
    /** Raw bytes for a structure that lives above core, e.g. an Agrona ring buffer used by the process layer. */
    BYTES(4, "bytes");

    private static final StructureKind[] BY_CODE = new StructureKind[8];

    static
    {
        for (final StructureKind kind : values())
        {
            BY_CODE[kind.code] = kind;
        }
    }

    private final int code;
    private final String label;

    StructureKind(final int code, final String label)
    {
        this.code = code;
        this.label = label;
    }

    /**
     * @return the code stored in a directory entry.
     */
    public int code()
    {
        return code;
    }

    /**
     * @return the short human name: {@code array}, {@code ring}, {@code heap}, {@code bytes}.
     */
    public String label()
    {
        return label;
    }

    /**
     * @param code a code read from a directory entry.
     * @return the kind, or {@code null} when the code is unknown.
     */
    public static StructureKind fromCode(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
