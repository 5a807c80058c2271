package dev.shoal.chunks;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import dev.shoal.process.JavaProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kept run is resumed only by the code that produced its results: a job fixed and recompiled under the same
 * class name starts over, and the outcome says what was discarded. The two versions are real class files,
 * compiled here from two sources of {@code dev.shoal.chunks.versioned.VersionedJob} into two folders; each run is
 * a coordinator JVM of its own with one folder on its class path (its workers get the same class path), as when a
 * user fixes a job, recompiles it and runs the same command again.
 */
@Timeout(120)
class FileChunksCodeChangeTest
{
    static final String JOB = "dev.shoal.chunks.versioned.VersionedJob";
    private final List<Process> started = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void killCoordinators() throws InterruptedException
    {
        for (final Process p : started)
        {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldStartOverInsteadOfMixingResultsOfOldAndNewJobCode() throws Exception
    {
        // 100 lines of 5 bytes, 10 ranges of 10 lines; version 1 fails on line 55 (range 5), after ranges 0-4.
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            text.append(i == 55 ? "fail\n" : "line\n");
        }
        final Path file = ChunkFixtures.write(dir, "data.txt", text.toString().getBytes(StandardCharsets.US_ASCII));
        final Path v1 = compile(dir, 1, false);
        final Path v2 = compile(dir, 2, false);
        final Path regions = dir.resolve("regions");

        final String first = coordinate(v1, regions, file, 1);
        assertTrue(first.startsWith("failed: run incomplete: 5 of 10 ranges done"), first);
        assertTrue(first.contains("version 1 fails on purpose"), first);
        // The job threw: a plain rerun fails the same way, and the fix (a changed job) starts over.
        assertTrue(first.contains("is kept: fix the cause above, then run again") &&
            first.contains("(a job changed to fix it starts over)"), first);

        final String second = coordinate(v2, regions, file, 0);
        assertTrue(second.startsWith("ok resumed=0 result=[200] "), "every line counted by version 2 alone (2 " +
            "each), nothing resumed from version 1: " + second);
        assertTrue(second.contains("discardedRun=a kept run of this file and job was discarded, 5 of 10 ranges done " +
            "by it: the job's code differs"), second);
        try (var left = Files.list(regions))
        {
            assertEquals(List.of(), left.toList(), "the old run's region replaced, the new one deleted once done");
        }
    }

    /**
     * Runs one coordinator JVM with {@code classes} first on its class path and returns its outcome line.
     */
    private String coordinate(final Path classes, final Path regions, final Path file, final int exitCode)
        throws Exception
    {
        final Path log = dir.resolve("coordinator-" + started.size() + ".log");
        final Process p = JavaProcess.of(ChunkRunMain.class)
            .classPath(classes + File.pathSeparator + System.getProperty("java.class.path"))
            .jvmOption("-Xmx128m").jvmOption("-XX:+UseSerialGC").jvmOption("-Dshoal.dir=" + regions)
            .args(file.toString(), JOB, "1", "50").output(log, log).start();
        started.add(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "coordinator still running after 60 s");
        final String out = Files.readString(log, StandardCharsets.UTF_8).strip();
        assertEquals(exitCode, p.exitValue(), out);
        return out;
    }

    static ChunkJob<?> load(final Path classes) throws Exception
    {
        final URLClassLoader loader = new URLClassLoader(new URL[]{ classes.toUri().toURL() },
            FileChunksCodeChangeTest.class.getClassLoader());
        return (ChunkJob<?>)loader.loadClass(JOB).getDeclaredConstructor().newInstance();
    }

    /**
     * Compiles a version of the job into a folder of its own: it adds {@code version} per line, version 1 fails on
     * a line "fail"; {@code otherCodec} changes only its anonymous codec class (one more no-op statement).
     */
    static Path compile(final Path dir, final long version, final boolean otherCodec) throws IOException
    {
        final Path root = Files.createTempDirectory(dir, "v" + version + (otherCodec ? "-codec" : "") + "-");
        final Path source = root.resolve("src/dev/shoal/chunks/versioned/VersionedJob.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, String.join("\n",
            "package dev.shoal.chunks.versioned;",
            "import dev.shoal.chunks.ChunkJob;",
            "import dev.shoal.pool.Codec;",
            "import org.agrona.DirectBuffer;",
            "import org.agrona.MutableDirectBuffer;",
            "public final class VersionedJob implements ChunkJob<long[]> {",
            "    static final long VERSION = " + version + ";",
            "    private static final Codec<long[]> CODEC = new Codec<>() {",
            "        public int encode(long[] v, MutableDirectBuffer b, int o) {",
            otherCodec ? "            b.putLong(o, 0);" : "",
            "            b.putLong(o, v[0]); return 8; }",
            "        public long[] decode(DirectBuffer b, int o, int l) { return new long[]{ b.getLong(o) }; }",
            "    };",
            "    public VersionedJob() { }",
            "    public long[] newAccumulator() { return new long[1]; }",
            "    public void accept(long[] acc, DirectBuffer line, int offset, int length) {",
            "        if (VERSION == 1 && line.getStringWithoutLengthAscii(offset, length).equals(\"fail\")) {",
            "            throw new IllegalStateException(\"version 1 fails on purpose\");",
            "        }",
            "        acc[0] += VERSION;",
            "    }",
            "    public long[] merge(long[] earlier, long[] later) { earlier[0] += later[0]; return earlier; }",
            "    public Codec<long[]> codec() { return CODEC; }",
            "}", ""));
        final Path classes = root.resolve("classes");
        Files.createDirectories(classes);
        final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        final int status = javac.run(null, null, null, "-classpath", System.getProperty("java.class.path"),
            "-d", classes.toString(), source.toString());
        assertEquals(0, status, "javac of " + source);
        return classes;
    }
}
