package dev.shoal.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * PNG charts with XChart, rendered headless: one bar chart of ops/s per workload (linear: XChart's bar charts
 * start at zero, which a log axis refuses) and one log-log line chart per scaling dimension.
 */
public final class Charts
{
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    private Charts()
    {
    }

    /**
     * @param dir   output directory.
     * @param lines result lines.
     * @return the file names written.
     * @throws IOException when a chart cannot be written.
     */
    public static List<String> write(final Path dir, final List<Map<String, Object>> lines) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        final List<String> files = new ArrayList<>();
        for (final Map.Entry<String, List<Map<String, Object>>> e : Lines.byWorkload(lines).entrySet())
        {
            final List<String> labels = new ArrayList<>();
            final List<Double> rates = new ArrayList<>();
            for (final Map<String, Object> line : e.getValue())
            {
                if (!Lines.isSkipped(line) && Lines.number(line, "ops_per_s") > 0)
                {
                    labels.add(Lines.label(line));
                    rates.add(Lines.number(line, "ops_per_s"));
                }
            }
            if (!labels.isEmpty())
            {
                final String name = e.getKey() + ".png";
                BitmapEncoder.saveBitmap(bars(e.getKey(), labels, rates), dir.resolve(name).toString(),
                    BitmapEncoder.BitmapFormat.PNG);
                files.add(name);
            }
        }
        for (final Map.Entry<String, Map<Long, Map<String, Double>>> t : MarkdownReport.scaling(lines).entrySet())
        {
            final String name = "scaling-" + t.getKey() + ".png";
            BitmapEncoder.saveBitmap(scalingChart(t.getKey(), t.getValue()), dir.resolve(name).toString(),
                BitmapEncoder.BitmapFormat.PNG);
            files.add(name);
        }
        return files;
    }

    private static CategoryChart bars(final String workload, final List<String> labels, final List<Double> rates)
    {
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
            .title(workload + " (ops/s, median of runs)").xAxisTitle("implementation").yAxisTitle("ops/s").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        chart.getStyler().setXAxisLabelRotation(30);
        chart.addSeries("ops/s", labels, rates);
        return chart;
    }

    private static XYChart scalingChart(final String dimension, final Map<Long, Map<String, Double>> table)
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
            .title("scaling by " + dimension + " (ops/s, log-log)").xAxisTitle(dimension).yAxisTitle("ops/s").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        final java.util.Set<String> labels = new java.util.LinkedHashSet<>();
        table.values().forEach(row -> labels.addAll(row.keySet()));
        for (final String label : labels)
        {
            final List<Double> xs = new ArrayList<>();
            final List<Double> ys = new ArrayList<>();
            table.forEach((x, row) ->
            {
                final Double y = row.get(label);
                if (y != null && y > 0)
                {
                    xs.add((double)x);
                    ys.add(y);
                }
            });
            if (!xs.isEmpty())
            {
                chart.addSeries(label, xs, ys);
            }
        }
        return chart;
    }
}
