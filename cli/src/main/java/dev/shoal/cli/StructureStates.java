package dev.shoal.cli;

import java.util.ArrayList;
import java.util.List;

import dev.shoal.core.JobRing;
import dev.shoal.core.JobRingStats;
import dev.shoal.core.Region;
import dev.shoal.core.ScheduleHeap;
import dev.shoal.core.ScheduleHeapStats;
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
        switch (info.kind())
        {
            case SCHEDULE_HEAP -> heap(ScheduleHeap.stats(region, info.name()), json);
            case JOB_RING -> ring(JobRing.open(region, info.name()).stats(), json);
            default -> json.put("params", info.params());
        }
    }

    private static void ring(final JobRingStats s, final Json json)
    {
        final List<Json> leases = new ArrayList<>();
        for (final JobRingStats.Lease l : s.leases())
        {
            leases.add(Json.object().put("index", l.index()).put("state", l.state()).put("token", l.token())
                .put("job_id", l.jobId()).put("attempt", l.attempt()).put("alive", l.alive()));
        }
        json.put("capacity", s.capacity())
            .put("slot_bytes", s.slotBytes())
            .put("size", s.size())
            .put("remaining", s.remaining())
            .put("submitted", s.submitted())
            .put("completed", s.completed())
            .put("redelivered", s.redelivered())
            .put("abandoned", s.abandoned())
            .put("aborted", s.aborted())
            .put("orphaned_leases", s.orphanedLeases())
            .put("leases", leases);
    }

    private static void heap(final ScheduleHeapStats s, final Json json)
    {
        final List<Json> holders = new ArrayList<>();
        for (final ScheduleHeapStats.Holder h : s.holders())
        {
            holders.add(Json.object().put("token", h.token()).put("leases", h.leases()).put("alive", h.alive()));
        }
        final ScheduleHeapStats.Counters c = s.counters();
        json.put("capacity", s.capacity())
            .put("payload_bytes", s.payloadBytes())
            .put("size", s.size())
            .put("head_key", s.size() == 0 ? null : s.headKey())
            .put("leases", s.leases())
            .put("free_slots", s.freeSlots())
            .put("lease_holders", holders)
            .put("lock_owner", s.lockOwnerToken() == 0 ? null : Json.object()
                .put("token", s.lockOwnerToken()).put("alive", s.lockOwnerAlive()))
            // 0 when clean, else the token of a holder that began writing and did not finish: the next holder repairs.
            .put("dirty_token", s.dirtyToken())
            .put("pushes", c.pushes()).put("pops", c.pops()).put("reschedules", c.reschedules())
            .put("completes", c.completes()).put("cancels", c.cancels()).put("redelivered", c.redelivered())
            .put("replaces", c.replaces()).put("takeovers", c.takeovers()).put("repairs", c.repairs());
    }
}
