package dev.shoal.bench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shoal.bench.proc.Percentiles;
import org.junit.jupiter.api.Test;

class StatsTest
{
    @Test
    void shouldTakeMiddleValueOfOddCount()
    {
        final Stats stats = Stats.of(5.0, 1.0, 3.0);
        assertEquals(3.0, stats.median());
        assertEquals(1.0, stats.min());
        assertEquals(5.0, stats.max());
        assertEquals(2.0, stats.q1());
        assertEquals(4.0, stats.q3());
    }

    @Test
    void shouldAverageTwoMiddleValuesOfEvenCount()
    {
        assertEquals(2.5, Stats.of(4.0, 1.0, 2.0, 3.0).median());
    }

    @Test
    void shouldGiveSpreadAsPercentOfMedian()
    {
        assertEquals(50.0, Stats.of(80.0, 100.0, 130.0).spreadPercent(), 1e-9);
        assertEquals(0.0, Stats.of(7.0).spreadPercent());
    }

    @Test
    void shouldRejectNoValues()
    {
        assertThrows(IllegalArgumentException.class, Stats::of);
    }

    @Test
    void shouldUseNearestRankPercentiles()
    {
        final long[] sorted = new long[1000];
        for (int i = 0; i < sorted.length; i++)
        {
            sorted[i] = i + 1;
        }
        assertEquals(500, Percentiles.nearestRank(sorted, 1000, 50.0));
        assertEquals(990, Percentiles.nearestRank(sorted, 1000, 99.0));
        assertEquals(999, Percentiles.nearestRank(sorted, 1000, 99.9));
        assertEquals(1, Percentiles.nearestRank(sorted, 1, 99.9));
        assertEquals(0, Percentiles.nearestRank(sorted, 0, 50.0));
    }
}
