package dev.crucible.analyze;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import java.util.TreeSet;

import static dev.crucible.analyze.Html.count;
import static dev.crucible.analyze.Html.esc;
import static dev.crucible.analyze.Html.num;

/**
 * The self-contained HTML page of {@code crucible analyze --report}: the recommendation and warnings, the config,
 * per-layer line charts (relative task-vector norms, pairwise cosines, sign conflicts and, after a merge, the kept
 * fraction of each source), a layer × module heat map of the conflict rate, and a table of the tensors outside the
 * layers. One file with inline CSS and SVG: no script, no network reference of any kind (not even the SVG
 * namespace, which the HTML parser supplies).
 *
 * <p>Per-layer figures are means over the layer's tensors weighted by element count, skipping NaN; tensors outside
 * the layers (layer -1) appear only in the table.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:24px;\
            color:#222;background:#fff;max-width:1200px}
            h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:28px 0 8px;border-bottom:1px solid #ddd;\
            padding-bottom:4px}
            .meta{color:#555;margin:0 0 12px}
            .recommendation{background:#eef6ee;border:1px solid #9c9;border-radius:6px;padding:10px 16px}
            .recommendation .method{font-size:1.2em;font-weight:600;margin:4px 0}
            .warnings{background:#fff6e0;border:1px solid #e0b84c;border-radius:6px;padding:10px 16px}
            .warnings ul{margin:4px 0;padding-left:20px}
            pre.config{background:#f6f6f6;border:1px solid #ddd;border-radius:6px;padding:10px;overflow:auto;\
            font-size:0.9em}
            figure{margin:12px 0}
            .charts{display:flex;flex-wrap:wrap;gap:8px 24px}
            .chart.no-data{width:536px;border:1px dashed #bbb;border-radius:6px;padding:8px 12px}
            .chart.no-data figcaption{font-weight:600}
            .note{color:#666;font-style:italic}
            svg text{font-size:12px;fill:#333}
            svg .chart-title{font-size:14px;font-weight:600}
            svg .grid{stroke:#e6e6e6;stroke-width:1}
            svg .axis{stroke:#666;stroke-width:1}
            svg .axis-label{font-size:12px;fill:#555}
            svg .cell{stroke:#fff;stroke-width:0.5}
            .table-wrap{overflow-x:auto}
            table{border-collapse:collapse;font-size:0.9em}
            th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
            th{background:#f3f3f3;white-space:nowrap}
            td.name,th.name{text-align:left;font-family:ui-monospace,Menlo,Consolas,monospace}
            """;

    /** The whole page. */
    public static String render(Analysis analysis) {
        List<TensorFigures> tensors = orEmpty(analysis.tensors());
        List<RetentionFigures> retention = orEmpty(analysis.retention());
        List<String> models = modelLabels(analysis, tensors, retention);

        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // An empty data: icon, so a browser asks for no favicon (and logs no failed request for one).
        h.append("<link rel=\"icon\" href=\"data:,\">\n");
        h.append("<title>Crucible analysis</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        h.append("<h1>Crucible analysis</h1>\n");
        h.append("<p class=\"meta\">base: ")
                .append(analysis.base() == null ? "<em>none</em>" : "<code>" + esc(analysis.base()) + "</code>")
                .append(" · models: ");
        for (int i = 0; i < models.size(); i++) {
            h.append(i > 0 ? ", " : "").append("<code>").append(esc(models.get(i))).append("</code>");
        }
        h.append(" · ").append(count(tensors.size())).append(" tensors")
                .append(retention.isEmpty() ? "" : " · after a merge").append("</p>\n");

        recommendation(h, analysis.recommendation());
        warnings(h, orEmpty(analysis.warnings()));
        h.append("<section id=\"config\">\n<h2>Config</h2>\n<pre class=\"config\">")
                .append(analysis.config() == null ? "" : esc(analysis.config())).append("</pre>\n</section>\n");

        charts(h, models, tensors, retention);
        heatMap(h, tensors);
        otherTensors(h, models, tensors, retention);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void recommendation(StringBuilder h, Recommendation r) {
        h.append("<section id=\"recommendation\" class=\"recommendation\">\n<h2>Recommendation</h2>\n");
        if (r == null || r.method() == null) {
            h.append("<p class=\"note\">no recommendation</p>\n");
        } else {
            h.append("<p class=\"method\">").append(esc(r.method()));
            if (r.density() != null) {
                h.append(", density ").append(num(r.density()));
            }
            h.append("</p>\n");
            List<String> reasons = orEmpty(r.reasons());
            if (!reasons.isEmpty()) {
                h.append("<ul class=\"reasons\">\n");
                for (String reason : reasons) {
                    h.append("<li>").append(esc(reason)).append("</li>\n");
                }
                h.append("</ul>\n");
            }
        }
        h.append("</section>\n");
    }

    private static void warnings(StringBuilder h, List<String> warnings) {
        if (warnings.isEmpty()) {
            return;
        }
        h.append("<section id=\"warnings\" class=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n");
        for (String w : warnings) {
            h.append("<li>").append(esc(w)).append("</li>\n");
        }
        h.append("</ul>\n</section>\n");
    }

    private static void charts(StringBuilder h, List<String> models, List<TensorFigures> tensors,
                               List<RetentionFigures> retention) {
        int[] layers = layers(tensors.stream().map(TensorFigures::layer).toList());
        Map<String, LayerMeans> norms = new LinkedHashMap<>();
        Map<String, LayerMeans> cosines = new LinkedHashMap<>();
        for (String m : models) {
            norms.put(m, new LayerMeans());
        }
        LayerMeans conflict = new LayerMeans();
        LayerMeans topConflict = new LayerMeans();
        for (TensorFigures t : tensors) {
            if (t.layer() < 0) {
                continue;
            }
            for (ModelFigures m : orEmpty(t.models())) {
                norms.computeIfAbsent(m.model(), k -> new LayerMeans()).add(t.layer(), m.relativeNorm(), t.numel());
            }
            for (PairFigures p : orEmpty(t.pairs())) {
                cosines.computeIfAbsent(pairLabel(p), k -> new LayerMeans()).add(t.layer(), p.cosine(), t.numel());
            }
            conflict.add(t.layer(), t.conflictRate(), t.numel());
            topConflict.add(t.layer(), t.topConflictRate(), t.numel());
        }

        h.append("<section id=\"layers\">\n<h2>Per layer</h2>\n");
        h.append("<p class=\"meta\">Means over each layer's tensors, weighted by element count; tensors outside the "
                + "layers are in the table below.</p>\n<div class=\"charts\">\n");
        h.append(SvgLineChart.render("chart-norm", "Relative task-vector norm ‖x − base‖ / ‖base‖ per model",
                "relative norm", layers, series(norms, layers), 0));
        h.append(SvgLineChart.render("chart-cosine", "Pairwise cosine of task vectors", "cosine", layers,
                series(cosines, layers), 0));
        Map<String, LayerMeans> conflicts = new LinkedHashMap<>();
        conflicts.put("sign-conflict rate", conflict);
        conflicts.put("top-20% conflict rate", topConflict);
        h.append(SvgLineChart.render("chart-conflict", "Sign-conflict rate among nonzero deltas", "conflict rate",
                layers, series(conflicts, layers), 0));

        if (!retention.isEmpty()) {
            Map<String, Long> numel = new HashMap<>();
            for (TensorFigures t : tensors) {
                numel.put(t.tensor(), t.numel());
            }
            int[] retentionLayers = layers(retention.stream().map(RetentionFigures::layer).toList());
            Map<String, LayerMeans> kept = new LinkedHashMap<>();
            for (String m : models) {
                kept.put(m, new LayerMeans());
            }
            for (RetentionFigures r : retention) {
                kept.computeIfAbsent(r.model(), k -> new LayerMeans())
                        .add(r.layer(), r.keptFraction(), numel.getOrDefault(r.tensor(), 1L));
            }
            h.append(SvgLineChart.render("chart-retention",
                    "Kept fraction of each source's task vector after the merge", "kept fraction", retentionLayers,
                    series(kept, retentionLayers), 0, 1));
        }
        h.append("</div>\n</section>\n");
    }

    private static void heatMap(StringBuilder h, List<TensorFigures> tensors) {
        List<TensorFigures> inLayers = tensors.stream().filter(t -> t.layer() >= 0).toList();
        h.append("<section id=\"heat-map\">\n<h2>Conflict by layer and module</h2>\n");
        if (inLayers.isEmpty()) {
            h.append("<p class=\"note\">no data: no tensors inside the layers</p>\n</section>\n");
            return;
        }
        int[] layers = layers(inLayers.stream().map(TensorFigures::layer).toList());
        List<String> modules = new ArrayList<>(new TreeSet<>(inLayers.stream()
                .map(t -> t.module() == null ? "" : t.module()).toList()));
        Map<Integer, Integer> layerIndex = new HashMap<>();
        for (int i = 0; i < layers.length; i++) {
            layerIndex.put(layers[i], i);
        }
        Map<String, Integer> moduleIndex = new HashMap<>();
        for (int i = 0; i < modules.size(); i++) {
            moduleIndex.put(modules.get(i), i);
        }
        double[][] sum = new double[modules.size()][layers.length];
        double[][] weight = new double[modules.size()][layers.length];
        double[][] topSum = new double[modules.size()][layers.length];
        double[][] topWeight = new double[modules.size()][layers.length];
        int[][] tensorCount = new int[modules.size()][layers.length];
        long[][] elements = new long[modules.size()][layers.length];
        for (TensorFigures t : inLayers) {
            int m = moduleIndex.get(t.module() == null ? "" : t.module());
            int l = layerIndex.get(t.layer());
            double w = Math.max(1, t.numel());
            tensorCount[m][l]++;
            elements[m][l] += t.numel();
            if (Double.isFinite(t.conflictRate())) {
                sum[m][l] += w * t.conflictRate();
                weight[m][l] += w;
            }
            if (Double.isFinite(t.topConflictRate())) {
                topSum[m][l] += w * t.topConflictRate();
                topWeight[m][l] += w;
            }
        }
        double[][] values = new double[modules.size()][layers.length];
        String[][] tips = new String[modules.size()][layers.length];
        for (int m = 0; m < modules.size(); m++) {
            for (int l = 0; l < layers.length; l++) {
                values[m][l] = weight[m][l] > 0 ? sum[m][l] / weight[m][l] : Double.NaN;
                double top = topWeight[m][l] > 0 ? topSum[m][l] / topWeight[m][l] : Double.NaN;
                tips[m][l] = tensorCount[m][l] == 0
                        ? "layer " + layers[l] + " · " + modules.get(m) + ": no tensor"
                        : "layer " + layers[l] + " · " + modules.get(m) + "\nconflict rate " + num(values[m][l])
                        + "\ntop-20% conflict rate " + num(top) + "\n" + tensorCount[m][l] + " tensor"
                        + (tensorCount[m][l] == 1 ? "" : "s") + ", " + count(elements[m][l]) + " elements";
            }
        }
        h.append(SvgHeatMap.render("heatmap-conflict", "Sign-conflict rate, layer × module", "conflict rate", layers,
                modules, values, tips));
        h.append("</section>\n");
    }

    private static void otherTensors(StringBuilder h, List<String> models, List<TensorFigures> tensors,
                                     List<RetentionFigures> retention) {
        List<TensorFigures> outside = tensors.stream().filter(t -> t.layer() < 0).toList();
        h.append("<section id=\"other-tensors\">\n<h2>Tensors outside the layers</h2>\n");
        if (outside.isEmpty()) {
            h.append("<p class=\"note\">none</p>\n</section>\n");
            return;
        }
        SequencedSet<String> pairs = new LinkedHashSet<>();
        boolean slerp = false;
        for (TensorFigures t : outside) {
            for (PairFigures p : orEmpty(t.pairs())) {
                pairs.add(pairLabel(p));
            }
            slerp |= !Double.isNaN(t.slerpAngle());
        }
        Map<String, RetentionFigures> kept = new HashMap<>();
        for (RetentionFigures r : retention) {
            if (r.layer() < 0) {
                kept.put(r.tensor() + "\u0000" + r.model(), r);
            }
        }
        boolean withRetention = !kept.isEmpty();

        h.append("<div class=\"table-wrap\">\n<table class=\"tensors\">\n<thead>\n<tr><th class=\"name\" rowspan=\"2\">tensor</th>"
                + "<th rowspan=\"2\">elements</th>");
        for (String m : models) {
            h.append("<th colspan=\"3\">").append(esc(m)).append("</th>");
        }
        if (!pairs.isEmpty()) {
            h.append("<th colspan=\"").append(pairs.size()).append("\">cosine</th>");
        }
        h.append("<th rowspan=\"2\">conflict rate</th><th rowspan=\"2\">top-20% conflict</th>");
        if (slerp) {
            h.append("<th rowspan=\"2\">SLERP angle (rad)</th>");
        }
        if (withRetention) {
            h.append("<th colspan=\"").append(models.size()).append("\">kept fraction</th>");
        }
        h.append("</tr>\n<tr>");
        for (int i = 0; i < models.size(); i++) {
            h.append("<th>‖δ‖</th><th>relative</th><th>zero</th>");
        }
        for (String p : pairs) {
            h.append("<th>").append(esc(p)).append("</th>");
        }
        if (withRetention) {
            for (String m : models) {
                h.append("<th>").append(esc(m)).append("</th>");
            }
        }
        h.append("</tr>\n</thead>\n<tbody>\n");
        for (TensorFigures t : outside) {
            h.append("<tr><td class=\"name\">").append(esc(t.tensor())).append("</td><td>").append(count(t.numel()))
                    .append("</td>");
            Map<String, ModelFigures> byModel = new HashMap<>();
            for (ModelFigures m : orEmpty(t.models())) {
                byModel.put(m.model(), m);
            }
            for (String m : models) {
                ModelFigures f = byModel.get(m);
                h.append("<td>").append(f == null ? Html.MISSING : num(f.deltaNorm())).append("</td><td>")
                        .append(f == null ? Html.MISSING : num(f.relativeNorm())).append("</td><td>")
                        .append(f == null ? Html.MISSING : num(f.zeroFraction())).append("</td>");
            }
            Map<String, Double> cos = new HashMap<>();
            for (PairFigures p : orEmpty(t.pairs())) {
                cos.put(pairLabel(p), p.cosine());
            }
            for (String p : pairs) {
                h.append("<td>").append(num(cos.getOrDefault(p, Double.NaN))).append("</td>");
            }
            h.append("<td>").append(num(t.conflictRate())).append("</td><td>").append(num(t.topConflictRate()))
                    .append("</td>");
            if (slerp) {
                h.append("<td>").append(num(t.slerpAngle())).append("</td>");
            }
            if (withRetention) {
                for (String m : models) {
                    RetentionFigures r = kept.get(t.tensor() + "\u0000" + m);
                    h.append("<td>").append(r == null ? Html.MISSING : num(r.keptFraction())).append("</td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    /** The analysis' model labels, then any other label the figures name, in order of first appearance. */
    private static List<String> modelLabels(Analysis a, List<TensorFigures> tensors, List<RetentionFigures> retention) {
        SequencedSet<String> labels = new LinkedHashSet<>(orEmpty(a.models()));
        for (TensorFigures t : tensors) {
            for (ModelFigures m : orEmpty(t.models())) {
                labels.add(m.model());
            }
        }
        for (RetentionFigures r : retention) {
            labels.add(r.model());
        }
        return List.copyOf(labels);
    }

    private static String pairLabel(PairFigures p) {
        return p.first() + " ↔ " + p.second();
    }

    /** The distinct layer indices ≥ 0, ascending. */
    private static int[] layers(List<Integer> all) {
        return new TreeSet<>(all).stream().filter(l -> l >= 0).mapToInt(Integer::intValue).toArray();
    }

    private static List<SvgLineChart.Series> series(Map<String, LayerMeans> means, int[] layers) {
        List<SvgLineChart.Series> out = new ArrayList<>();
        means.forEach((name, m) -> out.add(new SvgLineChart.Series(name, m.at(layers))));
        return out;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** Per-layer means of one figure weighted by element count; NaN (and infinite) values are skipped. */
    static final class LayerMeans {
        private final Map<Integer, double[]> sums = new HashMap<>(); // layer → {Σ w·v, Σ w}

        void add(int layer, double value, long numel) {
            if (layer < 0 || !Double.isFinite(value)) {
                return;
            }
            double w = Math.max(1, numel);
            double[] s = sums.computeIfAbsent(layer, k -> new double[2]);
            s[0] += w * value;
            s[1] += w;
        }

        /** The mean at each of the given layers, NaN where there is no finite value. */
        double[] at(int[] layers) {
            double[] out = new double[layers.length];
            for (int i = 0; i < layers.length; i++) {
                double[] s = sums.get(layers[i]);
                out[i] = s == null || s[1] == 0 ? Double.NaN : s[0] / s[1];
            }
            return out;
        }
    }
}
