package dev.shoal.core;

/**
 * A validated directory entry of an open region: where a named structure lives and its parameters.
 *
 * @param index  position in the directory.
 * @param name   structure name.
 * @param kind   structure kind.
 * @param offset byte offset in the region.
 * @param length byte length.
 * @param params kind-specific parameters ({@link DirectoryDescriptor#PARAM_COUNT} of them).
 */
public record StructureInfo(int index, String name, StructureKind kind, long offset, long length, long[] params)
{
    /**
     * @param i parameter index.
     * @return the parameter.
     */
    public long param(final int i)
    {
        return params[i];
    }

    @Override
    public String toString()
    {
        return "directory[" + index + "] " + kind.label() + " '" + name + "' offset=" + offset + " length=" + length;
    }
}
