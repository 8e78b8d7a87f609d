package dev.crucible.analyze;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The text summary {@code crucible analyze} prints: per layer the models' mean norms relative to the base, the mean
 * pairwise cosine, the conflict rates and (when defined) the SLERP angle; after a merge each source's kept fraction
 * and cosine per layer; then the recommendation with its reasons, and the warnings. Layer means weigh tensors by
 * element count; "other" is the tensors outside the layers. Models are shown as m0, m1, … after a legend.
 */
public final class AnalysisText {
    private static final String UNDEFINED = "-";

    private AnalysisText() {
    }

    public static void print(Analysis analysis, PrintStream out) {
        out.println("base: " + (analysis.base() == null ? "(none)" : analysis.base()));
        for (int i = 0; i < analysis.models().size(); i++) {
            out.printf("m%d:   %s%n", i, analysis.models().get(i));
        }
        out.println();
        printFigures(analysis, out);
        if (!analysis.retention().isEmpty()) {
            out.println();
            printRetention(analysis, out);
        }
        out.println();
        Recommendation r = analysis.recommendation();
        out.println("recommendation: " + r.method() + (r.density() == null ? ""
                : String.format(Locale.ROOT, " (density %.2f)", r.density())));
        r.reasons().forEach(reason -> out.println("  " + reason));
        analysis.warnings().forEach(w -> out.println("warning: " + w));
    }

    private static void printFigures(Analysis analysis, PrintStream out) {
        boolean angles = analysis.tensors().stream().anyMatch(t -> !Double.isNaN(t.slerpAngle()));
        List<String> header = new ArrayList<>(List.of("layer"));
        for (int i = 0; i < analysis.models().size(); i++) {
            header.add("norm m" + i);
        }
        header.addAll(List.of("cosine", "conflict", "top" + Math.round(100 * Measures.TOP_FRACTION) + "%"));
        if (angles) {
            header.add("angle deg");
        }
        out.println(row(header));
        byLayer(analysis.tensors(), TensorFigures::layer).forEach((layer, tensors) -> {
            List<String> cells = new ArrayList<>(List.of(layerName(layer)));
            for (String model : analysis.models()) {
                Mean norm = new Mean();
                tensors.forEach(t -> t.models().stream().filter(m -> m.model().equals(model))
                        .forEach(m -> norm.add(m.relativeNorm(), t.numel())));
                cells.add(number("%.4f", norm.value()));
            }
            Mean cosine = new Mean();
            Mean conflict = new Mean();
            Mean top = new Mean();
            Mean angle = new Mean();
            for (TensorFigures t : tensors) {
                t.pairs().forEach(p -> cosine.add(p.cosine(), t.numel()));
                conflict.add(t.conflictRate(), t.numel());
                top.add(t.topConflictRate(), t.numel());
                angle.add(Math.toDegrees(t.slerpAngle()), t.numel());
            }
            cells.addAll(List.of(number("%.3f", cosine.value()), percent(conflict.value()), percent(top.value())));
            if (angles) {
                cells.add(number("%.2f", angle.value()));
            }
            out.println(row(cells));
        });
    }

    private static void printRetention(Analysis analysis, PrintStream out) {
        List<String> header = new ArrayList<>(List.of("layer"));
        for (int i = 0; i < analysis.models().size(); i++) {
            header.add("kept m" + i);
            header.add("cos m" + i);
        }
        out.println("retention after the merge (kept fraction of each task vector, cosine with the merged one):");
        out.println(row(header));
        byLayer(analysis.retention(), RetentionFigures::layer).forEach((layer, figures) -> {
            List<String> cells = new ArrayList<>(List.of(layerName(layer)));
            for (String model : analysis.models()) {
                Mean kept = new Mean();
                Mean cosine = new Mean();
                figures.stream().filter(f -> f.model().equals(model)).forEach(f -> {
                    kept.add(f.keptFraction(), 1);
                    cosine.add(f.cosine(), 1);
                });
                cells.add(number("%.3f", kept.value()));
                cells.add(number("%.3f", cosine.value()));
            }
            out.println(row(cells));
        });
    }

    /** Layers in order, the tensors outside the layers last. */
    private static <T> Map<Integer, List<T>> byLayer(List<T> items, Function<T, Integer> layer) {
        return items.stream().collect(Collectors.groupingBy(t -> layer.apply(t) < 0 ? Integer.MAX_VALUE
                : layer.apply(t), TreeMap::new, Collectors.toList()));
    }

    private static String layerName(int layer) {
        return layer == Integer.MAX_VALUE ? "other" : Integer.toString(layer);
    }

    private static String row(List<String> cells) {
        StringBuilder s = new StringBuilder(String.format("%-6s", cells.getFirst()));
        cells.subList(1, cells.size()).forEach(c -> s.append(String.format(" %9s", c)));
        return s.toString().stripTrailing();
    }

    private static String number(String format, double v) {
        return Double.isNaN(v) ? UNDEFINED : String.format(Locale.ROOT, format, v);
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? UNDEFINED : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
