package dev.shoal.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the heap scenarios' acknowledged operations imply about which records are in the heap, sound when
 * operations overlap (the schedule search runs every actor at once) and exact when they do not (the explorer).
 *
 * <p>A record is <em>certain</em> (present), <em>maybe</em> (present or not) or unknown (absent). An operation
 * on a record opens a ticket before its call, which makes the record maybe, and settles it after the call
 * returns. The settle is believed only when nothing could have come between: no other operation on that record
 * (or replaceAll, which touches every record) was in flight when it opened or began before it settled. Every heap
 * write is under the heap's lock, so such an operation took effect alone, and what it returned is the record's
 * state; otherwise the record stays maybe. A killed actor's tickets end where it died without settling: the
 * heap's next holder repairs what it left but changes no record's presence, so what it did is fixed then, and
 * operations that open after its death do not overlap it.
 */
final class HeapModel
{
    /** One operation in flight on one record: what the model had seen when it opened. */
    record Ticket(CrashActor actor, String record, int touchedAtOpen, int replacesAtOpen, boolean overlapped)
    {
    }

    /** A replaceAll in flight: the records it may free, and its tickets for the records it queues. */
    record Replace(CrashActor actor, Map<String, Integer> old, Set<String> oldOverlapped, int replacesAtOpen,
        boolean overlapped, List<Ticket> added)
    {
    }

    private final Set<String> certain = new HashSet<>();
    private final Set<String> maybe = new HashSet<>();
    /** Per record: operations opened on it so far. */
    private final Map<String, Integer> touched = new HashMap<>();
    /** Per record: operations on it in flight. */
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Map<CrashActor, List<Ticket>> tickets = new HashMap<>();
    private final Map<CrashActor, List<Replace>> replaces = new HashMap<>();
    private int replacesOpened;
    private int replacesInFlight;

    /**
     * Before an operation on {@code record}: it may be there or not until {@link #settle}.
     */
    synchronized Ticket open(final String record)
    {
        final Ticket ticket = openUnder(record, replacesInFlight > 0);
        tickets.computeIfAbsent(ticket.actor(), a -> new ArrayList<>()).add(ticket);
        return ticket;
    }

    private Ticket openUnder(final String record, final boolean replacing)
    {
        final boolean overlapped = replacing || inFlight.getOrDefault(record, 0) > 0;
        final int count = touched.merge(record, 1, Integer::sum);
        inFlight.merge(record, 1, Integer::sum);
        certain.remove(record);
        maybe.add(record);
        return new Ticket(CrashActor.current(), record, count, replacesOpened, overlapped);
    }

    /**
     * After the operation returned: the record is there ({@code present}) or not, if nothing came between.
     */
    synchronized void settle(final Ticket ticket, final boolean present)
    {
        if (!tickets.getOrDefault(ticket.actor(), List.of()).remove(ticket))
        {
            return; // abandoned: the actor was killed (and this is its thread unwinding)
        }
        settleUnder(ticket, present);
    }

    private void settleUnder(final Ticket ticket, final boolean present)
    {
        final String record = ticket.record();
        inFlight.merge(record, -1, Integer::sum);
        if (!ticket.overlapped() && touched.get(record) == ticket.touchedAtOpen() &&
            replacesOpened == ticket.replacesAtOpen())
        {
            maybe.remove(record);
            if (present)
            {
                certain.add(record);
            }
        }
    }

    /**
     * Before a replaceAll: every record known may go, and the new ones may come.
     */
    synchronized Replace openReplace(final String... records)
    {
        final boolean overlapped = replacesInFlight > 0;
        replacesOpened++;
        replacesInFlight++;
        final Map<String, Integer> old = new HashMap<>();
        final Set<String> oldOverlapped = new HashSet<>();
        for (final String record : union())
        {
            old.put(record, touched.getOrDefault(record, 0));
            if (inFlight.getOrDefault(record, 0) > 0)
            {
                oldOverlapped.add(record);
            }
        }
        maybe.addAll(certain);
        certain.clear();
        final List<Ticket> added = new ArrayList<>();
        for (final String record : records)
        {
            added.add(openUnder(record, overlapped));
        }
        final Replace replace = new Replace(CrashActor.current(), old, oldOverlapped, replacesOpened, overlapped,
            added);
        replaces.computeIfAbsent(replace.actor(), a -> new ArrayList<>()).add(replace);
        return replace;
    }

    /**
     * After replaceAll returned: the old records are gone and the new ones there, where nothing came between.
     */
    synchronized void settleReplace(final Replace replace)
    {
        if (!replaces.getOrDefault(replace.actor(), List.of()).remove(replace))
        {
            return;
        }
        replacesInFlight--;
        final boolean alone = !replace.overlapped() && replacesOpened == replace.replacesAtOpen();
        replace.old().forEach((record, count) ->
        {
            if (alone && !replace.oldOverlapped().contains(record) && touched.getOrDefault(record, 0).equals(count))
            {
                maybe.remove(record);
                certain.remove(record);
            }
        });
        for (final Ticket ticket : replace.added())
        {
            settleUnder(ticket, true);
        }
    }

    /**
     * A killed actor's operations end where it died, unsettled: their records stay maybe.
     */
    synchronized void abandon(final CrashActor actor)
    {
        for (final Ticket ticket : tickets.getOrDefault(actor, List.of()))
        {
            inFlight.merge(ticket.record(), -1, Integer::sum);
        }
        tickets.remove(actor);
        for (final Replace replace : replaces.getOrDefault(actor, List.of()))
        {
            replacesInFlight--;
            replace.added().forEach(ticket -> inFlight.merge(ticket.record(), -1, Integer::sum));
        }
        replaces.remove(actor);
    }

    /**
     * Every certain record is among {@code present}, and every present one is certain or maybe.
     *
     * @throws AssertionError naming the record that breaks it.
     */
    synchronized void check(final Set<String> present)
    {
        for (final String record : certain)
        {
            if (!present.contains(record))
            {
                throw new AssertionError("record " + record + " lost; heap " + new TreeSet<>(present));
            }
        }
        for (final String record : present)
        {
            if (!certain.contains(record) && !maybe.contains(record))
            {
                throw new AssertionError("record " + record + " should not be there; certain " +
                    new TreeSet<>(certain) + " maybe " + new TreeSet<>(maybe));
            }
        }
    }

    private Set<String> union()
    {
        final Set<String> all = new HashSet<>(certain);
        all.addAll(maybe);
        return all;
    }
}
