package dev.crucible.exec;

import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.io.Checkpoint;
import dev.crucible.io.NonFinite;
import dev.crucible.plan.JobInput;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.TensorJob;

import java.util.ArrayList;
import java.util.List;

/**
 * The NaN/Inf policy of a merge. Every output tensor is scanned as it is written (the executor counts); one that holds
 * non-finite values is a warning, given once per run with the tensors affected listed in the summary, and its inputs
 * are scanned to say where the values came from. With {@code --strict}, every input tensor is scanned before it is
 * used as well, and any non-finite value, in an input or in the output, stops the merge with an error naming the
 * tensor, the model and the count.
 */
final class FiniteCheck {
    static final String TOPIC = "non-finite-output";

    private final MergePlan plan;
    private final Warnings warnings;
    private final boolean strict;

    FiniteCheck(MergePlan plan, Warnings warnings, boolean strict) {
        this.plan = plan;
        this.warnings = warnings;
        this.strict = strict;
    }

    /** Under --strict: refuses a job whose inputs hold NaN or Inf. */
    void checkInputs(TensorJob job) {
        if (!strict || job.kind() != TensorJob.Kind.MERGE) {
            return;
        }
        for (JobInput in : job.allInputs()) {
            long bad = count(in);
            if (bad > 0) {
                throw new CrucibleException(in.tensor() + " of " + label(in) + " holds " + bad + " NaN/Inf value"
                        + (bad == 1 ? "" : "s") + " (--strict)");
            }
        }
    }

    /** Reports an output tensor that holds {@code count} NaN or Inf values; under --strict, refuses it. */
    void checkOutput(TensorJob job, long count) {
        if (count == 0) {
            return;
        }
        String message = job.name() + ": " + count + " NaN/Inf value" + (count == 1 ? "" : "s") + " in the output ("
                + sources(job) + ")";
        if (strict) {
            throw new CrucibleException(message + " (--strict)");
        }
        warnings.affecting(TOPIC, message, job.name());
    }

    /** Where the values came from: the inputs that hold some, or the merge itself. */
    private String sources(TensorJob job) {
        List<String> parts = new ArrayList<>();
        for (JobInput in : job.allInputs()) {
            long bad = count(in);
            if (bad > 0) {
                String tensor = in.tensor().equals(job.name()) ? "" : " " + in.tensor();
                parts.add(label(in) + tensor + ": " + bad);
            }
        }
        return parts.isEmpty() ? "no input holds any: the merge produced them" : "from " + String.join(", ", parts);
    }

    private long count(JobInput in) {
        Checkpoint c = plan.models().get(in.model()).checkpoint();
        return NonFinite.count(in.info().dtype(), c.data(in.tensor()));
    }

    private String label(JobInput in) {
        return plan.models().get(in.model()).label();
    }
}
