package dev.crucible.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crucible.CrucibleException;
import dev.crucible.Warnings;
import dev.crucible.io.DType;
import dev.crucible.plan.MergePlan;
import dev.crucible.plan.TensorName;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The output config.json: the donor's JSON edited in place, unknown keys preserved (formats.md §7.1). Sets
 * {@code torch_dtype} (and {@code dtype} where the donor has it) and, for {@code slices:} merges, the layer count
 * and every per-layer array, rebuilt from the source layers each output layer came from.
 */
final class ConfigJson {
    private static final List<String> LAYER_COUNT_KEYS = List.of("num_hidden_layers", "n_layer", "num_layers",
            "num_decoder_layers");

    private ConfigJson() {
    }

    static ObjectNode build(MergePlan plan, DType outDtype, Warnings warnings) {
        ObjectNode donor = plan.donorModel().checkpoint().config().orElseThrow(() -> new CrucibleException(
                plan.donorModel().label() + ": no config.json, so the merged model would not load; add the donor's"
                        + " config.json"));
        ObjectNode out = donor.deepCopy();
        if (outDtype != null) {
            out.put("torch_dtype", outDtype.torchName());
            if (out.has("dtype")) {
                out.put("dtype", outDtype.torchName());
            }
        }
        for (MergePlan.LayerCount count : plan.layerCounts()) {
            setLayerCount(plan, count, donor, out, warnings);
        }
        setVocabSize(plan, out, warnings);
        return out;
    }

    /** vocab_size always equals the output embedding's row count (it changes when embeddings were rectified). */
    private static void setVocabSize(MergePlan plan, ObjectNode out, Warnings warnings) {
        ObjectNode holder = !out.has("vocab_size") && out.path("text_config") instanceof ObjectNode tc
                && tc.has("vocab_size") ? tc : out;
        plan.jobs().stream().filter(j -> TensorName.isTokenEmbedding(j.name()) && j.shape().length == 2)
                .findFirst().ifPresent(embed -> {
                    long rows = embed.shape()[0];
                    if (holder.has("vocab_size") && holder.get("vocab_size").asLong() != rows) {
                        warnings.warn("vocab-size", "config.json vocab_size changes from "
                                + holder.get("vocab_size").asLong() + " to " + rows + " to match the merged embeddings");
                        holder.put("vocab_size", rows);
                    }
                });
    }

    private static void setLayerCount(MergePlan plan, MergePlan.LayerCount count, ObjectNode donor, ObjectNode out,
                                      Warnings warnings) {
        String path = count.configKey();
        if (path == null) {
            // one-module models: the usual keys, at the top or (multimodal configs) under text_config
            ObjectNode holder = !hasAny(out) && out.path("text_config") instanceof ObjectNode tc && hasAny(tc) ? tc
                    : out;
            String key = LAYER_COUNT_KEYS.stream().filter(holder::has).findFirst().orElse(null);
            path = key == null ? null : (holder == out ? "" : "text_config.") + key;
        }
        ObjectNode holder = path == null ? null : holderOf(out, path);
        String key = path == null ? null : path.substring(path.lastIndexOf('.') + 1);
        if (holder == null || !holder.has(key)) {
            warnings.warn("layer-count-key:" + path, "config.json has no layer-count key (" + (path != null ? path
                    : LAYER_COUNT_KEYS) + "); the merged model has " + count.layers() + " layers there");
            return;
        }
        int donorLayers = holder.get(key).asInt();
        holder.put(key, count.layers());
        String prefix = path.contains(".") ? path.substring(0, path.lastIndexOf('.') + 1) : "";
        rebuildPerLayerArrays(plan, count, holder, donorLayers, prefix);
    }

    /** The object holding the last key of a dotted path, or null when the path does not exist. */
    private static ObjectNode holderOf(ObjectNode root, String path) {
        ObjectNode node = root;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            if (!(node.get(parts[i]) instanceof ObjectNode child)) {
                return null;
            }
            node = child;
        }
        return node;
    }

    private static boolean hasAny(ObjectNode node) {
        return LAYER_COUNT_KEYS.stream().anyMatch(node::has);
    }

    /** Arrays with one entry per layer (e.g. layer_types) follow the layers they describe. */
    private static void rebuildPerLayerArrays(MergePlan plan, MergePlan.LayerCount count, ObjectNode holder,
                                              int donorLayers, String path) {
        Iterator<Map.Entry<String, JsonNode>> fields = holder.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!f.getValue().isArray() || f.getValue().size() != donorLayers || f.getKey().equals("architectures")) {
                continue;
            }
            ArrayNode rebuilt = holder.arrayNode();
            for (MergePlan.LayerOrigin o : count.origins()) {
                JsonNode source = plan.models().get(o.model()).checkpoint().config()
                        .map(c -> path.isEmpty() ? c : c.at("/" + path.substring(0, path.length() - 1)
                                .replace('.', '/'))).map(c -> c.path(f.getKey())).orElse(null);
                if (source == null || !source.isArray() || source.size() <= o.layer()) {
                    throw new CrucibleException("config.json key " + path + f.getKey() + " has one entry per layer"
                            + ", but " + plan.models().get(o.model()).label() + " has no entry for layer "
                            + o.layer());
                }
                rebuilt.add(source.get(o.layer()));
            }
            f.setValue(rebuilt);
        }
    }
}
