package dev.shoal.core;

/**
 * Layout of one directory entry: a named structure's place in the region. Entries follow the header
 * back to back; the header says how many there are.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  0
 *  |          kind (int)           |       name length (int)       |
 *  +---------------------------------------------------------------+  8
 *  |               name, US-ASCII, zero padded (48 bytes)          |
 *  |                              ...                              |
 *  +---------------------------------------------------------------+ 56
 *  |                   structure offset (long)                     |
 *  +---------------------------------------------------------------+ 64
 *  |                   structure length (long)                     |
 *  +---------------------------------------------------------------+ 72
 *  |            kind-specific parameters: 6 longs (48 bytes)       |
 *  |                              ...                              |
 *  +---------------------------------------------------------------+ 120
 *  |                         reserved (long)                       |
 *  +---------------------------------------------------------------+ 128
 * </pre>
 *
 * <p>Entries are written once by the creator before the ready word and never change afterwards, so plain
 * reads are enough once the ready word has been read with acquire semantics.
 */
public final class DirectoryDescriptor
{
    /** Longest structure name in bytes. */
    public static final int MAX_NAME_LENGTH = 48;
    /** Number of kind-specific parameters. */
    public static final int PARAM_COUNT = 6;
    /** Most structures a region may hold. */
    public static final int MAX_ENTRIES = 256;

    /** Offset of the kind code. */
    public static final int KIND_OFFSET = 0;
    /** Offset of the name length. */
    public static final int NAME_LENGTH_OFFSET = KIND_OFFSET + Integer.BYTES;
    /** Offset of the name bytes. */
    public static final int NAME_OFFSET = NAME_LENGTH_OFFSET + Integer.BYTES;
    /** Offset of the structure offset. */
    public static final int STRUCTURE_OFFSET_OFFSET = NAME_OFFSET + MAX_NAME_LENGTH;
    /** Offset of the structure length. */
    public static final int STRUCTURE_LENGTH_OFFSET = STRUCTURE_OFFSET_OFFSET + Long.BYTES;
    /** Offset of the first parameter. */
    public static final int PARAMS_OFFSET = STRUCTURE_LENGTH_OFFSET + Long.BYTES;
    /** Length of one entry. */
    public static final int ENTRY_LENGTH = 128;

    private DirectoryDescriptor()
    {
    }

    /**
     * @param directoryOffset where the directory starts.
     * @param index           entry index.
     * @return offset of the entry.
     */
    public static int entryOffset(final int directoryOffset, final int index)
    {
        return directoryOffset + index * ENTRY_LENGTH;
    }

    /**
     * @param index parameter index, 0 to {@link #PARAM_COUNT} - 1.
     * @return offset of the parameter within an entry.
     */
    public static int paramOffset(final int index)
    {
        return PARAMS_OFFSET + index * Long.BYTES;
    }

    /**
     * Checks that a name can be stored: 1 to 48 characters of {@code [A-Za-z0-9._-]}.
     *
     * @param name the structure name.
     * @throws IllegalArgumentException naming the problem.
     */
    public static void checkName(final String name)
    {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH)
        {
            throw new IllegalArgumentException(
                "structure name must be 1.." + MAX_NAME_LENGTH + " characters: name=" + name);
        }
        if (!isValidName(name))
        {
            throw new IllegalArgumentException("structure name may hold only [A-Za-z0-9._-]: name=" + name);
        }
    }

    static boolean isValidName(final CharSequence name)
    {
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
