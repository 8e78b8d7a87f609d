package dev.crucible.method;

/** What a method produced for one tensor. */
public sealed interface MergeResult {

    /** The method wrote the merged values into {@link MergeContext#output()}. */
    record Written() implements MergeResult {
    }

    /** One input is the answer; its stored bytes are copied verbatim when the output dtype equals its own. */
    record Unchanged(MergeContext.Input input) implements MergeResult {
    }

    MergeResult WRITTEN = new Written();
}
