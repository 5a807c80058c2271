package dev.shoal.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.IdleStrategy;

import static dev.shoal.core.JobRingDescriptor.*;

/**
 * A lock-free multi-producer multi-consumer job ring in a region, shared by every process that maps it, with
 * {@code JoinableQueue} semantics and crash recovery. Each job goes to exactly one consumer unless a consumer
 * dies holding it (then it is redelivered: at-least-once). See {@link JobRingDescriptor} for the bytes and
 * {@code docs/job-ring.md} for the full protocol with every crash point.
 *
 * <pre>{@code
 * RegionSpec spec = RegionSpec.builder().add(JobRing.spec("jobs", 1024, 64)).build();
 * JobRing ring = JobRing.open(region, "jobs");
 * try (JobProducer producer = ring.producer()) { producer.offer(bytes, 0, bytes.length); }
 * try (JobConsumer consumer = ring.consumer())
 * {
 *     if (consumer.poll((id, attempt, buffer, offset, length) -> work(buffer, offset, length)))
 *     {
 *         consumer.taskDone();
 *     }
 * }
 * }</pre>
 *
 * <h2>Protocol</h2>
 * Sequences count up from 0; sequence {@code s} lives in slot {@code s & (capacity - 1)} and is the job's id.
 * Each slot word names the sequence it is for, so every contested transition is a CAS from one lap's exact value
 * (the publish of an offer is a store: nobody else writes a live producer's claim):
 * <pre>
 *   FREE(s) --publish (store)--&gt; PUBLISHED(s) --consumer CAS--&gt; TAKEN(s, lease) --release--&gt; FREE(s+cap)
 *   FREE(s) --recoverer CAS, claimant dead / producer abort--&gt; ABANDONED(s) --release--&gt; FREE(s+cap)
 * </pre>
 * <ol>
 *   <li><b>Offer.</b> Read tail {@code t} (volatile) and slot {@code t} (volatile): it must be {@code FREE(t)}.
 *       Write the claim intent {@code (t, n)} into the participant's intent word (release store, ordered by
 *       the volatile CAS that follows), then CAS tail {@code t -> t+n}. Write length and payload (plain),
 *       then store {@code PUBLISHED(t)} (release: publishes the payload; a {@code tryClaim}'s commit does the
 *       same). No counter: submitted is derived from the tail.</li>
 *   <li><b>Take.</b> Read head {@code h} and slot {@code h} (volatile); on {@code PUBLISHED(h)} write
 *       {@code h} into the own lease record's sequence (plain), then CAS the slot to {@code TAKEN(h, lease)}:
 *       this CAS decides which consumer gets the job. CAS head {@code h -> h+1} (others help). Copy length
 *       and payload into the lease record with the done base (plain), store the lease word
 *       {@code LEASED(token, 1)} (release: publishes the copy), then store {@code FREE(h+cap)} into the slot
 *       (release: our reads of the payload happen before a producer reuses it).</li>
 *   <li><b>Task done.</b> Store {@code done = base + 1} (release; idempotent, so a redelivered copy that also
 *       completes counts once), then the lease word back to {@code RESERVED} (or 0 for a handed-over record).</li>
 * </ol>
 * Crash recovery (slow paths only, see {@link RingRecovery}): a consumer stalled on {@code FREE(h)} with
 * {@code tail > h} looks for a live participant whose claim intent covers {@code h}; if none, it CASes
 * {@code FREE(h) -> ABANDONED(h)}. A live producer's intent covers its claim until its next claim, and a close
 * from another thread waits for a claim in flight, so an abandon never races a publish. A lease record whose
 * holder is dead is taken over with one CAS of its lease word (handed to the noticing consumer, or made
 * {@code PENDING} for any consumer), and a slot left {@code TAKEN} by a dead taker is either released (the
 * record holds the job) or copied into the record.
 */
public final class JobRing
{
    /** Intent word holding the ring tag of a producer handle. */
    static final int TAG_INTENT = 0;
    /** Intent word holding a producer's claim: {@code sequence << 8 | count}. */
    static final int CLAIM_INTENT = 1;
    /** Largest batch one claim may cover. */
    public static final int MAX_BATCH = JobRingDescriptor.MAX_CLAIM;

    private final Region region;
    private final AtomicBuffer buffer;
    private final String name;
    private final int base;
    private final int capacity;
    private final int mask;
    private final int slotBytes;
    private final int leaseCount;
    private final int leasesBase;
    private final long tag;
    private final RingWords words;

    private JobRing(final Region region, final StructureInfo info, final int capacity, final int slotBytes,
        final int leaseCount)
    {
        this.region = region;
        this.buffer = region.buffer();
        this.name = info.name();
        this.base = (int)info.offset();
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.slotBytes = slotBytes;
        this.leaseCount = leaseCount;
        this.leasesBase = base + (int)leasesOffset(capacity, slotBytes);
        this.tag = (0x52494E47L << 32) | (info.index() + 1);
        this.words = new RingWords(buffer, base + HEAD_OFFSET, base + TAIL_OFFSET);
    }

    /**
     * @param name      structure name.
     * @param capacity  slot count, a power of two.
     * @param slotBytes largest job in bytes, a multiple of 8 and at least 8.
     * @return the spec to add to a {@link RegionSpec}; one lease record per participant-table entry follows.
     * @throws IllegalArgumentException naming the bad value.
     */
    public static StructureSpec spec(final String name, final int capacity, final int slotBytes)
    {
        checkCapacity(capacity);
        checkSlotBytes(slotBytes);
        return new StructureSpec(name, StructureKind.JOB_RING, new long[]{ capacity, slotBytes },
            participants -> byteLength(capacity, slotBytes, participants), JobRing::initialise);
    }

    private static void initialise(final AtomicBuffer buffer, final StructureInfo info)
    {
        final int base = (int)info.offset();
        final int capacity = (int)info.param(PARAM_CAPACITY);
        final int slotBytes = (int)info.param(PARAM_SLOT_BYTES);
        final int leaseCount = buffer.getInt(HeaderDescriptor.PARTICIPANT_CAPACITY_OFFSET);
        checkLeaseCount(leaseCount);
        buffer.putLong(base + MAGIC_OFFSET, RING_MAGIC);
        buffer.putInt(base + CAPACITY_OFFSET, capacity);
        buffer.putInt(base + SLOT_BYTES_OFFSET, slotBytes);
        buffer.putInt(base + LEASE_COUNT_OFFSET, leaseCount);
        for (int i = 0; i < capacity; i++)
        {
            buffer.putLong(slotOffset(base, slotBytes, i) + SLOT_WORD_OFFSET, slotWord(i, SLOT_FREE, 0));
        }
        final int leases = base + (int)leasesOffset(capacity, slotBytes);
        for (int i = 0; i < leaseCount; i++)
        {
            buffer.putLong(JobRingDescriptor.leaseOffset(leases, slotBytes, i) + LEASE_SEQUENCE_OFFSET, -1);
        }
        // plain stores suffice: the region's ready word, written last with release, publishes all of this
    }

    /**
     * Opens a ring, validating every number read from the directory and the ring header.
     *
     * @param region an open region.
     * @param name   the ring's name.
     * @return a view of the ring; thread-safe (the handles it makes are not).
     * @throws IllegalArgumentException when there is no ring of that name.
     * @throws RegionFormatException    when a stored value is invalid, naming the field and value.
     */
    public static JobRing open(final Region region, final String name)
    {
        region.checkOpen();
        final StructureInfo info = region.structure(name, StructureKind.JOB_RING);
        final String field = "directory[" + info.index() + "]";
        final long capacity = info.param(PARAM_CAPACITY);
        final long slotBytes = info.param(PARAM_SLOT_BYTES);
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1)
        {
            throw new RegionFormatException(field + ".params[0] (ring capacity)=" + capacity +
                " not a power of two in " + MIN_CAPACITY + ".." + MAX_CAPACITY);
        }
        if (slotBytes < Long.BYTES || slotBytes > MAX_SLOT_BYTES || (slotBytes & (Long.BYTES - 1)) != 0)
        {
            throw new RegionFormatException(field + ".params[1] (ring slot bytes)=" + slotBytes +
                " not a multiple of 8 in 8.." + MAX_SLOT_BYTES);
        }
        if (info.length() < HEADER_LENGTH)
        {
            throw new RegionFormatException(field + ".length=" + info.length() + " smaller than the ring header=" +
                HEADER_LENGTH);
        }
        final AtomicBuffer buffer = region.buffer();
        final int base = (int)info.offset();
        checkHeader(buffer, base, field, capacity, slotBytes);
        final int leaseCount = buffer.getInt(base + LEASE_COUNT_OFFSET);
        final int participants = region.participants().capacity();
        if (leaseCount != participants || leaseCount > MAX_LEASES)
        {
            throw new RegionFormatException(field + " ring leaseCount=" + leaseCount +
                " expected the participant capacity=" + participants);
        }
        final long needed = byteLength((int)capacity, (int)slotBytes, leaseCount);
        if (info.length() < needed)
        {
            throw new RegionFormatException(field + ".length=" + info.length() + " too small for ring capacity=" +
                capacity + " slotBytes=" + slotBytes + " leaseCount=" + leaseCount + " (needs " + needed + ")");
        }
        final JobRing ring = new JobRing(region, info, (int)capacity, (int)slotBytes, leaseCount);
        ring.checkPositions();
        return ring;
    }

    /**
     * Checks the head and tail against what holds in every reachable state, whatever crashed when:
     * {@code 0 <= head <= tail <= head + capacity}. Read head, tail, head again (volatile each): both only grow, so
     * the first head is at most the head when the tail was read, and the second at least; a live ring passes
     * whatever runs meanwhile, and a corrupt word fails here, by name, instead of making a loop spin forever.
     *
     * @throws RegionFormatException naming the word when the positions cannot be.
     */
    void checkPositions()
    {
        final long before = words.headVolatile();
        final long tail = words.tailVolatile();
        final long after = words.headVolatile();
        if (before < 0 || tail < before)
        {
            throw corrupt(before < 0 ? "head" : "tail", before < 0 ? before : tail,
                "head=" + before + " tail=" + tail + ": expected 0 <= head <= tail");
        }
        if (tail - after > capacity)
        {
            throw corrupt("tail", tail, "head=" + after + " tail=" + tail + ": more than capacity=" + capacity +
                " jobs apart");
        }
    }

    /**
     * @param word  the word's name ("head", "tail", "slot[3]", "lease[2]").
     * @param value its value.
     * @param why   what cannot be.
     * @return the exception to throw: a region whose words no crash or interleaving can produce.
     */
    RegionFormatException corrupt(final String word, final long value, final String why)
    {
        return new RegionFormatException("ring '" + name + "' " + word + "=" + value + " (0x" +
            Long.toHexString(value) + ") is corrupt: " + why);
    }

    private static void checkHeader(
        final AtomicBuffer buffer, final int base, final String field, final long capacity, final long slotBytes)
    {
        final long magic = buffer.getLong(base + MAGIC_OFFSET);
        if (magic != RING_MAGIC)
        {
            throw new RegionFormatException(field + " ring magic=0x" + Long.toHexString(magic) + " expected 0x" +
                Long.toHexString(RING_MAGIC));
        }
        final int storedCapacity = buffer.getInt(base + CAPACITY_OFFSET);
        if (storedCapacity != capacity)
        {
            throw new RegionFormatException(field + " ring capacity=" + storedCapacity + " but directory says " +
                capacity);
        }
        final int storedSlotBytes = buffer.getInt(base + SLOT_BYTES_OFFSET);
        if (storedSlotBytes != slotBytes)
        {
            throw new RegionFormatException(field + " ring slotBytes=" + storedSlotBytes +
                " but directory says " + slotBytes);
        }
    }

    /**
     * Attaches a producer handle (a {@link Role#PRODUCER} participant). Use it from the calling thread only.
     *
     * @return the handle; close it to detach.
     */
    public JobProducer producer()
    {
        region.checkOpen();
        return new JobProducer(this, region.attach(Role.PRODUCER));
    }

    /**
     * Attaches a consumer handle (a {@link Role#CONSUMER} participant) and reserves a lease record for it.
     * Use it from the calling thread only.
     *
     * @return the handle; close it to detach.
     */
    public JobConsumer consumer()
    {
        region.checkOpen();
        return new JobConsumer(this, region.attach(Role.CONSUMER));
    }

    /**
     * @return the ring's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return slot count.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return largest job in bytes.
     */
    public int slotBytes()
    {
        return slotBytes;
    }

    /**
     * @return jobs in the ring, claimed or published and not yet taken (0..capacity).
     */
    public int size()
    {
        region.checkOpen();
        // Head first, then tail: the difference can only be overestimated, and is clamped.
        final long head = words.headVolatile();
        final long tail = words.tailVolatile();
        return (int)Math.max(0, Math.min(capacity, tail - head));
    }

    /**
     * @return free slots.
     */
    public int remainingCapacity()
    {
        return capacity - size();
    }

    /**
     * Jobs submitted so far, from every process: every sequence claimed, less those abandoned (dead claimant,
     * corrupt job) and aborted. Derived, not counted per job: a producer killed between its publish and a
     * counter add cannot make it drift, and the offer path saves an atomic add. A claimed job counts from its
     * claim, before its publish completes.
     *
     * @return jobs submitted.
     */
    public long submitted()
    {
        region.checkOpen();
        // Counters first, tail last (volatile reads): a claim abandoned between the reads is subtracted at most
        // once too often for a moment, never counted twice.
        final long abandoned = words.counterVolatile(base + ABANDONED_OFFSET);
        final long aborted = words.counterVolatile(base + ABORTED_OFFSET);
        return words.tailVolatile() - abandoned - aborted;
    }

    /**
     * @return jobs acknowledged with {@code taskDone}: the sum of every lease record's done count, each counted
     *     once even when a job was redelivered and completed twice.
     */
    public long completed()
    {
        region.checkOpen();
        long sum = 0;
        for (int i = 0; i < leaseCount; i++)
        {
            sum += words.leaseDoneVolatile(leaseOffset(i)); // volatile: pairs with release
        }
        return sum;
    }

    /**
     * @return leases of dead participants handed to another consumer.
     */
    public long redelivered()
    {
        region.checkOpen();
        return words.counterVolatile(base + REDELIVERED_OFFSET); // volatile: sees every recoverer's add
    }

    /**
     * @return claims whose producer died before publishing, and corrupt jobs skipped.
     */
    public long abandoned()
    {
        region.checkOpen();
        return words.counterVolatile(base + ABANDONED_OFFSET); // volatile: sees every recoverer's add
    }

    /**
     * @return claims aborted by their producer.
     */
    public long aborted()
    {
        region.checkOpen();
        return words.counterVolatile(base + ABORTED_OFFSET); // volatile: sees every producer's add
    }

    /**
     * Waits until every job submitted so far is done: nothing claimed, published, being taken or leased. Runs
     * {@link #recoverDeadLeases()} now and then while it waits, so dead participants cannot block it forever.
     *
     * @param timeout longest wait.
     * @param idle    how to wait between checks.
     * @return true when the ring is drained; false on timeout, or at once when the calling thread is interrupted
     *     (its flag stays set).
     */
    public boolean join(final Duration timeout, final IdleStrategy idle)
    {
        final long deadline = System.nanoTime() + Timeouts.nanos(timeout);
        long nextRecovery = System.nanoTime() + RingRecovery.JOIN_RECOVERY_NANOS;
        idle.reset();
        while (!isDrained())
        {
            final long now = System.nanoTime();
            if (now - deadline > 0 || Thread.currentThread().isInterrupted())
            {
                return false; // interrupted: an idle strategy's park returns at once, a spin on a whole core
            }
            if (now - nextRecovery > 0)
            {
                tryRecover();
                nextRecovery = now + RingRecovery.JOIN_RECOVERY_NANOS;
            }
            idle.idle();
        }
        return true;
    }

    private void tryRecover()
    {
        try
        {
            recoverDeadLeases();
        }
        catch (final IllegalStateException ex)
        {
            // participant table full of live participants: they recover on their own slow paths; wait on
        }
    }

    /**
     * @return whether nothing is claimed, published, being taken or leased (a consistent-enough check: slots
     *     are read before leases, and a job moves from a slot into a lease before the slot is released).
     */
    public boolean isDrained()
    {
        region.checkOpen();
        final long tail = words.tailVolatile();
        for (int i = 0; i < capacity; i++)
        {
            final int state = slotState(words.slotWordVolatile(slotOffset(base, slotBytes, i)));
            if (state == SLOT_PUBLISHED || state == SLOT_TAKEN)
            {
                return false;
            }
        }
        for (int i = 0; i < leaseCount; i++)
        {
            final int state = leaseState(words.leaseWordVolatile(leaseOffset(i)));
            if (state == LEASE_LEASED || state == LEASE_PENDING)
            {
                return false;
            }
        }
        return words.headVolatile() == tail && words.tailVolatile() == tail;
    }

    /**
     * For supervisors: makes the leases of dead participants {@code PENDING} (any consumer takes them next),
     * resolves slots left half-taken by dead consumers, and abandons a head slot whose claimant is dead.
     * Attaches a {@link Role#SUPERVISOR} participant for the duration. Slow: reads {@code /proc}.
     *
     * @return how many leases, slots or claims were recovered.
     */
    public int recoverDeadLeases()
    {
        region.checkIntact(); // recovery walks every lease record: fail clearly rather than fault
        try (Participant supervisor = region.attach(Role.SUPERVISOR))
        {
            return recoverDeadLeases(supervisor.token());
        }
    }

    /**
     * Recovery on behalf of an attached participant (its token names the recoverer in every record it takes
     * over, so that its own death is recovered in turn).
     */
    int recoverDeadLeases(final long token)
    {
        final RingRecovery recovery = new RingRecovery(this, token);
        int recovered = 0;
        for (int i = 0; i < leaseCount; i++)
        {
            recovered += recovery.recoverLease(i, false) != RingRecovery.NONE ? 1 : 0;
        }
        recovered += recovery.recoverPendingAtHead() ? 1 : 0;
        return recovered;
    }

    /**
     * @return a snapshot for {@code shoal inspect}: counters and every lease in use.
     */
    public JobRingStats stats()
    {
        region.checkOpen();
        final List<JobRingStats.Lease> leases = new ArrayList<>();
        final ParticipantTable table = region.participants();
        for (int i = 0; i < leaseCount; i++)
        {
            final int record = leaseOffset(i);
            final long word = words.leaseWordVolatile(record); // volatile: pairs with its release; fields below
            final int state = leaseState(word);
            if (state == LEASE_LEASED || state == LEASE_PENDING)
            {
                final long token = leaseToken(word);
                leases.add(new JobRingStats.Lease(i, state == LEASE_LEASED ? "leased" : "pending", token,
                    words.leaseJobIdPlain(record), leaseAttempt(word),
                    state == LEASE_LEASED && table.isAlive(token)));
            }
        }
        final int size = size();
        return new JobRingStats(name, capacity, slotBytes, size, capacity - size, submitted(), completed(),
            redelivered(), abandoned(), aborted(), List.copyOf(leases));
    }

    @Override
    public String toString()
    {
        return "JobRing{name=" + name + ", capacity=" + capacity + ", slotBytes=" + slotBytes + "}";
    }

    Region region()
    {
        return region;
    }

    AtomicBuffer buffer()
    {
        return buffer;
    }

    long tag()
    {
        return tag;
    }

    int leaseCount()
    {
        return leaseCount;
    }

    /**
     * @return the accessors of this ring's shared words, named by their memory ordering.
     */
    RingWords words()
    {
        return words;
    }

    int tailOffset()
    {
        return base + TAIL_OFFSET;
    }

    int headOffset()
    {
        return base + HEAD_OFFSET;
    }

    int counterOffset(final int counter)
    {
        return base + counter;
    }

    int slotOffsetOf(final long sequence)
    {
        return slotOffset(base, slotBytes, (int)sequence & mask);
    }

    int leaseOffset(final int index)
    {
        return JobRingDescriptor.leaseOffset(leasesBase, slotBytes, index);
    }

    /**
     * Checks a job length stored in the region, which is never trusted.
     *
     * @param length a job length read from a slot or a lease record.
     * @return true when no producer could have written it: outside {@code 0..slotBytes}.
     */
    boolean corruptLength(final int length)
    {
        return length < 0 || length > slotBytes;
    }

    int checkedLength(final int length, final String where, final long sequence)
    {
        if (corruptLength(length))
        {
            throw new RegionFormatException("ring '" + name + "' " + where + " length=" + length +
                " outside 0..slotBytes=" + slotBytes + " (sequence=" + sequence + "); job skipped");
        }
        return length;
    }
}
