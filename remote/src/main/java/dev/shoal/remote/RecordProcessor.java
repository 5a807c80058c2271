package dev.shoal.remote;

/**
 * What a remote heap consumer does with a record it popped (see {@link Agent#serveHeap}): processes it and says
 * when it is due next, or that it is done.
 */
@FunctionalInterface
public interface RecordProcessor
{
    /** Returned to complete the record: it leaves the heap. */
    long COMPLETE = Long.MIN_VALUE;

    /**
     * @param key        the record's key (its due time in the scheduler pattern).
     * @param payload    its payload.
     * @param deliveries deliveries since the record was pushed or last rescheduled, this one included: more than 1
     *                   when a consumer holding it was lost (a failed processing reschedules it, which starts the
     *                   count again).
     * @return its new key (it is rescheduled), or {@link #COMPLETE}.
     * @throws Exception when processing failed: the record is rescheduled at its old key, to be tried again.
     */
    long process(long key, byte[] payload, int deliveries) throws Exception;
}
