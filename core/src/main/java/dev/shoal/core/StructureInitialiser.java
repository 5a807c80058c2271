package dev.shoal.core;

import org.agrona.concurrent.AtomicBuffer;

/**
 * Writes a structure's initial state into a fresh, zero-filled region, before the ready word is written.
 */
@FunctionalInterface
interface StructureInitialiser
{
    /**
     * @param buffer the whole region.
     * @param info   where the structure lives.
     */
    void initialise(AtomicBuffer buffer, StructureInfo info);
}
