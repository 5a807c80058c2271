package dev.shoal.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Helpers over result lines (ordered maps from Java or Python).
 */
public final class Lines
{
    private Lines()
    {
    }

    /**
     * @param line a result line.
     * @return whether it is a skip line.
     */
    public static boolean isSkipped(final Map<String, Object> line)
    {
        return line.containsKey("skipped");
    }

    /**
     * @param line a result line.
     * @return impl, plus "/variant" when it has one.
     */
    public static String label(final Map<String, Object> line)
    {
        final Object variant = line.get("variant");
        return line.get("impl") + (variant == null ? "" : " / " + variant);
    }

    /**
     * @param line a result line.
     * @param key  a numeric field.
     * @return its value, or NaN when missing.
     */
    public static double number(final Map<String, Object> line, final String key)
    {
        final Object value = line.get(key);
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * @param lines result lines.
     * @return the main (non-scaling) lines grouped by workload, in first-seen order.
     */
    public static Map<String, List<Map<String, Object>>> byWorkload(final List<Map<String, Object>> lines)
    {
        final Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (final Map<String, Object> line : lines)
        {
            if (!line.containsKey("scaling"))
            {
                groups.computeIfAbsent(String.valueOf(line.get("workload")), k -> new ArrayList<>()).add(line);
            }
        }
        return groups;
    }

    /**
     * @param lines result lines of one workload.
     * @return the median ops/s of its first measured {@code shoal} line, or NaN.
     */
    public static double shoalRate(final List<Map<String, Object>> lines)
    {
        for (final Map<String, Object> line : lines)
        {
            if ("shoal".equals(line.get("impl")) && !isSkipped(line))
            {
                return number(line, "ops_per_s");
            }
        }
        return Double.NaN;
    }

    /**
     * @param value ops/s or nanoseconds.
     * @return a short human form: 12.3M, 456k, 789.
     */
    public static String human(final double value)
    {
        if (Double.isNaN(value))
        {
            return "-";
        }
        if (value >= 1e9)
        {
            return String.format("%.2fG", value / 1e9);
        }
        if (value >= 1e6)
        {
            return String.format("%.2fM", value / 1e6);
        }
        if (value >= 1e4)
        {
            return String.format("%.0fk", value / 1e3);
        }
        return String.format("%.0f", value);
    }
}
