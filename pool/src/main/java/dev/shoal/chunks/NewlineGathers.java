package dev.shoal.chunks;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Chooses the {@link NewlineGather} of this JVM, once, and names the JVM options a chunk worker needs for the
 * same choice.
 *
 * <p>The vector split is chosen when all of these hold: the JVM is JDK {@value #VECTOR_MIN_FEATURE} or newer
 * (older Vector APIs were slower than the eight-byte loop here), its boot layer has the
 * {@code jdk.incubator.vector} module ({@code --add-modules jdk.incubator.vector}, which chunk workers get from
 * {@link #workerJvmOptions()}), the class was compiled (the build compiles it only where a JDK 25 is at hand: the
 * {@code jdk25-vector} profile), the system property {@value #VECTOR_PROPERTY} is not {@code false}, and the
 * vector split finds the same newlines as the eight-byte one in a self-check. Otherwise the eight-byte split.
 */
final class NewlineGathers
{
    /** System property: {@code false} keeps the eight-byte split (and starts workers without the module). */
    static final String VECTOR_PROPERTY = "shoal.chunks.vector";
    /** The JDK feature release from which the Vector API splits faster than the eight-byte loop. */
    static final int VECTOR_MIN_FEATURE = 25;
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String VECTOR_CLASS = "dev.shoal.chunks.VectorNewlineGather";
    /**
     * System property: the file bytes per one-shot worker from which it gets the vector split (default
     * {@value #DEFAULT_MIN_BYTES_PER_ONE_SHOT_WORKER}); a session's workers get it whatever the file.
     */
    static final String MIN_BYTES_PROPERTY = "shoal.chunks.vectorMinBytesPerWorker";
    /**
     * A JDK 25 JVM with the vector module starts 0.05-0.1 s later (the module resolved, the Vector API's classes
     * loaded); a fresh worker's vector split gains about that over a gigabyte (one worker, 1 GiB: processing 0.51
     * against 0.60 s), and loses end to end below it (two workers, 512 MiB each: 0.95-0.97 s against 0.86-0.90),
     * docs/benchmarks.md, session 19.
     */
    static final long DEFAULT_MIN_BYTES_PER_ONE_SHOT_WORKER = 1L << 30;

    /** This JVM's choice, made at the first chunk read; each reader takes its own {@link NewlineGather#forReader}. */
    static final NewlineGather SELECTED = select();

    private NewlineGathers()
    {
    }

    /**
     * The JVM options a chunk worker started with this JVM's {@code java} needs to split with vectors: none where it
     * would not (an older JDK, the class not built, or turned off by {@value #VECTOR_PROPERTY}). Besides the module,
     * the gather is compiled after a hundredth of the usual calls: until C2 compiles it, the Vector API's code runs
     * as objects, many times slower than the eight-byte loop, which made a fresh JVM's first gigabyte slower with
     * vectors than without (two fresh workers 1.47-1.61 GB/s against 2.19-2.29; with the earlier compile 2.18-2.46,
     * docs/benchmarks.md, session 19). {@code quiet} keeps the compile command from printing on standard output, a
     * session worker's answer channel.
     *
     * @return the options, to come before the caller's own.
     */
    static List<String> workerJvmOptions()
    {
        if (!vectorWanted() || NewlineGathers.class.getClassLoader()
            .getResource(VECTOR_CLASS.replace('.', '/') + ".class") == null)
        {
            return List.of();
        }
        return List.of("--add-modules", VECTOR_MODULE, "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling," + VECTOR_CLASS + "::gather,0.01");
    }

    /**
     * @param fileBytes the run's file length.
     * @param workers   one-shot workers sharing it.
     * @return {@link #workerJvmOptions()} when each worker's share is large enough to repay the vector split's
     * start-up, else none.
     */
    static List<String> oneShotWorkerJvmOptions(final long fileBytes, final int workers)
    {
        final long minBytes = Long.getLong(MIN_BYTES_PROPERTY, DEFAULT_MIN_BYTES_PER_ONE_SHOT_WORKER);
        return fileBytes / Math.max(1, workers) >= minBytes ? workerJvmOptions() : List.of();
    }

    private static boolean vectorWanted()
    {
        return Runtime.version().feature() >= VECTOR_MIN_FEATURE &&
            !"false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY));
    }

    private static NewlineGather select()
    {
        if (!vectorWanted() || ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty())
        {
            return SwarNewlineGather.INSTANCE;
        }
        final NewlineGather vector;
        try
        {
            vector = (NewlineGather)Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
        }
        catch (final ReflectiveOperationException | LinkageError | ClassCastException ex)
        {
            return SwarNewlineGather.INSTANCE; // not built, or built for another JDK
        }
        return agrees(vector, SwarNewlineGather.INSTANCE) ? vector : SwarNewlineGather.INSTANCE;
    }

    /**
     * @return whether both find the same newlines in a block holding none, one, several and all newlines per
     * step, at every position of a step.
     */
    static boolean agrees(final NewlineGather candidate, final NewlineGather reference)
    {
        final int step = Math.max(candidate.step(), reference.step());
        if (step % candidate.step() != 0 || step % reference.step() != 0)
        {
            return false;
        }
        final int bytes = step * 8;
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
        for (int i = 0; i < bytes; i++)
        {
            // step 0: none; 1: one at a moving place; 2: every third byte; 3: all; the rest: a sparse pattern.
            final int block = i / step;
            final int at = i % step;
            final boolean newline = block == 1 ? at == step / 3 : block == 2 ? at % 3 == 0 : block == 3 ||
                block > 3 && (i * 31 + block) % 17 == 0;
            buffer.putByte(i, newline ? (byte)'\n' : (byte)'x');
        }
        final int[] a = new int[bytes + Long.BYTES];
        final int[] b = new int[bytes + Long.BYTES];
        final NewlineGather candidateReader = candidate.forReader();
        final NewlineGather referenceReader = reference.forReader();
        for (int from = 0; from < bytes; from += step)
        {
            final int n = candidateReader.gather(buffer, from, bytes, a);
            final int m = referenceReader.gather(buffer, from, bytes, b);
            if (n != m || !Arrays.equals(a, 0, n, b, 0, m))
            {
                return false;
            }
        }
        return true;
    }
}
