package dev.crucible.method;

import dev.crucible.backend.DeviceTensor;

/** What a method produced for one tensor: computed values, or one input passed through unchanged. */
public sealed interface MergeResult {

    /** Values computed on the backend; the executor rounds them once to the output dtype. */
    record Computed(DeviceTensor tensor) implements MergeResult {}

    /** The input's stored bytes are the answer (copied verbatim when the output dtype equals the input's). */
    record Unchanged(MergeContext.Input input) implements MergeResult {}
}
