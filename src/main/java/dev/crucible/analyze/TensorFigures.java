package dev.crucible.analyze;

import java.util.List;

/**
 * Everything {@code crucible analyze} measures on one output tensor before a merge.
 *
 * @param layer          the layer index, or -1 for tensors outside the layers (embeddings, final norm, head)
 * @param module         the tensor's name within its layer without the {@code .weight}/{@code .bias} suffix
 *                       (e.g. {@code mlp.up_proj}), or its whole name outside the layers
 * @param conflictRate   among coordinates where at least two task vectors are nonzero, the fraction where their
 *                       signs disagree (TIES' interference measure); NaN when there are none
 * @param topConflictRate the same among the coordinates in each model's top 20% by magnitude
 * @param slerpAngle     for two models, the angle in radians between the two models' weights (not task vectors), as
 *                       SLERP sees it; NaN otherwise
 */
public record TensorFigures(String tensor, int layer, String module, long numel, List<ModelFigures> models,
                            List<PairFigures> pairs, double conflictRate, double topConflictRate, double slerpAngle) {
}
