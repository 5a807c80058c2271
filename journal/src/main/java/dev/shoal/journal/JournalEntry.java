package dev.shoal.journal;

/**
 * A record with its place in the journal.
 *
 * @param index  the journal index (Chronicle's: cycle in the high bits, sequence in the low), usable with
 *               {@link JournalTailer#moveTo(long)} and {@code shoal journal tail --from}.
 * @param record the record.
 */
public record JournalEntry(long index, JournalRecord record)
{
}
