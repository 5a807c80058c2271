package dev.shoal.core;

/**
 * A snapshot of one participant entry, for inspection. Fields are read one by one, so a snapshot of an
 * entry that is changing at that moment may mix two states.
 *
 * @param index        entry index.
 * @param token        the participant token (generation and index); 0 when free.
 * @param pid          process id.
 * @param startMillis  process start time, epoch ms.
 * @param heartbeatMillis last heartbeat, epoch ms.
 * @param role         role, or {@code null} when the stored code is unknown.
 * @param attachedAtMillis when the entry was taken, epoch ms.
 * @param alive        whether the owning process is running (same pid and start time).
 */
public record ParticipantInfo(
    int index,
    long token,
    long pid,
    long startMillis,
    long heartbeatMillis,
    Role role,
    long attachedAtMillis,
    boolean alive)
{
}
