package dev.crucible.analyze;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The structure of the {@code crucible analyze --report} page, on analyses built by hand. */
class HtmlReportTest {
    static final String CONFIG = """
            merge_method: ties
            base_model: ./base
            models:
              - model: "./a & <b>"   # <script>alert("x")</script>
                parameters: {density: 0.5, weight: 1}
            """;
    static final List<String> MODULES = List.of("self_attn.q_proj", "mlp.up_proj", "input_layernorm");
    static final int LAYERS = 4;

    /** Three models, four layers × three modules, two tensors outside the layers, NaN here and there, a merge. */
    static Analysis sample() {
        List<String> models = List.of("a <m1>", "b&m2", "c");
        List<TensorFigures> tensors = new ArrayList<>();
        List<RetentionFigures> retention = new ArrayList<>();
        tensors.add(tensor("model.embed_tokens.weight", -1, "model.embed_tokens", 1000, models, 0.3, 0.1, 0.4));
        for (int l = 0; l < LAYERS; l++) {
            for (int m = 0; m < MODULES.size(); m++) {
                String module = MODULES.get(m);
                String name = "model.layers." + l + "." + module + ".weight";
                // the layer norm conflicts are NaN (no coordinate where two deltas are nonzero)
                double conflict = m == 2 ? Double.NaN : 0.2 + 0.1 * l + 0.05 * m;
                tensors.add(tensor(name, l, module, 100L * (m + 1), models, conflict, conflict + 0.1, 0.05 * l));
                for (int k = 0; k < models.size(); k++) {
                    retention.add(new RetentionFigures(name, l, module, models.get(k), 0.9 - 0.1 * k,
                            l == 2 && k == 1 ? Double.NaN : 0.8 - 0.15 * k - 0.02 * l));
                }
            }
        }
        tensors.add(tensor("lm_head.weight", -1, "lm_head", 1000, models, Double.NaN, Double.NaN, Double.NaN));
        for (String m : models) {
            retention.add(new RetentionFigures("lm_head.weight", -1, "lm_head", m, 0.5, 0.25));
        }
        return new Analysis(CONFIG, "base <0>", models, tensors, retention,
                new Recommendation("ties", 0.5, List.of("sign conflicts are high (mean 0.41 > 0.3)",
                        "cosine < 0.2 between \"a\" & \"b\"")),
                List.of("layer 2: b&m2 kept < 10% of its delta", "<warning with markup>"));
    }

    static TensorFigures tensor(String name, int layer, String module, long numel, List<String> models,
                                double conflict, double top, double shift) {
        List<ModelFigures> figures = new ArrayList<>();
        for (int k = 0; k < models.size(); k++) {
            figures.add(new ModelFigures(models.get(k), 1.5 + k + shift, 0.01 * (k + 1) + shift / 10,
                    k == 2 ? Double.NaN : 0.1 * k));
        }
        List<PairFigures> pairs = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            for (int j = i + 1; j < models.size(); j++) {
                pairs.add(new PairFigures(models.get(i), models.get(j),
                        i == 0 && j == 2 && layer == 1 ? Double.NaN : 0.5 - 0.2 * (i + j) + shift));
            }
        }
        return new TensorFigures(name, layer, module, numel, figures, pairs, conflict, top, 0.1 + shift);
    }

    static int occurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    /** The points attributes of every polyline in order. */
    static List<String> polylinePoints(String html) {
        Matcher m = Pattern.compile("<polyline[^>]*\\spoints=\"([^\"]*)\"").matcher(html);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The SVG of the figure with this id. */
    static String figure(String html, String id) {
        int start = html.indexOf("<figure class=\"chart\" id=\"" + id + "\"");
        assertTrue(start >= 0, "no chart " + id);
        return html.substring(start, html.indexOf("</figure>", start));
    }

    @Test
    void aWholePageWithChartsHeatMapTableAndEscapedText() {
        String html = HtmlReport.render(sample());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertEquals(1, occurrences(html, "<html"));
        assertEquals(1, occurrences(html, "</html>"));
        assertEquals(1, occurrences(html, "<body>"));

        // four line charts plus the heat map, each an svg with a title
        assertEquals(5, occurrences(html, "<svg "));
        assertEquals(5, occurrences(html, "</svg>"));
        for (String id : List.of("chart-norm", "chart-cosine", "chart-conflict", "chart-retention")) {
            String chart = figure(html, id);
            assertTrue(chart.contains("<svg "), id);
            assertTrue(chart.contains("class=\"chart-title\""), id);
            assertTrue(chart.contains("class=\"legend\""), id);
            assertTrue(chart.contains("class=\"tick\""), id);
            assertTrue(chart.contains("<polyline"), id);
        }
        // one polyline per series: 3 models, 3 pairs, 2 conflict rates, 3 models kept
        assertEquals(3, occurrences(figure(html, "chart-norm"), "<polyline"));
        assertEquals(3, occurrences(figure(html, "chart-cosine"), "<polyline"));
        assertEquals(2, occurrences(figure(html, "chart-conflict"), "<polyline"));
        assertEquals(3, occurrences(figure(html, "chart-retention"), "<polyline"));
        List<String> lines = polylinePoints(html);
        assertEquals(11, lines.size());
        Pattern point = Pattern.compile("-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?");
        for (String points : lines) {
            String[] p = points.trim().split(" ");
            assertTrue(p.length >= 2, points);
            for (String xy : p) {
                assertTrue(point.matcher(xy).matches(), points);
            }
        }
        // every layer has a conflict value (the NaN layer norms are skipped); the kept fraction of b at layer 2 is
        // NaN everywhere, so that line has three points
        assertEquals(LAYERS, polylinePoints(figure(html, "chart-conflict")).getFirst().split(" ").length);
        assertEquals(LAYERS - 1, polylinePoints(figure(html, "chart-retention")).get(1).split(" ").length);
        assertFalse(html.contains("NaN"), "NaN rendered into the page");
        assertFalse(html.contains("Infinity"));

        // heat map: layers × modules cells, the NaN layer norm row grey, each with a tooltip
        int heat = html.indexOf("<figure class=\"heatmap\"");
        String heatMap = html.substring(heat, html.indexOf("</figure>", heat));
        assertEquals(LAYERS * MODULES.size(), occurrences(heatMap, "<rect class=\"cell\""));
        assertEquals(LAYERS * MODULES.size(), occurrences(heatMap, "<title>layer "));
        assertEquals(LAYERS, occurrences(heatMap, "fill=\"" + SvgHeatMap.NO_DATA + "\"><title>"));
        assertTrue(heatMap.contains("linearGradient"), "colour scale");
        // modules sorted
        assertTrue(heatMap.indexOf(">input_layernorm<") < heatMap.indexOf(">mlp.up_proj<"));
        assertTrue(heatMap.indexOf(">mlp.up_proj<") < heatMap.indexOf(">self_attn.q_proj<"));

        // the table of tensors outside the layers
        int table = html.indexOf("<table class=\"tensors\">");
        assertTrue(table >= 0);
        String rows = html.substring(table, html.indexOf("</table>", table));
        assertEquals(2, occurrences(rows, "<td class=\"name\">"));
        assertTrue(rows.contains(">model.embed_tokens.weight<") && rows.contains(">lm_head.weight<"));
        assertFalse(rows.contains("model.layers."));

        // recommendation and warnings come before the config and the charts
        assertTrue(html.indexOf("id=\"recommendation\"") < html.indexOf("id=\"config\""));
        assertTrue(html.indexOf("id=\"warnings\"") < html.indexOf("id=\"config\""));
        assertTrue(html.indexOf("id=\"config\"") < html.indexOf("<svg "));
        assertTrue(html.contains("<p class=\"method\">ties, density 0.5</p>"), html);
        assertTrue(html.contains("<li>cosine &lt; 0.2 between &quot;a&quot; &amp; &quot;b&quot;</li>"));

        // escaping: the config, labels and warnings never reach the page as markup
        assertTrue(html.contains("<pre class=\"config\">merge_method: ties\n"));
        assertTrue(html.contains("# &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        assertTrue(html.contains("&quot;./a &amp; &lt;b&gt;&quot;"));
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("<b>"));
        assertFalse(html.contains("<m1>"));
        assertFalse(html.contains("<0>"));
        assertFalse(html.contains("<warning"));
        assertTrue(html.contains("a &lt;m1&gt;") && html.contains("b&amp;m2") && html.contains("base &lt;0&gt;"));
        assertFalse(html.contains("b&m2"));

        // self-contained
        assertFalse(html.contains("http://"), "network reference");
        assertFalse(html.contains("https://"), "network reference");
        assertFalse(html.contains("//cdn"));
        assertFalse(html.contains("src="), "no external resource");
    }

    @Test
    void chartsWeightLayerMeansByElementCountAndSkipNaN() {
        // one model, one layer: relative norm 1 on 100 elements, 4 on 300 elements, NaN on 1000 → (100 + 1200)/400
        // = 3.25; a second layer at 1 so the chart has a line.
        List<String> one = List.of("m");
        List<TensorFigures> t = List.of(
                new TensorFigures("l0.a", 0, "a", 100, List.of(new ModelFigures("m", 1, 1, 0)), List.of(), 0, 0, 0),
                new TensorFigures("l0.b", 0, "b", 300, List.of(new ModelFigures("m", 1, 4, 0)), List.of(), 1, 1, 0),
                new TensorFigures("l0.c", 0, "c", 1000, List.of(new ModelFigures("m", 1, Double.NaN, 0)), List.of(),
                        Double.NaN, Double.NaN, Double.NaN),
                new TensorFigures("l1.a", 1, "a", 100, List.of(new ModelFigures("m", 1, 1, 0)), List.of(), 0, 0, 0));
        HtmlReport.LayerMeans means = new HtmlReport.LayerMeans();
        for (TensorFigures f : t) {
            means.add(f.layer(), f.models().getFirst().relativeNorm(), f.numel());
        }
        double[] at = means.at(new int[]{0, 1, 2});
        assertEquals(3.25, at[0], 1e-12);
        assertEquals(1, at[1], 1e-12);
        assertTrue(Double.isNaN(at[2]));

        String html = HtmlReport.render(new Analysis("", null, one, t, List.of(), null, List.of()));
        // no pairs: the cosine chart says "no data" instead of drawing empty axes; no merge: no retention chart
        int cosine = html.indexOf("id=\"chart-cosine\"");
        assertTrue(cosine >= 0);
        String cosineFigure = html.substring(cosine, html.indexOf("</figure>", cosine));
        assertTrue(cosineFigure.contains("no data"), cosineFigure);
        assertFalse(cosineFigure.contains("<svg"));
        assertFalse(html.contains("chart-retention"));
        assertTrue(html.contains("<p class=\"note\">no recommendation</p>"));
        assertFalse(html.contains("id=\"warnings\""));
        // the norm chart's y axis runs from 0 (included) to at least 3.25
        String norm = figure(html, "chart-norm");
        assertTrue(norm.contains(">0.0<") || norm.contains(">0<"), norm);
        assertEquals(1, occurrences(norm, "<polyline"));
        // the table says there are no tensors outside the layers
        assertTrue(html.contains("<h2>Tensors outside the layers</h2>\n<p class=\"note\">none</p>"));
        assertFalse(html.contains("NaN"));
    }

    @Test
    void anAnalysisWithoutTensorsStillRendersAPage() {
        String html = HtmlReport.render(new Analysis("x: 1\n", null, List.of("a", "b"), List.of(), List.of(),
                new Recommendation("linear", null, List.of()), List.of("models share no base")));
        assertEquals(1, occurrences(html, "<html"));
        assertEquals(0, occurrences(html, "<svg"));
        assertEquals(3, occurrences(html, "<p class=\"note\">no data</p>"));
        assertTrue(html.contains("<p class=\"method\">linear</p>"));
        assertTrue(html.contains("<li>models share no base</li>"));
        assertFalse(html.contains("NaN"));
    }

    @Test
    void numbersUseTheRootLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            String html = HtmlReport.render(sample());
            for (String points : polylinePoints(html)) {
                assertFalse(points.matches(".*\\d,\\d+,.*"), points); // "12,5,40,0" would be a German decimal comma
            }
            assertTrue(html.contains("density 0.5"));
            assertTrue(html.contains(">1,000<"), "element counts with ROOT grouping");
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    @Test
    void tickStepsAreRound() {
        double[] unit = SvgLineChart.niceTicks(0, 1);
        assertEquals(6, unit.length);
        for (int i = 0; i < unit.length; i++) {
            assertEquals(0.2 * i, unit[i], 1e-12);
        }
        double[] t = SvgLineChart.niceTicks(0.013, 0.0172);
        assertTrue(t[0] <= 0.013 && t[t.length - 1] >= 0.0172);
        double[] flat = SvgLineChart.niceTicks(2, 2);
        assertTrue(flat[0] < 2 && flat[flat.length - 1] > 2);
    }
}
