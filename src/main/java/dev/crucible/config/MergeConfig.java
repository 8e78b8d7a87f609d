package dev.crucible.config;

import dev.crucible.io.DType;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated mergekit merge config (config-and-cli.md §2). Exactly one of {@code models}, {@code slices} and
 * {@code modules} is non-null. The merge method name is kept as written; the planner checks it. The raw
 * {@code sourceText} is kept so the output can carry the config verbatim, and {@code lines} locates every key path.
 */
public record MergeConfig(
        String mergeMethod,
        List<InputModel> models,
        List<OutputSlice> slices,
        Map<String, OutputModule> modules,
        ModelReference baseModel,
        DType dtype,
        DType outDtype,
        Parameters parameters,
        TokenizerSource tokenizerSource,
        TokenizerConfig tokenizer,
        String chatTemplate,
        String sourceText,
        SourceLines lines) {

    public MergeConfig {
        Objects.requireNonNull(mergeMethod, "mergeMethod");
        Objects.requireNonNull(parameters, "parameters");
        models = Copies.list(models);
        slices = Copies.list(slices);
        modules = Copies.orderedMap(modules);
    }
}
