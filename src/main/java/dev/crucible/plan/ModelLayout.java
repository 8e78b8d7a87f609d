package dev.crucible.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** A model's tensor names sorted into layers (by index) and pre- and post-layer tensors. */
final class ModelLayout {
    private final TreeMap<Integer, Map<String, String>> layers = new TreeMap<>(); // index -> suffix -> full name
    private final TreeSet<String> pre = new TreeSet<>();
    private final TreeSet<String> post = new TreeSet<>();
    private final String layerPrefix;

    ModelLayout(Collection<String> tensorNames) {
        String prefix = null;
        for (String name : tensorNames) {
            Optional<TensorName.Layer> layer = TensorName.layer(name);
            if (layer.isPresent()) {
                TensorName.Layer l = layer.get();
                layers.computeIfAbsent(l.index(), i -> new TreeMap<>()).put(l.suffix(), name);
                if (prefix == null) {
                    prefix = l.prefix();
                }
            } else if (TensorName.isPreLayer(name)) {
                pre.add(name);
            } else {
                post.add(name);
            }
        }
        this.layerPrefix = prefix;
    }

    /** Layers are numbered 0..n-1; the count is one past the highest index seen. */
    int layerCount() {
        return layers.isEmpty() ? 0 : layers.lastKey() + 1;
    }

    /** Layer indices below {@link #layerCount()} that have no tensors (a malformed or pruned checkpoint). */
    List<Integer> missingLayers() {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < layerCount(); i++) {
            if (!layers.containsKey(i)) {
                missing.add(i);
            }
        }
        return missing;
    }

    /** suffix -> full tensor name for layer {@code index}. */
    Map<String, String> layer(int index) {
        return layers.getOrDefault(index, Map.of());
    }

    /** e.g. {@code model.layers.}; null for a model without layers. */
    String layerPrefix() {
        return layerPrefix;
    }

    TreeSet<String> preLayer() {
        return pre;
    }

    TreeSet<String> postLayer() {
        return post;
    }
}
