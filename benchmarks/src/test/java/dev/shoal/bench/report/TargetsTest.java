package dev.shoal.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The targets table names what is missing by its side: a ping-pong run without its Python peer says "no peer line",
 * not "no shoal line" (Shoal is the denominator of a latency ratio).
 */
class TargetsTest
{
    @Test
    void shouldNameTheMissingSideOfALatencyRatio()
    {
        final Map<String, Object> shoal = new LinkedHashMap<>();
        shoal.put("workload", "pingpong");
        shoal.put("impl", "shoal");
        shoal.put("p50_ns", 400.0);
        final Map<String, Object> agrona = new LinkedHashMap<>();
        agrona.put("workload", "pingpong");
        agrona.put("impl", "agrona-o2o");
        agrona.put("p50_ns", 200.0);
        final List<Targets.Target> targets = Targets.evaluate(List.of(shoal, agrona));
        assertEquals("no peer line", target(targets, "pingpong p50: python mp.Pipe / shoal").missing());
        final Targets.Target o2o = target(targets, "pingpong p50: agrona-o2o / shoal (shoal at or below)");
        assertNull(o2o.missing());
        assertEquals(0.5, o2o.measured(), 1e-9);
        assertEquals("no shoal line", target(Targets.evaluate(List.of(agrona)),
            "pingpong p50: agrona-o2o / shoal (shoal at or below)").missing());
    }

    @Test
    void shouldCompareTwoConsumersWithAgronasOneConsumerAndWithItsRingPerConsumer()
    {
        final List<Map<String, Object>> lines = List.of(
            line("handoff-2p2c-32", "shoal", 30e6),
            line("handoff-2p2c-32", "agrona-m2o", 60e6),
            line("handoff-2p2c-32", "agrona-m2o-1c", 20e6),
            line("handoff-1p2c-32", "shoal", 30e6));
        final List<Targets.Target> targets = Targets.evaluate(lines);
        assertEquals(1.5, target(targets, "ring 2P2C 32 B vs agrona-m2o, one consumer").measured(), 1e-9);
        assertEquals(0.5, target(targets, "ring 2P2C 32 B vs agrona-m2o, one ring per consumer").measured(), 1e-9);
        assertEquals("no peer line", target(targets, "ring 1P2C 32 B vs agrona-m2o, one consumer").missing());
    }

    private static Map<String, Object> line(final String workload, final String impl, final double opsPerSecond)
    {
        return new LinkedHashMap<>(Map.of("workload", workload, "impl", impl, "ops_per_s", opsPerSecond));
    }

    private static Targets.Target target(final List<Targets.Target> targets, final String name)
    {
        return targets.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
