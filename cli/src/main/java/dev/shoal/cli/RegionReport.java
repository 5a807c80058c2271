package dev.shoal.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.shoal.core.ParticipantInfo;
import dev.shoal.core.Region;
import dev.shoal.core.SharedLongArray;
import dev.shoal.core.StructureInfo;

/**
 * What {@code inspect} shows: the header, every structure with its parameters and live state, every
 * participant. One model, two renderings (JSON and a human table).
 */
final class RegionReport
{
    /** Elements of an array shown in full; longer arrays show their first ones. */
    static final int ARRAY_VALUES_SHOWN = 64;

    private RegionReport()
    {
    }

    static Json model(final Region region)
    {
        final long now = System.currentTimeMillis();
        final Json header = Json.object()
            .put("path", region.location().path().toString())
            .put("length", region.length())
            .put("layout_version", region.layoutVersion())
            .put("creator_pid", region.creatorPid())
            .put("created_at", Instant.ofEpochMilli(region.createdAtMillis()).toString())
            .put("participant_capacity", region.participants().capacity())
            .put("group_access", region.isGroupAccessible());
        final List<Json> structures = new ArrayList<>();
        for (final StructureInfo info : region.structures())
        {
            structures.add(structure(region, info));
        }
        final List<Json> participants = new ArrayList<>();
        for (final ParticipantInfo p : region.participants().snapshot())
        {
            participants.add(Json.object()
                .put("index", p.index())
                .put("pid", p.pid())
                .put("role", p.role() == null ? "unknown" : p.role().name().toLowerCase())
                .put("alive", p.alive())
                .put("heartbeat_age_ms", Math.max(0, now - p.heartbeatMillis()))
                .put("attached_at", Instant.ofEpochMilli(p.attachedAtMillis()).toString())
                .put("token", p.token()));
        }
        return Json.object().put("header", header).put("structures", structures).put("participants", participants);
    }

    private static Json structure(final Region region, final StructureInfo info)
    {
        final Json json = Json.object()
            .put("name", info.name())
            .put("kind", info.kind().label())
            .put("offset", info.offset())
            .put("bytes", info.length());
        try
        {
            switch (info.kind())
            {
                case LONG_ARRAY -> array(region.longArray(info.name()), json);
                case BYTES -> json.put("length", info.param(0));
                default -> StructureStates.describe(region, info, json);
            }
        }
        catch (final RuntimeException ex)
        {
            json.put("error", ShoalCli.oneLine(ex));
        }
        return json;
    }

    private static void array(final SharedLongArray array, final Json json)
    {
        final long[] all = array.snapshot();
        final long[] shown = java.util.Arrays.copyOf(all, Math.min(all.length, ARRAY_VALUES_SHOWN));
        long sum = 0;
        for (final long v : all)
        {
            sum += v;
        }
        json.put("length", array.length()).put("padded", array.isPadded()).put("sum", sum).put("values", shown);
        if (shown.length < all.length)
        {
            json.put("values_truncated", true);
        }
    }

    static String json(final Region region)
    {
        return model(region).toString();
    }

    /**
     * @param model a region's report, from {@link #model}.
     * @return "NAME: ERROR" of each structure whose state could not be read (corrupt words), in order; empty when none.
     */
    @SuppressWarnings("unchecked")
    static List<String> errors(final Json model)
    {
        final List<String> errors = new ArrayList<>();
        for (final Json s : (List<Json>)model.fields().get("structures"))
        {
            final Object error = s.fields().get("error");
            if (error != null)
            {
                errors.add(s.fields().get("name") + ": " + error);
            }
        }
        return errors;
    }

    @SuppressWarnings("unchecked")
    static String text(final Json model)
    {
        final StringBuilder sb = new StringBuilder();
        final Json header = (Json)model.fields().get("header");
        sb.append("region ").append(header.fields().get("path")).append('\n');
        for (final Map.Entry<String, Object> e : header.fields().entrySet())
        {
            if (!"path".equals(e.getKey()))
            {
                sb.append(String.format("  %-22s %s%n", e.getKey(), e.getValue()));
            }
        }
        sb.append(String.format("%nstructures%n  %-20s %-6s %12s  %s%n", "NAME", "KIND", "BYTES", "STATE"));
        for (final Json s : (List<Json>)model.fields().get("structures"))
        {
            final StringBuilder state = new StringBuilder();
            for (final Map.Entry<String, Object> e : s.fields().entrySet())
            {
                final String k = e.getKey();
                if (!"name".equals(k) && !"kind".equals(k) && !"bytes".equals(k) && !"offset".equals(k))
                {
                    state.append(state.length() == 0 ? "" : " ").append(k).append('=')
                        .append(Json.toJson(e.getValue()));
                }
            }
            sb.append(String.format("  %-20s %-6s %12s  %s%n", s.fields().get("name"), s.fields().get("kind"),
                s.fields().get("bytes"), state));
        }
        final List<Json> participants = (List<Json>)model.fields().get("participants");
        sb.append(String.format("%nparticipants (%d)%n", participants.size()));
        if (!participants.isEmpty())
        {
            sb.append(String.format("  %5s %8s %-10s %-6s %14s%n", "INDEX", "PID", "ROLE", "ALIVE", "HEARTBEAT_AGE"));
        }
        for (final Json p : participants)
        {
            final Map<String, Object> f = p.fields();
            sb.append(String.format("  %5s %8s %-10s %-6s %12sms%n", f.get("index"), f.get("pid"), f.get("role"),
                f.get("alive"), f.get("heartbeat_age_ms")));
        }
        return sb.toString().stripTrailing();
    }
}
