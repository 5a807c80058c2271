package dev.shoal.chunks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A coordinator JVM for tests: runs one job over one file with worker processes and a derived region name (in the
 * folder of {@code -Dshoal.dir}), and prints the outcome on one line, {@code ok resumed=R result=X outcome=O}, or
 * {@code failed: MESSAGE} (exit 1).
 */
public final class ChunkRunMain
{
    private ChunkRunMain()
    {
    }

    /**
     * @param args file, job class name, workers, chunk bytes, and optionally K: the first worker pauses holding its
     *             (K+1)th range, announced by {@code paused-PID} in the region's side folder.
     */
    public static void main(final String[] args)
    {
        try
        {
            @SuppressWarnings("unchecked")
            final Class<? extends ChunkJob<Object>> job = (Class<? extends ChunkJob<Object>>)Class.forName(args[1]);
            final FileChunks.Builder builder = FileChunks.builder(Path.of(args[0])).workers(Integer.parseInt(args[2]))
                .chunkBytes(Long.parseLong(args[3])).maxRestarts(0)
                .workerJvmOptions(List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1"));
            if (args.length > 4)
            {
                builder.stopFirstWorkerAfter(Integer.parseInt(args[4]), ChunkWorker.StopMode.PAUSE);
            }
            final ChunkOutcome<Object> o = builder.build().run(job);
            final Object result = o.result() instanceof long[] ? Arrays.toString((long[])o.result()) : o.result();
            System.out.println("ok resumed=" + o.rangesResumed() + " result=" + result + " outcome=" + o);
            System.out.flush();
            System.exit(0);
        }
        catch (final Throwable ex)
        {
            System.out.println("failed: " + ex.getMessage());
            System.out.flush();
            System.exit(1);
        }
    }
}
