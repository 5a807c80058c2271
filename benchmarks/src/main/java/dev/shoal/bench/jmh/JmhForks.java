package dev.shoal.bench.jmh;

/**
 * The JVM flags of the JMH forks, as the constants {@code @Fork} needs (an annotation cannot read a file). They are
 * {@code config/jvm/core.args}, the flags' one source, which {@code JvmFlagsSourceTest} checks them against; the
 * forks need them spelled out because a host started with {@code java -jar} passes its manifest's flags to no fork.
 */
public final class JmhForks
{
    /** The option of {@code config/jvm/core.args}. */
    public static final String ADD_EXPORTS = "--add-exports";
    /** Its value: Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}. */
    public static final String AGRONA_EXPORT = "java.base/jdk.internal.misc=ALL-UNNAMED";
    /** Agrona without bounds checks, as a production deployment would run it. */
    public static final String NO_BOUNDS_CHECKS = "-Dagrona.disable.bounds.checks=true";

    private JmhForks()
    {
    }
}
