package dev.crucible.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the three ways of naming a merge's inputs: {@code models:}, {@code slices:} and {@code modules:} (§4-§6). */
final class InputsReader {
    private InputsReader() {
    }

    static List<InputModel> models(ConfigNode node) {
        return node.elements().stream().map(InputsReader::model).toList();
    }

    static List<OutputSlice> slices(ConfigNode node) {
        return node.elements().stream().map(InputsReader::slice).toList();
    }

    static Map<String, OutputModule> modules(ConfigNode node) {
        Map<String, OutputModule> modules = new LinkedHashMap<>();
        node.openMapping().all().forEach((name, module) -> modules.put(name, module(module)));
        return modules;
    }

    private static OutputModule module(ConfigNode node) {
        ConfigMapping module = node.mapping("slices", "models", "parameters");
        module.requireExclusive(true, "Must specify either output slices or models to merge", "slices", "models");
        return new OutputModule(
                module.optional("slices").filter(s -> !s.isEmpty()).map(InputsReader::slices).orElse(null),
                module.optional("models").filter(m -> !m.isEmpty()).map(InputsReader::models).orElse(null),
                ParameterReader.parameters(module), node.path());
    }

    private static InputModel model(ConfigNode node) {
        ConfigMapping model = node.mapping("model", "parameters");
        return new InputModel(ModelReferenceReader.read(model.required("model")),
                ParameterReader.parameters(model), node.path());
    }

    private static OutputSlice slice(ConfigNode node) {
        ConfigMapping slice = node.mapping("sources", "base_model", "parameters", "residual_weight");
        // mergekit declares residual_weight but never reads it; it is checked so a typo'd value still fails.
        slice.optional("residual_weight").ifPresent(ConfigNode::number);
        ConfigNode sourcesNode = slice.required("sources");
        List<InputSlice> sources = sourcesNode.elements().stream().map(InputsReader::source).toList();
        if (sources.isEmpty()) {
            throw sourcesNode.error("a slice needs at least one source");
        }
        for (InputSlice source : sources) {
            if (source.length() != sources.getFirst().length()) {
                throw node.lines().error(source.keyPath() + ".layer_range",
                        "All inputs to a slice must contain the same number of layers (" + source.length()
                                + " here, " + sources.getFirst().length() + " in the slice's first source)");
            }
        }
        return new OutputSlice(sources,
                slice.optional("base_model").map(ModelReferenceReader::read).orElse(null),
                ParameterReader.parameters(slice), node.path());
    }

    private static InputSlice source(ConfigNode node) {
        ConfigMapping source = node.mapping("model", "layer_range", "parameters");
        ModelReference model = ModelReferenceReader.read(source.required("model"));
        ConfigNode range = source.required("layer_range");
        String found = ", got " + range.describe();
        List<ConfigNode> bounds = range.isSequence() ? range.elements() : List.of();
        if (bounds.size() != 2) {
            throw range.error("expected two integers [start, end]" + found);
        }
        int start = bounds.get(0).integer();
        int end = bounds.get(1).integer();
        if (start < 0) {
            throw range.error("layer indices must be non-negative" + found);
        }
        if (start > end) {
            throw range.error("start must not be greater than end" + found);
        }
        return new InputSlice(model, start, end, ParameterReader.parameters(source), node.path());
    }
}
