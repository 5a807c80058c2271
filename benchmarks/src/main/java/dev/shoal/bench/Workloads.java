package dev.shoal.bench;

import java.util.ArrayList;
import java.util.List;

import dev.shoal.bench.model.CaseParams;
import dev.shoal.bench.model.PeerImpl;
import dev.shoal.bench.peer.AgronaPingPongPeer;
import dev.shoal.bench.peer.AgronaRingPeer;
import dev.shoal.bench.peer.AtomicCounterPeer;
import dev.shoal.bench.peer.ChroniclePeer;
import dev.shoal.bench.peer.ChroniclePingPongPeer;
import dev.shoal.bench.peer.InprocQueuePeer;
import dev.shoal.bench.peer.JavaChunksPeer;
import dev.shoal.bench.peer.PbqHeapPeer;
import dev.shoal.bench.peer.RedisHeapPeer;
import dev.shoal.bench.peer.ShoalChunksPeer;
import dev.shoal.bench.peer.ShoalCounterPeer;
import dev.shoal.bench.peer.ShoalHandoffPeer;
import dev.shoal.bench.peer.ShoalHeapPeer;
import dev.shoal.bench.peer.ShoalPingPongPeer;
import dev.shoal.bench.peer.ShoalPoolPeer;

/**
 * Every workload of the harness and the implementations that run it: the registry. Workload and implementation
 * names are a contract (issue 8); Python lines come from {@code benchmarks/peers/python} and are added by
 * {@link Harness}.
 * <p>
 * Shoal's own implementation comes first in each workload ({@code shoal}); {@link PendingPeer} stands in for a
 * structure not on a branch yet.
 */
public final class Workloads
{
    /** Hand-off workloads: name, producers, consumers, size. */
    private static final Object[][] HANDOFF = {
        { "handoff-1p1c-32", 1, 1, 32 },
        { "handoff-1p1c-256", 1, 1, 256 },
        { "handoff-1p2c-32", 1, 2, 32 },
        { "handoff-2p2c-32", 2, 2, 32 },
    };

    /** Input file of the chunks workload in a quick run. */
    private static final long CHUNKS_QUICK_BYTES = 256L << 20;
    /** Input file of the chunks workload in a full run: 1 GiB, as issue 6 measures. */
    private static final long CHUNKS_FULL_BYTES = 1L << 30;

    /**
     * Jobs per run of the consumer scaling in a quick run: with 200k, a run of 9 JVMs on 2 cores lasts tens of
     * milliseconds and measures their JIT compilers more than the ring (Shoal 1P8C: 0.56M/s at 200k, 6.5-8M/s at
     * 2M jobs per run on the same machine).
     */
    private static final long CONSUMERS_QUICK_OPS = 1_000_000;

    private Workloads()
    {
    }

    /**
     * @param quick whether this is a quick run.
     * @return the main workloads, in the order they run.
     */
    public static List<Workload> main(final boolean quick)
    {
        final List<Workload> all = new ArrayList<>();
        for (final Object[] h : HANDOFF)
        {
            final CaseParams params = CaseParams.of((String)h[0], quick).withProcesses((Integer)h[1], (Integer)h[2])
                .withSize((Integer)h[3]).withOps(quick ? 500_000 : 5_000_000);
            all.add(new Workload(params, handoffImpls()));
        }
        all.add(new Workload(CaseParams.of("pingpong", quick).withOps(quick ? 50_000 : 500_000), List.of(
            new ShoalPingPongPeer(),
            new AgronaPingPongPeer(),
            new ChroniclePingPongPeer())));
        all.add(new Workload(CaseParams.of("counter-2p", quick).withProcesses(2, 0)
            .withOps(quick ? 20_000_000 : 200_000_000), List.of(
            new ShoalCounterPeer(),
            new AtomicCounterPeer())));
        all.add(new Workload(CaseParams.of("heap-2w", quick).withProcesses(2, 0).withRecords(10_000)
            .withOps(quick ? 200_000 : 2_000_000), List.of(
            new ShoalHeapPeer(),
            new PbqHeapPeer(),
            new RedisHeapPeer())));
        all.add(new Workload(CaseParams.of("pool-tiny", quick).withProcesses(1, ShoalPoolPeer.WORKERS)
            .withSize(2 * Long.BYTES).withOps(quick ? 100_000 : 1_000_000), List.of(
            new ShoalPoolPeer())));
        all.add(new Workload(CaseParams.of("chunks", quick).withProcesses(0, 2)
            .withFileBytes(quick ? CHUNKS_QUICK_BYTES : CHUNKS_FULL_BYTES), List.of(
            new ShoalChunksPeer(1, 2),
            new JavaChunksPeer())));
        return all;
    }

    /**
     * @return the hand-off implementations, Shoal first.
     */
    static List<PeerImpl> handoffImpls()
    {
        return List.of(
            new ShoalHandoffPeer(),
            new AgronaRingPeer(true),
            AgronaRingPeer.oneConsumer(),
            new AgronaRingPeer(false),
            new ChroniclePeer(),
            InprocQueuePeer.jctools(),
            InprocQueuePeer.arrayBlockingQueue());
    }

    /**
     * @param quick whether this is a quick run.
     * @return the scaling cases: job size, consumer processes, heap size, file size.
     */
    public static List<Workload> scaling(final boolean quick)
    {
        final List<Workload> all = new ArrayList<>();
        final long base = quick ? 200_000 : 2_000_000;
        final List<PeerImpl> sizeImpls = List.of(
            new ShoalHandoffPeer(),
            new AgronaRingPeer(true),
            new ChroniclePeer());
        for (final int size : new int[]{ 32, 256, 1024, 4096, 16384, 65536 })
        {
            final long ops = Math.max(quick ? 2_000 : 20_000, base * 32 / size);
            all.add(new Workload(CaseParams.of("handoff-1p1c-" + size, quick).named("handoff-1p1c-" + size, "size")
                .withSize(size).withOps(ops), sizeImpls));
        }
        for (final int consumers : new int[]{ 1, 2, 4, 8 })
        {
            all.add(new Workload(CaseParams.of("handoff-1pNc-32", quick).named("handoff-1pNc-32", "consumers")
                .withProcesses(1, consumers).withOps(quick ? CONSUMERS_QUICK_OPS : base), sizeImpls));
        }
        for (final int records : new int[]{ 1_000, 10_000, 100_000, 1_000_000 })
        {
            all.add(new Workload(CaseParams.of("heap-2w", quick).named("heap-2w", "records").withProcesses(2, 0)
                .withRecords(records).withOps(quick ? 100_000 : 1_000_000), List.of(
                new ShoalHeapPeer(),
                new PbqHeapPeer())));
        }
        for (final long mib : quick ? new long[]{ 16, 64, 256 } : new long[]{ 16, 64, 256, 1024 })
        {
            all.add(new Workload(CaseParams.of("chunks", quick).named("chunks", "file").withProcesses(0, 2)
                .withFileBytes(mib << 20), List.of(
                new ShoalChunksPeer(1, 2),
                new JavaChunksPeer())));
        }
        return all;
    }
}
