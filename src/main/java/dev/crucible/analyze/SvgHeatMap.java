package dev.crucible.analyze;

import java.util.List;
import java.util.Locale;

import static dev.crucible.analyze.Html.coord;
import static dev.crucible.analyze.Html.esc;

/**
 * A layer × module heat map as inline SVG: one column per layer, one row per module, each cell coloured by a value
 * in [0, 1] on a viridis-like scale (grey where the value is NaN), with a {@code <title>} tooltip per cell and a
 * colour scale legend.
 */
final class SvgHeatMap {
    static final String NO_DATA = "#c8c8c8";

    /** Viridis at 0, 0.25, 0.5, 0.75, 1. */
    private static final int[][] STOPS = {{0x44, 0x01, 0x54}, {0x3b, 0x52, 0x8b}, {0x21, 0x91, 0x8c},
            {0x5e, 0xc9, 0x62}, {0xfd, 0xe7, 0x25}};

    private static final int TOP = 36;
    private static final int CELL_H = 20;

    private SvgHeatMap() {
    }

    /**
     * @param values   values[m][l] for module m and layer index l (positions in {@code layers})
     * @param tooltips tooltips[m][l], plain text (escaped here)
     */
    static String render(String id, String title, String scaleLabel, int[] layers, List<String> modules,
                         double[][] values, String[][] tooltips) {
        int longest = 0;
        for (String m : modules) {
            longest = Math.max(longest, m.length());
        }
        int left = Math.min(300, 16 + 7 * longest);
        double cellW = Math.max(8, Math.min(36, 760.0 / Math.max(1, layers.length)));
        double gridW = cellW * layers.length;
        int gridH = CELL_H * modules.size();
        int bottom = TOP + gridH;
        int width = (int) Math.ceil(left + Math.max(gridW, 320) + 20);
        int height = bottom + 40 + 56;

        StringBuilder b = new StringBuilder(256 + 200 * layers.length * modules.size());
        b.append("<figure class=\"heatmap\" id=\"").append(id).append("\">");
        b.append("<svg class=\"heat-map\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">");
        b.append("<title>").append(esc(title)).append("</title>");
        b.append("<defs><linearGradient id=\"").append(id).append("-scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">");
        for (int i = 0; i < STOPS.length; i++) {
            b.append("<stop offset=\"").append(String.format(Locale.ROOT, "%.2f", i / (STOPS.length - 1.0)))
                    .append("\" stop-color=\"").append(hex(STOPS[i])).append("\"/>");
        }
        b.append("</linearGradient></defs>");
        b.append("<text class=\"chart-title\" x=\"").append(left).append("\" y=\"22\">").append(esc(title))
                .append("</text>");

        // module labels
        b.append("<g class=\"rows\">");
        for (int m = 0; m < modules.size(); m++) {
            b.append("<text class=\"tick\" x=\"").append(left - 6).append("\" y=\"")
                    .append(TOP + CELL_H * m + CELL_H / 2).append("\" text-anchor=\"end\" dominant-baseline=\"middle\">")
                    .append(esc(modules.get(m))).append("</text>");
        }
        b.append("</g>");

        // cells
        b.append("<g class=\"cells\">");
        for (int m = 0; m < modules.size(); m++) {
            for (int l = 0; l < layers.length; l++) {
                double v = values[m][l];
                b.append("<rect class=\"cell\" x=\"").append(coord(left + cellW * l)).append("\" y=\"")
                        .append(TOP + CELL_H * m).append("\" width=\"").append(coord(cellW)).append("\" height=\"")
                        .append(CELL_H).append("\" fill=\"").append(Double.isFinite(v) ? color(v) : NO_DATA)
                        .append("\"><title>").append(esc(tooltips[m][l])).append("</title></rect>");
            }
        }
        b.append("</g>");

        // layer labels, spaced so they do not overlap
        int every = Math.max(1, (int) Math.ceil(26 / cellW));
        b.append("<g class=\"columns\">");
        for (int l = 0; l < layers.length; l++) {
            if (layers[l] % every != 0 && l != 0) {
                continue;
            }
            b.append("<text class=\"tick\" x=\"").append(coord(left + cellW * (l + 0.5))).append("\" y=\"")
                    .append(bottom + 14).append("\" text-anchor=\"middle\">").append(layers[l]).append("</text>");
        }
        b.append("<text class=\"axis-label\" x=\"").append(coord(left + gridW / 2)).append("\" y=\"")
                .append(bottom + 32).append("\" text-anchor=\"middle\">layer</text>");
        b.append("</g>");

        // colour scale
        int sy = bottom + 48;
        int sw = 200;
        b.append("<g class=\"scale\">");
        b.append("<text x=\"").append(left).append("\" y=\"").append(sy - 4).append("\">").append(esc(scaleLabel))
                .append("</text>");
        b.append("<rect x=\"").append(left).append("\" y=\"").append(sy).append("\" width=\"").append(sw)
                .append("\" height=\"12\" fill=\"url(#").append(id).append("-scale)\"/>");
        for (int i = 0; i <= 4; i++) {
            double x = left + sw * i / 4.0;
            b.append("<line class=\"axis\" x1=\"").append(coord(x)).append("\" x2=\"").append(coord(x))
                    .append("\" y1=\"").append(sy + 12).append("\" y2=\"").append(sy + 16).append("\"/>");
            b.append("<text class=\"tick\" x=\"").append(coord(x)).append("\" y=\"").append(sy + 28)
                    .append("\" text-anchor=\"middle\">").append(String.format(Locale.ROOT, "%.2f", i / 4.0))
                    .append("</text>");
        }
        b.append("<rect x=\"").append(left + sw + 24).append("\" y=\"").append(sy).append("\" width=\"12\" height=\"12\"")
                .append(" fill=\"").append(NO_DATA).append("\"/>");
        b.append("<text x=\"").append(left + sw + 42).append("\" y=\"").append(sy + 6)
                .append("\" dominant-baseline=\"middle\">no data</text>");
        b.append("</g></svg></figure>\n");
        return b.toString();
    }

    /** The scale's colour at v, clamped to [0, 1]. */
    static String color(double v) {
        double t = Math.max(0, Math.min(1, v)) * (STOPS.length - 1);
        int i = Math.min(STOPS.length - 2, (int) Math.floor(t));
        double f = t - i;
        int[] c = new int[3];
        for (int k = 0; k < 3; k++) {
            c[k] = (int) Math.round(STOPS[i][k] + (STOPS[i + 1][k] - STOPS[i][k]) * f);
        }
        return hex(c);
    }

    private static String hex(int[] c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", c[0], c[1], c[2]);
    }
}
