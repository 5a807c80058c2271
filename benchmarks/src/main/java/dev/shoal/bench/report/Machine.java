package dev.shoal.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A one-line description of the machine: CPUs, CPU model, JDK, OS.
 */
public final class Machine
{
    private Machine()
    {
    }

    /**
     * @return e.g. {@code 2 CPUs (Intel Xeon ...), JDK 17.0.15, Linux 6.1}.
     */
    public static String describe()
    {
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), JDK " +
            Runtime.version() + " (" + System.getProperty("java.vm.name") + "), " + System.getProperty("os.name") +
            " " + System.getProperty("os.version");
    }

    /**
     * @return the heap flags this JVM (the harness, which is also the pool's submitting JVM) was started with, e.g.
     * {@code -Xms2g -Xmx2g -XX:+AlwaysPreTouch}, or {@code default} when none was given.
     */
    public static String heapFlags()
    {
        final StringBuilder sb = new StringBuilder();
        for (final String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("-Xms") || arg.startsWith("-Xmx") || arg.startsWith("-Xmn") ||
                arg.contains("AlwaysPreTouch") || arg.startsWith("-XX:+Use") && arg.endsWith("GC"))
            {
                sb.append(sb.length() == 0 ? "" : " ").append(arg);
            }
        }
        return sb.length() == 0 ? "default" : sb.toString();
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown CPU";
        }
        return "unknown CPU";
    }
}
