package dev.shoal.journal;

import java.nio.file.Path;
import java.util.List;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.collections.Long2LongHashMap;

/**
 * The keyed jobs a journal records as completed (status ok), for resume: a map from a 64-bit hash of the key to
 * the journal index of its result, built by one pass over the journal. Results stay in the journal: a lookup
 * reads the record at the index and checks its key, so memory is about 32 bytes per key (32 MB for a million)
 * whatever the result sizes, and a hash collision costs a re-run of a job, never a wrong result.
 *
 * <p>Thread-safe: lookups are serialised (one Chronicle tailer).
 */
public final class CompletedJobs implements AutoCloseable
{
    static
    {
        ChronicleGuard.ensure();
    }

    private static final long MISSING = -1L;

    private final Long2LongHashMap indexByKeyHash = new Long2LongHashMap(MISSING);
    private final ExcerptTailer tailer;
    private final Path dir;
    /** The cycle files the scan read past as empty (0 bytes). */
    private List<Path> emptyCycleFiles = List.of();

    private CompletedJobs(final ExcerptTailer tailer, final Path dir)
    {
        this.tailer = tailer;
        this.dir = dir;
        // Lookups come from whichever thread submits; the monitor serialises them.
        tailer.singleThreadedCheckDisabled(true);
    }

    static CompletedJobs scan(final ChronicleQueue queue, final Path dir)
    {
        final CompletedJobs jobs = new CompletedJobs(queue.createTailer(), dir);
        // Through a JournalTailer, which steps over empty cycle files: Chronicle's own tailer stops at one for good.
        try (JournalTailer scanner = new JournalTailer(queue, dir, false))
        {
            for (JournalEntry entry = scanner.next(); entry != null; entry = scanner.next())
            {
                final String key = completedKey(entry.record());
                if (key != null)
                {
                    jobs.indexByKeyHash.put(hash(key), entry.index());
                }
            }
            jobs.emptyCycleFiles = List.copyOf(scanner.emptyCycleFiles());
        }
        return jobs;
    }

    /**
     * @return the cycle files the scan found empty (0 bytes) and read past: records they held, if any were written,
     *     are not among the completed keys, so their jobs run again.
     */
    public List<Path> emptyCycleFiles()
    {
        return emptyCycleFiles;
    }

    /**
     * @return how many keys the journal records as completed.
     */
    public synchronized int size()
    {
        return indexByKeyHash.size();
    }

    /**
     * @param key a job key.
     * @return the journaled result bytes when the journal records the key as completed, else {@code null}.
     */
    public synchronized byte[] resultOf(final String key)
    {
        if (key.isEmpty())
        {
            return null;
        }
        final long index = indexByKeyHash.get(hash(key));
        if (index == MISSING)
        {
            return null;
        }
        if (!tailer.moveToIndex(index))
        {
            throw new JournalFormatException("journal " + dir + ": indexed record index=" + index + " is gone");
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            for (final JournalRecord record : JournalCodec.readAll(dc.wire().bytes(), index, dir))
            {
                if (key.equals(completedKey(record)))
                {
                    return ((ResultRecord)record).body();
                }
            }
            return null;
        }
    }

    private static String completedKey(final JournalRecord record)
    {
        return record instanceof ResultRecord r && r.status() == JournalStatus.OK && !r.key().isEmpty() ?
            r.key() : null;
    }

    /**
     * A 64-bit hash of a key's characters: FNV-1a, then the murmur3 finaliser to spread the bits.
     *
     * @param key the key.
     * @return its hash.
     */
    static long hash(final String key)
    {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++)
        {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        h = (h ^ (h >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /**
     * Closes the lookup tailer.
     */
    @Override
    public synchronized void close()
    {
        tailer.close();
    }
}
