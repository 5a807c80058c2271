package dev.shoal.ipc.cli;

import dev.shoal.core.Region;
import dev.shoal.core.StructureInfo;

/**
 * Live state of the structures whose views live in their own classes (rings, heaps), for {@code inspect}.
 */
final class StructureStates
{
    private StructureStates()
    {
    }

    static void describe(final Region region, final StructureInfo info, final Json json)
    {
        json.put("params", info.params());
    }
}
