package dev.shoal.bench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.shoal.bench.Workload;
import dev.shoal.bench.Workloads;
import dev.shoal.bench.peer.Handoff;
import dev.shoal.bench.peer.Payload;
import dev.shoal.cli.Json;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ResultLinesTest
{
    private static final CaseParams PARAMS = CaseParams.of("handoff-1p2c-32", true).withProcesses(1, 2);

    @Test
    void shouldPrintContractFieldsOfThroughputLine()
    {
        final Measurement m = Measurement.of(List.of(RunSample.throughput(1000, 1_000_000),
            RunSample.throughput(1000, 2_000_000), RunSample.throughput(1000, 500_000)), true, 3);
        final Map<String, Object> line = Json.parseObject(ResultLines.toJson(
            ResultLines.measured(PARAMS, "agrona-m2o", m)));
        assertEquals("handoff-1p2c-32", line.get("workload"));
        assertEquals("agrona-m2o", line.get("impl"));
        assertEquals(1_000_000L, line.get("ops_per_s"));
        assertEquals(500_000L, line.get("ops_per_s_min"));
        assertEquals(2_000_000L, line.get("ops_per_s_max"));
        assertEquals(1L, line.get("producers"));
        assertEquals(2L, line.get("consumers"));
        assertEquals(32L, line.get("size_bytes"));
        assertEquals(3L, line.get("runs"));
        assertEquals(Boolean.TRUE, line.get("pinned"));
        assertFalse(line.containsKey("p50_ns"));
        assertFalse(line.containsKey("variant"));
    }

    @Test
    void shouldPrintPercentilesAndVariantOfRoundTripLine()
    {
        final Measurement m = Measurement.of(List.of(new RunSample(10, 10_000, 100, 200, 300),
            new RunSample(10, 10_000, 120, 220, 320), new RunSample(10, 10_000, 90, 250, 900)), false, 2)
            .withVariant("pair");
        final Map<String, Object> line = Json.parseObject(ResultLines.toJson(
            ResultLines.measured(CaseParams.of("pingpong", true), "chronicle", m)));
        assertEquals("pair", line.get("variant"));
        assertEquals(100L, line.get("p50_ns"));
        assertEquals(220L, line.get("p99_ns"));
        assertEquals(320L, line.get("p999_ns"));
        assertEquals(Boolean.FALSE, line.get("pinned"));
    }

    @Test
    void shouldPrintSkipLineWithReason()
    {
        final String json = ResultLines.toJson(ResultLines.skipped("heap-2w", "redis", "no \"redis\" here"));
        assertEquals("{\"workload\":\"heap-2w\",\"impl\":\"redis\",\"skipped\":\"no \\\"redis\\\" here\"}", json);
        assertEquals("no \"redis\" here", Json.parseObject(json).get("skipped"));
    }

    @Test
    void shouldParsePythonLine()
    {
        final Map<String, Object> line = Json.parseObject("{\"workload\": \"pingpong\", \"impl\": \"python\", " +
            "\"ops_per_s\": 36936.1, \"per_consumer\": [1, 2], \"ok\": true, \"x\": null, \"p50_ns\": 15794}");
        assertEquals(36936.1, line.get("ops_per_s"));
        assertEquals(List.of(1L, 2L), line.get("per_consumer"));
        assertEquals(15794L, line.get("p50_ns"));
        assertTrue(line.containsKey("x"));
    }

    @Test
    void shouldNumberEveryHandoffJobOncePerRun()
    {
        final long ops = 12;
        final int producers = 3;
        long sum = 0;
        final boolean[] seen = new boolean[(int)ops];
        for (int p = 0; p < producers; p++)
        {
            for (long i = 0; i < ops / producers; i++)
            {
                final long id = Handoff.id(2, ops, producers, p, i);
                seen[(int)(id - 2 * ops)] = true;
                sum += id;
            }
        }
        for (final boolean s : seen)
        {
            assertTrue(s);
        }
        assertEquals(Handoff.expectedSum(2, ops), sum);
    }

    @Test
    void shouldDetectTornPayload()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        Payload.fill(buffer, 0, 32, 42);
        assertEquals(42, Payload.check(buffer, 0, 32, 32));
        buffer.putByte(30, (byte)(buffer.getByte(30) + 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> Payload.check(buffer, 0, 32, 32));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> Payload.check(buffer, 0, 32, 256));
    }

    @Test
    void shouldSelectWorkloadsByNameOrPrefix()
    {
        final BenchOptions options = new BenchOptions(true, true, null, List.of("handoff", "pingpong"), false);
        assertTrue(options.selects("handoff-2p2c-32"));
        assertTrue(options.selects("pingpong"));
        assertFalse(options.selects("heap-2w"));
        assertTrue(new BenchOptions(true, true, null, List.of(), false).selects("chunks"));
    }

    @Test
    void shouldNameEveryContractWorkload()
    {
        final List<String> names = Workloads.main(true).stream().map(Workload::name).toList();
        assertEquals(List.of("handoff-1p1c-32", "handoff-1p1c-256", "handoff-1p2c-32", "handoff-2p2c-32", "pingpong",
            "counter-2p", "heap-2w", "pool-tiny", "chunks"), names);
    }
}
