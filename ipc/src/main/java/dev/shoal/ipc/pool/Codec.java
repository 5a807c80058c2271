package dev.shoal.ipc.pool;

/**
 * Turns a job's typed argument or result into bytes and back. Jobs are data: a handler name plus bytes.
 * No Java serialization anywhere; a codec says exactly what goes over the wire.
 *
 * @param <T> the value type.
 */
public interface Codec<T>
{
    /**
     * @param value the value.
     * @return its bytes.
     */
    byte[] encode(T value);

    /**
     * @param bytes bytes made by {@link #encode}.
     * @return the value.
     */
    T decode(byte[] bytes);
}
