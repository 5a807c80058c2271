package dev.shoal.core;

/**
 * A named shared-memory write of a protocol (see {@link CrashPoints}). Implemented by one enum per protocol.
 */
public interface CrashPoint
{
    /**
     * @return the protocol this point belongs to ("ring", "heap", "participants", "region").
     */
    String protocol();

    /**
     * @return the point's name, unique within its protocol.
     */
    String name();

    /**
     * @return {@code protocol.name}, unique among all points.
     */
    default String id()
    {
        return protocol() + "." + name();
    }
}
