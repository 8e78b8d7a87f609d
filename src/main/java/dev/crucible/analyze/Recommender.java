package dev.crucible.analyze;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the figures into a method suggestion with its reasons. Figures are averaged over tensors weighted by their
 * element count: the conflict rate {@code c} and the mean pairwise cosine {@code s} of the task vectors. The first
 * rule that applies decides:
 * <ol>
 * <li>the models share no base: task-vector methods do not apply; slerp for two models, else linear;</li>
 * <li>one model against the base: slerp between them;</li>
 * <li>two closely related models ({@code s > }{@link #CLOSELY_RELATED}): slerp;</li>
 * <li>task vectors that never overlap (no conflict measurable): task_arithmetic loses nothing by adding them;</li>
 * <li>low conflict and aligned task vectors ({@code c < }{@link #LOW_CONFLICT}, {@code s > }{@link #ALIGNED}):
 * task_arithmetic;</li>
 * <li>high conflict ({@code c ≥ }{@link #HIGH_CONFLICT}): ties with a suggested density, della as the
 * alternative;</li>
 * <li>otherwise: ties with a light trim ({@link #MODERATE_DENSITY}).</li>
 * </ol>
 * The thresholds are heuristics (rules of thumb in the spirit of the TIES and DARE papers and mergekit's example
 * configs), not measured optima; they are named here so they are easy to find and change.
 */
final class Recommender {
    static final double CLOSELY_RELATED = 0.9;
    static final double LOW_CONFLICT = 0.1;
    static final double ALIGNED = 0.5;
    static final double HIGH_CONFLICT = 0.25;
    /** High conflict: keep the top half of each task vector, or about its nonzero share when that is smaller. */
    static final double MAX_DENSITY = 0.5;
    static final double MIN_DENSITY = 0.1;
    static final double MODERATE_DENSITY = 0.7;

    private Recommender() {
    }

    static Recommendation recommend(List<TensorFigures> tensors, int models, boolean sharedBase) {
        if (!sharedBase) {
            return models == 2
                    ? new Recommendation("slerp", null, List.of(Analyzer.NO_BASE + ".",
                    "With two models, slerp interpolates between their weights directly."))
                    : new Recommendation("linear", null, List.of(Analyzer.NO_BASE + ".",
                    "linear averages the models' weights directly."));
        }
        if (models == 1) {
            return new Recommendation("slerp", null, List.of("There is one model besides the base, so no task"
                    + " vectors interfere; slerp interpolates between the base and the model."));
        }
        double c = conflict(tensors);
        double s = cosine(tensors);
        List<String> reasons = new ArrayList<>();
        reasons.add(Double.isNaN(c) ? "No coordinate has two or more nonzero task vectors, so there is no sign"
                + " conflict." : String.format(Locale.ROOT, "The task vectors disagree in sign on %.1f%% of the"
                + " coordinates where two or more are nonzero (%.1f%% among each model's top %.0f%% by"
                + " magnitude).", 100 * c, 100 * topConflict(tensors), 100 * Measures.TOP_FRACTION));
        reasons.add(String.format(Locale.ROOT, "Their mean pairwise cosine similarity is %.2f.", s));
        if (models == 2 && s > CLOSELY_RELATED) {
            reasons.add(String.format(Locale.ROOT, "Two closely related models (cosine above %.2f): slerp between"
                    + " them keeps both, with one of them as base_model.", CLOSELY_RELATED));
            return new Recommendation("slerp", null, reasons);
        }
        if (Double.isNaN(c)) {
            reasons.add("Task vectors that never overlap add without interference: task_arithmetic.");
            return new Recommendation("task_arithmetic", null, reasons);
        }
        if (c < LOW_CONFLICT && s > ALIGNED) {
            reasons.add(String.format(Locale.ROOT, "Low conflict (below %.0f%%) and aligned task vectors (cosine"
                    + " above %.2f) add well: task_arithmetic.", 100 * LOW_CONFLICT, ALIGNED));
            return new Recommendation("task_arithmetic", null, reasons);
        }
        if (c >= HIGH_CONFLICT) {
            double nonzero = 1 - medianZeroFraction(tensors);
            double density = Math.round(Math.clamp(nonzero, MIN_DENSITY, MAX_DENSITY) * 20) / 20.0;
            reasons.add(String.format(Locale.ROOT, "High conflict (at least %.0f%%): ties trims each task vector"
                    + " and elects one sign per coordinate; della, which drops small deltas more often, is the"
                    + " alternative.", 100 * HIGH_CONFLICT));
            reasons.add(String.format(Locale.ROOT, "The median model's task vector is %.0f%% nonzero, so density"
                    + " %.2f keeps %s.", 100 * nonzero, density, density < nonzero ? "the largest entries of each"
                    : "about as many entries as are nonzero"));
            return new Recommendation("ties", density, reasons);
        }
        reasons.add(String.format(Locale.ROOT, "Moderate conflict (%.0f%% to %.0f%%): ties with a light trim"
                + " resolves the disagreements while keeping most of each task vector.", 100 * LOW_CONFLICT,
                100 * HIGH_CONFLICT));
        return new Recommendation("ties", MODERATE_DENSITY, reasons);
    }

    private static double conflict(List<TensorFigures> tensors) {
        Mean mean = new Mean();
        tensors.forEach(t -> mean.add(t.conflictRate(), t.numel()));
        return mean.value();
    }

    private static double topConflict(List<TensorFigures> tensors) {
        Mean mean = new Mean();
        tensors.forEach(t -> mean.add(t.topConflictRate(), t.numel()));
        return mean.value();
    }

    /** Mean over tensors of the mean pairwise cosine within each. */
    private static double cosine(List<TensorFigures> tensors) {
        Mean mean = new Mean();
        for (TensorFigures t : tensors) {
            Mean pairs = new Mean();
            t.pairs().forEach(p -> pairs.add(p.cosine(), 1));
            mean.add(pairs.value(), t.numel());
        }
        return mean.value();
    }

    /** Each model's zero fraction over all tensors, then the median over models. */
    private static double medianZeroFraction(List<TensorFigures> tensors) {
        Map<String, Mean> perModel = new LinkedHashMap<>();
        for (TensorFigures t : tensors) {
            t.models().forEach(m -> perModel.computeIfAbsent(m.model(), k -> new Mean()).add(m.zeroFraction(),
                    t.numel()));
        }
        double[] zeros = perModel.values().stream().mapToDouble(Mean::value).sorted().toArray();
        int n = zeros.length;
        return n % 2 == 1 ? zeros[n / 2] : (zeros[n / 2 - 1] + zeros[n / 2]) / 2;
    }
}
