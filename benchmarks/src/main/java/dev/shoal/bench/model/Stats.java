package dev.shoal.bench.model;

import java.util.Arrays;

/**
 * Median and spread of a handful of run results.
 *
 * @param median median (mean of the two middle values for an even count).
 * @param min    smallest.
 * @param max    largest.
 * @param q1     first quartile (linear interpolation).
 * @param q3     third quartile.
 * @param count  number of values.
 */
public record Stats(double median, double min, double max, double q1, double q3, int count)
{
    /**
     * @param values run results (not modified).
     * @return their statistics.
     * @throws IllegalArgumentException when there are none.
     */
    public static Stats of(final double... values)
    {
        if (values.length == 0)
        {
            throw new IllegalArgumentException("no values");
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Stats(quantile(sorted, 0.5), sorted[0], sorted[sorted.length - 1], quantile(sorted, 0.25),
            quantile(sorted, 0.75), sorted.length);
    }

    /**
     * @param sorted ascending values.
     * @param q      quantile in [0, 1].
     * @return the quantile with linear interpolation between closest ranks.
     */
    public static double quantile(final double[] sorted, final double q)
    {
        final double pos = q * (sorted.length - 1);
        final int lower = (int)Math.floor(pos);
        final int upper = (int)Math.ceil(pos);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (pos - lower);
    }

    /**
     * @return (max - min) / median in percent, 0 for a zero median.
     */
    public double spreadPercent()
    {
        return median == 0 ? 0 : (max - min) / median * 100.0;
    }
}
