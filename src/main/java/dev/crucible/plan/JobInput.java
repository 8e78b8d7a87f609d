package dev.crucible.plan;

import dev.crucible.io.TensorInfo;

import java.util.Map;

/**
 * One source tensor of a {@link TensorJob}.
 *
 * @param model  index into {@link MergePlan#models()}
 * @param source position of the model in its slice's source list, base included (keys random draws)
 * @param tensor the tensor's name in that model (for layers, with the source layer index)
 * @param info   its dtype, shape and location
 * @param isBase whether it comes from the base model
 * @param params resolved per-model parameters; a parameter with no value at any level is absent
 */
public record JobInput(int model, int source, String tensor, TensorInfo info, boolean isBase, Map<String, Double> params) {
}
