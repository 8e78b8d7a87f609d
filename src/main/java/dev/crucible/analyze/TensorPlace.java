package dev.crucible.analyze;

import dev.crucible.plan.TensorName;

/**
 * Where an output tensor sits, for grouping figures by layer and module: {@code model.layers.3.mlp.up_proj.weight}
 * is layer 3, module {@code mlp.up_proj}; a tensor outside the layers is layer -1 and keeps its whole name.
 */
record TensorPlace(int layer, String module) {

    static TensorPlace of(String tensor) {
        return TensorName.layer(tensor)
                .map(l -> new TensorPlace(l.index(), withoutSuffix(l.suffix())))
                .orElseGet(() -> new TensorPlace(-1, tensor));
    }

    private static String withoutSuffix(String name) {
        for (String suffix : new String[] {".weight", ".bias"}) {
            if (name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }
}
