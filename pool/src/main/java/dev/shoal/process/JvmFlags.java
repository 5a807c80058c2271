package dev.shoal.process;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags every Shoal process needs, in one place. The parent pom's {@code shoal.jvm.flags} (and its
 * {@code jdk24+} profile), the jar manifests, {@code bin/shoal} and the README carry the same list; the pool and
 * the test harness give these to every child JVM they start.
 */
public final class JvmFlags
{
    /** Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}. */
    public static final List<String> AGRONA = List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");

    /**
     * Chronicle Queue (the result journal) maps files through JDK internals, and must never phone home:
     * analytics and the announcer are off.
     */
    public static final List<String> CHRONICLE = List.of(
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.util=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens", "java.base/java.io=ALL-UNNAMED",
        "--add-opens", "java.base/java.util=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio.channels.spi=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true",
        "-Dchronicle.announcer.disable=true",
        "-Ddisable.perf.info=true");

    /** JDK 24 and newer warn about {@code sun.misc.Unsafe} memory access unless allowed; older JDKs reject it. */
    public static final String UNSAFE_ON_24 = "--sun-misc-unsafe-memory-access=allow";

    private JvmFlags()
    {
    }

    /**
     * @return every flag a Shoal child JVM gets, for a child running this JVM's {@code java} binary.
     */
    public static List<String> required()
    {
        final List<String> all = new ArrayList<>(AGRONA);
        all.addAll(CHRONICLE);
        if (Runtime.version().feature() >= 24)
        {
            all.add(UNSAFE_ON_24);
        }
        return List.copyOf(all);
    }
}
