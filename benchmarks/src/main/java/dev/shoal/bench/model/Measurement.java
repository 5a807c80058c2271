package dev.shoal.bench.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one implementation measured for one case (one variant): the measured runs, whether its processes were
 * pinned, how many processes took part, and extra parameters to print.
 *
 * @param variant   variant name or null.
 * @param samples   one per measured run (warm-up runs excluded).
 * @param pinned    whether the processes were pinned to CPUs.
 * @param processes number of OS processes measured (1 for in-process peers).
 * @param extra     further fields for the result line, in order.
 */
public record Measurement(
    String variant,
    List<RunSample> samples,
    boolean pinned,
    int processes,
    Map<String, Object> extra)
{
    /**
     * @param samples   measured runs.
     * @param pinned    whether pinned.
     * @param processes process count.
     * @return a measurement without a variant or extra fields.
     */
    public static Measurement of(final List<RunSample> samples, final boolean pinned, final int processes)
    {
        return new Measurement(null, samples, pinned, processes, new LinkedHashMap<>());
    }

    /**
     * @param name variant name.
     * @return a copy with this variant.
     */
    public Measurement withVariant(final String name)
    {
        return new Measurement(name, samples, pinned, processes, extra);
    }

    /**
     * @param key   field name.
     * @param value field value.
     * @return this, with the field added.
     */
    public Measurement with(final String key, final Object value)
    {
        extra.put(key, value);
        return this;
    }
}
