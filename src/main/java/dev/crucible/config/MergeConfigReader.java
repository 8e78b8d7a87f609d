package dev.crucible.config;

import dev.crucible.io.DType;
import java.util.List;

/** Reads the top level of a merge config (config-and-cli.md §2) and checks the rules that span its keys. */
final class MergeConfigReader {
    private static final List<String> KEYS = List.of("merge_method", "models", "slices", "modules", "base_model",
            "dtype", "out_dtype", "parameters", "tokenizer_source", "tokenizer", "chat_template", "name");
    private static final List<String> DTYPE_NAMES = List.of("bfloat16", "float16", "float32", "int64");

    private MergeConfigReader() {
    }

    static MergeConfig read(ConfigNode root, String sourceText) {
        ConfigMapping top = root.openMapping().allowOnly(KEYS);
        top.requireExclusive(true, "Exactly one of 'models', 'slices', or 'modules' must be present",
                "models", "slices", "modules");
        top.requireExclusive(false, "Cannot specify both tokenizer_source and tokenizer",
                "tokenizer_source", "tokenizer");
        // mergekit-multi names each document of a multi-merge file; a single merge has no use for the name.
        top.optional("name").ifPresent(ConfigNode::string);
        return new MergeConfig(
                top.required("merge_method").string(),
                top.optional("models").filter(m -> !m.isEmpty()).map(InputsReader::models).orElse(null),
                top.optional("slices").filter(s -> !s.isEmpty()).map(InputsReader::slices).orElse(null),
                top.optional("modules").filter(m -> !m.isEmpty()).map(InputsReader::modules).orElse(null),
                top.optional("base_model").map(ModelReferenceReader::read).orElse(null),
                top.optional("dtype").map(MergeConfigReader::dtype).orElse(null),
                top.optional("out_dtype").map(MergeConfigReader::dtype).orElse(null),
                ParameterReader.parameters(top),
                top.optional("tokenizer_source").map(TokenizerReader::source).orElse(null),
                top.optional("tokenizer").map(TokenizerReader::config).orElse(null),
                top.optional("chat_template").map(ConfigNode::string).orElse(null),
                sourceText,
                root.lines());
    }

    /** Checked now, where mergekit fails only when the first tensor is cast (mergekit issue #398). */
    private static DType dtype(ConfigNode node) {
        String name = node.string();
        return DType.fromConfigName(name).orElseThrow(() -> node.error("unknown dtype '" + name + "'"
                + NearestName.hint(name.replaceFirst("^torch\\.", ""), DTYPE_NAMES)
                + "; expected one of " + String.join(", ", DTYPE_NAMES) + ", optionally prefixed 'torch.'"));
    }
}
