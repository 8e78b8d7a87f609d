package dev.crucible.plan;

import dev.crucible.config.InputModel;
import dev.crucible.config.MergeConfig;
import dev.crucible.config.OutputModule;
import dev.crucible.config.OutputSlice;
import dev.crucible.config.Parameters;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One independently merged part of a model: the whole model for {@code models:} and {@code slices:} configs, or a
 * named part of a multi-module model ({@code modules:}, e.g. Gemma 3's {@code text_decoder}, {@code vision_tower} and
 * {@code multi_modal_projector}). A module owns the tensors whose names contain one of its name components
 * (mergekit's architecture tables name the same prefixes), keeps its own layer counter, pre- and post-layer weights
 * and parameters (precedence level 3, merge-methods.md §2.5), and its own layer-count key in config.json.
 *
 * @param layerCountKey dotted config.json key of the module's layer count; null: find the usual key
 */
record Module(String name, List<OutputSlice> slices, List<InputModel> models, Parameters parameters, String keyPath,
              Predicate<String> owns, String layerCountKey) {

    /** Name components by which known module names are found in tensor names; other modules use their own name. */
    private static final Map<String, Set<String>> COMPONENTS = Map.of(
            "text_decoder", Set.of("language_model", "text_model"),
            "vision_tower", Set.of("vision_tower", "vision_model"),
            "multi_modal_projector", Set.of("multi_modal_projector"));
    private static final Map<String, String> LAYER_COUNT_KEYS = Map.of(
            "text_decoder", "text_config.num_hidden_layers",
            "vision_tower", "vision_config.num_hidden_layers");

    static Module whole(MergeConfig config) {
        return new Module("", config.slices(), config.models(), Parameters.EMPTY, "", name -> true, null);
    }

    static Module of(String name, OutputModule m) {
        Set<String> components = COMPONENTS.getOrDefault(name, Set.of(name));
        // a text decoder's head usually sits at the top level, outside language_model
        boolean ownsHead = name.equals("text_decoder");
        Predicate<String> owns = tensor -> ownsHead && TensorName.isLmHead(tensor)
                || List.of(tensor.split("\\.")).stream().anyMatch(components::contains);
        return new Module(name, m.slices(), m.models(), m.parameters(), m.keyPath(), owns,
                LAYER_COUNT_KEYS.getOrDefault(name, name + "_config.num_hidden_layers"));
    }

    /** Its {@code slices:} (a layer count is written for it) rather than {@code models:}. */
    boolean sliced() {
        return slices != null;
    }
}
