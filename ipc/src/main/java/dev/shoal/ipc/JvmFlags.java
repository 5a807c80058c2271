package dev.shoal.ipc;

import java.util.List;

/**
 * The JVM flags every Shoal process needs, in one place. The parent pom's {@code shoal.jvm.flags}, the jar
 * manifest, {@code bin/shoal} and the README carry the same list; the pool and the test harness give these to
 * every child JVM they start.
 */
public final class JvmFlags
{
    /** Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}. */
    public static final List<String> AGRONA = List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");

    /** Chronicle Queue (the result journal): reflective access into the JDK, and no analytics, ever. */
    public static final List<String> CHRONICLE = List.of(
        // Chronicle frees direct buffers through jdk.internal.ref.Cleaner (else it warns on every start).
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio.channels.spi=ALL-UNNAMED",
        // Chronicle's setAccessible goes through AccessibleObject.setAccessible0 (mapping its files needs it).
        "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true");

    private JvmFlags()
    {
    }

    /**
     * @return every flag a Shoal child JVM gets.
     */
    public static List<String> required()
    {
        final java.util.ArrayList<String> all = new java.util.ArrayList<>(AGRONA);
        all.addAll(CHRONICLE);
        return List.copyOf(all);
    }
}
