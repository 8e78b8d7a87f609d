package dev.crucible.analyze;

import dev.crucible.CrucibleException;
import dev.crucible.backend.Backend;
import dev.crucible.backend.Operand;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.TensorInfo;
import dev.crucible.plan.JobInput;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.TensorJob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code crucible analyze}: streams a plan's merge jobs tensor by tensor, as the executor does, and measures the
 * models against the base ({@link Measures}), after a merge also what the merged model kept of each source; then
 * recommends a method ({@link Recommender}). Inputs stay memory-mapped, so memory stays within a merge's.
 *
 * <p>The base is the job's separate base or, for methods that take the base as an ordinary source (linear, slerp),
 * the source that comes from {@code base_model}; the other sources are the analysed models. Integer tensors, which
 * are copied rather than merged, are skipped.
 */
public final class Analyzer {
    static final String NO_BASE = "models share no base: task-vector methods do not apply";
    /** Heuristic: a source whose mean kept fraction over a layer is below this was mostly cancelled there. */
    static final double CANCELLED = 0.2;

    private final MergePlan plan;
    private final Backend backend;
    private final Measures measures;

    private Analyzer(MergePlan plan, Backend backend) {
        this.plan = plan;
        this.backend = backend;
        this.measures = new Measures(backend);
    }

    /** Analyses {@code plan}; with {@code merged} (the merge's output, or null) also each source's retention. */
    public static Analysis analyze(MergePlan plan, Backend backend, Checkpoint merged) {
        return new Analyzer(plan, backend).run(merged);
    }

    private Analysis run(Checkpoint merged) {
        List<TensorFigures> tensors = new ArrayList<>();
        List<RetentionFigures> retention = new ArrayList<>();
        Set<String> models = new LinkedHashSet<>();
        String baseLabel = null;
        boolean missingBase = false;
        for (TensorJob job : plan.jobs()) {
            if (job.kind() != TensorJob.Kind.MERGE) {
                continue;
            }
            JobInput base = base(job);
            List<JobInput> sources = job.inputs().stream().filter(in -> in != base).toList();
            List<String> labels = sources.stream().map(this::label).toList();
            models.addAll(labels);
            missingBase |= base == null;
            if (base != null && baseLabel == null) {
                baseLabel = label(base);
            }
            backend.beginTensor();
            try {
                Operand b = base == null ? null : operand(base, job.numel());
                Operand[] xs = sources.stream().map(in -> operand(in, job.numel())).toArray(Operand[]::new);
                tensors.add(measures.before(job.name(), b, labels, xs));
                if (merged != null && b != null && merged.has(job.name())) {
                    Operand m = mergedOperand(merged, job);
                    for (int i = 0; i < xs.length; i++) {
                        retention.add(measures.retention(job.name(), b, m, labels.get(i), xs[i]));
                    }
                }
            } finally {
                backend.endTensor();
            }
        }
        List<String> warnings = new ArrayList<>();
        if (missingBase) {
            warnings.add(NO_BASE);
        }
        warnings.addAll(cancelled(retention));
        Recommendation recommendation = Recommender.recommend(tensors, models.size(), !missingBase);
        return new Analysis(plan.config().sourceText(), baseLabel, List.copyOf(models), tensors, retention,
                recommendation, warnings);
    }

    private static JobInput base(TensorJob job) {
        return job.base() != null ? job.base()
                : job.inputs().stream().filter(JobInput::isBase).findFirst().orElse(null);
    }

    /** One warning per model and layer where the mean kept fraction of its task vector is below {@link #CANCELLED}. */
    private static List<String> cancelled(List<RetentionFigures> retention) {
        Map<String, Map<Integer, Mean>> kept = new LinkedHashMap<>();
        for (RetentionFigures r : retention) {
            kept.computeIfAbsent(r.model(), k -> new LinkedHashMap<>()).computeIfAbsent(r.layer(), k -> new Mean())
                    .add(r.keptFraction(), 1);
        }
        List<String> warnings = new ArrayList<>();
        kept.forEach((model, layers) -> layers.forEach((layer, mean) -> {
            if (mean.value() < CANCELLED) {
                warnings.add(String.format(Locale.ROOT, "%s was mostly cancelled in %s: the merge kept %.0f%% of its"
                        + " task vector", model, layer < 0 ? "the tensors outside the layers" : "layer " + layer,
                        100 * mean.value()));
            }
        }));
        return warnings;
    }

    private Operand operand(JobInput in, long numel) {
        return new Operand(in.info().dtype(), plan.models().get(in.model()).checkpoint().data(in.tensor()), numel);
    }

    private static Operand mergedOperand(Checkpoint merged, TensorJob job) {
        TensorInfo info = merged.info(job.name());
        if (info.numel() != job.numel() || !info.dtype().mergeable()) {
            throw new CrucibleException(merged.directory() + ": " + job.name() + " is " + info.dtype() + " "
                    + Arrays.toString(info.shape()) + " but the config makes it " + job);
        }
        return new Operand(info.dtype(), merged.data(job.name()), job.numel());
    }

    private String label(JobInput in) {
        return plan.models().get(in.model()).label();
    }
}
