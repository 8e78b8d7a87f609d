package dev.crucible.plan;

import dev.crucible.config.ModelReference;
import dev.crucible.io.Checkpoint;

/** An input model as the plan uses it: its reference in the config and its opened checkpoint (headers only). */
public record PlannedModel(ModelReference reference, Checkpoint checkpoint) {
    public String label() {
        return reference.text();
    }
}
