package dev.crucible.config;

/**
 * Reads a model reference in either form of config-and-cli.md §3: the string {@code PATH[@REV][+LORA[@REV]]} or
 * the mapping {@code {model, lora, override_architecture}}, whose model and lora are {@code PATH[@REV]} strings
 * or {@code {path, revision}} mappings.
 */
final class ModelReferenceReader {
    private ModelReferenceReader() {
    }

    static ModelReference read(ConfigNode node) {
        try {
            if (!node.isMapping()) {
                return ModelReference.parse(node.string());
            }
            ConfigMapping reference = node.mapping("model", "lora", "override_architecture");
            return ModelReference.of(
                    path(reference.required("model")),
                    reference.optional("lora").map(ModelReferenceReader::path).orElse(null),
                    reference.optional("override_architecture").map(ConfigNode::string).orElse(null));
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    private static ModelPath path(ConfigNode node) {
        if (!node.isMapping()) {
            return ModelPath.parse(node.string());
        }
        ConfigMapping path = node.mapping("path", "revision");
        return new ModelPath(path.required("path").string(),
                path.optional("revision").map(ConfigNode::string).orElse(null));
    }
}
