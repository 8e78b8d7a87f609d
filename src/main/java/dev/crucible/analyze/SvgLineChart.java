package dev.crucible.analyze;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.crucible.analyze.Html.coord;
import static dev.crucible.analyze.Html.esc;

/**
 * A line chart as inline SVG: x = layer index, one polyline (with point markers) per series, axes with tick labels,
 * a title and a legend. NaN values are left out of a series' line; a chart with no finite value at all renders as a
 * short "no data" note instead of an empty plot.
 */
final class SvgLineChart {
    /** One line: its legend name and one value per x position (NaN where there is none). */
    record Series(String name, double[] values) {
    }

    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"};

    private static final int WIDTH = 560;
    private static final int LEFT = 64;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int PLOT_HEIGHT = 220;
    private static final int LEGEND_LINE = 18;

    private SvgLineChart() {
    }

    /**
     * @param id      the figure's id attribute (ASCII, no escaping needed)
     * @param include y values the axis must show even where the data do not reach them (e.g. 0)
     */
    static String render(String id, String title, String yLabel, int[] xs, List<Series> series, double... include) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        StringBuilder b = new StringBuilder(4096);
        if (xs.length == 0 || lo > hi) {
            b.append("<figure class=\"chart no-data\" id=\"").append(id).append("\"><figcaption>").append(esc(title))
                    .append("</figcaption><p class=\"note\">no data</p></figure>\n");
            return b.toString();
        }
        for (double v : include) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double[] ticks = niceTicks(lo, hi);
        double yMin = ticks[0];
        double yMax = ticks[ticks.length - 1];
        int xMinLayer = xs[0];
        int xMaxLayer = xs[xs.length - 1];
        double xLo = xMinLayer == xMaxLayer ? xMinLayer - 0.5 : xMinLayer;
        double xHi = xMinLayer == xMaxLayer ? xMaxLayer + 0.5 : xMaxLayer;
        int plotW = WIDTH - LEFT - RIGHT;
        int height = TOP + PLOT_HEIGHT + 44 + LEGEND_LINE * series.size() + 8;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (x - xLo) / (xHi - xLo) * plotW;
        java.util.function.DoubleUnaryOperator py = y -> TOP + PLOT_HEIGHT - (y - yMin) / (yMax - yMin) * PLOT_HEIGHT;

        b.append("<figure class=\"chart\" id=\"").append(id).append("\">");
        b.append("<svg class=\"line-chart\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">");
        b.append("<title>").append(esc(title)).append("</title>");
        b.append("<text class=\"chart-title\" x=\"").append(LEFT).append("\" y=\"22\">").append(esc(title))
                .append("</text>");

        // y axis: grid lines and tick labels
        int decimals = decimals(ticks.length > 1 ? ticks[1] - ticks[0] : 1);
        b.append("<g class=\"y-axis\">");
        for (double t : ticks) {
            String y = coord(py.applyAsDouble(t));
            b.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW)
                    .append("\" y1=\"").append(y).append("\" y2=\"").append(y).append("\"/>");
            b.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(y)
                    .append("\" text-anchor=\"end\" dominant-baseline=\"middle\">")
                    .append(String.format(Locale.ROOT, "%." + decimals + "f", t)).append("</text>");
        }
        int midY = TOP + PLOT_HEIGHT / 2;
        b.append("<text class=\"axis-label\" x=\"14\" y=\"").append(midY).append("\" transform=\"rotate(-90 14 ")
                .append(midY).append(")\" text-anchor=\"middle\">").append(esc(yLabel)).append("</text>");
        b.append("</g>");

        // x axis: layer ticks, at most about twelve
        int step = xStep(xMaxLayer - xMinLayer);
        int bottom = TOP + PLOT_HEIGHT;
        b.append("<g class=\"x-axis\">");
        b.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW).append("\" y1=\"")
                .append(bottom).append("\" y2=\"").append(bottom).append("\"/>");
        b.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"")
                .append(TOP).append("\" y2=\"").append(bottom).append("\"/>");
        for (int l = Math.floorDiv(xMinLayer + step - 1, step) * step; l <= xMaxLayer; l += step) {
            String x = coord(px.applyAsDouble(l));
            b.append("<line class=\"axis\" x1=\"").append(x).append("\" x2=\"").append(x).append("\" y1=\"")
                    .append(bottom).append("\" y2=\"").append(bottom + 4).append("\"/>");
            b.append("<text class=\"tick\" x=\"").append(x).append("\" y=\"").append(bottom + 16)
                    .append("\" text-anchor=\"middle\">").append(l).append("</text>");
        }
        b.append("<text class=\"axis-label\" x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(bottom + 34)
                .append("\" text-anchor=\"middle\">layer</text>");
        b.append("</g>");

        // the series
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String color = PALETTE[i % PALETTE.length];
            List<String> points = new ArrayList<>();
            for (int k = 0; k < xs.length && k < s.values().length; k++) {
                double v = s.values()[k];
                if (Double.isFinite(v)) {
                    points.add(coord(px.applyAsDouble(xs[k])) + "," + coord(py.applyAsDouble(v)));
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            b.append("<g class=\"series\" data-series=\"").append(i).append("\">");
            b.append("<title>").append(esc(s.name())).append("</title>");
            b.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
                    .append(String.join(" ", points)).append("\"/>");
            for (String p : points) {
                int comma = p.indexOf(',');
                b.append("<circle r=\"2.5\" fill=\"").append(color).append("\" cx=\"").append(p, 0, comma)
                        .append("\" cy=\"").append(p, comma + 1, p.length()).append("\"/>");
            }
            b.append("</g>");
        }

        // legend, one entry a line under the plot
        b.append("<g class=\"legend\">");
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int y = bottom + 44 + LEGEND_LINE * i + LEGEND_LINE / 2;
            boolean empty = true;
            for (double v : s.values()) {
                empty &= !Double.isFinite(v);
            }
            b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + 24).append("\" y1=\"").append(y)
                    .append("\" y2=\"").append(y).append("\" stroke=\"").append(PALETTE[i % PALETTE.length])
                    .append("\" stroke-width=\"3\"/>");
            b.append("<text x=\"").append(LEFT + 32).append("\" y=\"").append(y)
                    .append("\" dominant-baseline=\"middle\">").append(esc(s.name()))
                    .append(empty ? " (no data)" : "").append("</text>");
        }
        b.append("</g></svg></figure>\n");
        return b.toString();
    }

    /** Round tick values covering [lo, hi], about five intervals; the first and last are the axis' ends. */
    static double[] niceTicks(double lo, double hi) {
        if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
            double pad = lo == 0 ? 0.5 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double raw = (hi - lo) / 5;
        int exponent = (int) Math.floor(Math.log10(raw));
        double f = raw / Math.pow(10, exponent);
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        double step = nice * Math.pow(10, exponent);
        long first = (long) Math.floor(lo / step + 1e-9);
        long last = (long) Math.ceil(hi / step - 1e-9);
        double[] ticks = new double[(int) (last - first + 1)];
        for (int i = 0; i < ticks.length; i++) {
            // k·nice / 10^-e rounds once, so 13 × 0.001 is 0.013 and 3 × 0.2 is 0.6
            double k = (first + i) * nice;
            ticks[i] = exponent < 0 ? k / Math.pow(10, -exponent) : k * Math.pow(10, exponent);
        }
        // the ends cover the data even where a tick rounds inwards
        ticks[0] = Math.min(ticks[0], lo);
        ticks[ticks.length - 1] = Math.max(ticks[ticks.length - 1], hi);
        return ticks;
    }

    /** Decimals that show a tick step exactly (2.5e-2 → 3). */
    private static int decimals(double step) {
        for (int d = 0; d < 10; d++) {
            double scaled = step * Math.pow(10, d);
            if (Math.abs(scaled - Math.rint(scaled)) < 1e-6 * Math.max(1, scaled)) {
                return d;
            }
        }
        return 10;
    }

    /** An integer step (1, 2, 5, 10, 20, ...) giving at most about twelve layer ticks. */
    private static int xStep(int span) {
        int step = 1;
        int k = 0;
        while (span / step > 12) {
            step = k++ % 3 == 1 ? step / 2 * 5 : step * 2; // 1 → 2 → 5 → 10 → 20 → 50 ...
        }
        return step;
    }
}
