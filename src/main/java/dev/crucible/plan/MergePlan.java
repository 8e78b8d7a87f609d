package dev.crucible.plan;

import dev.crucible.config.MergeConfig;
import dev.crucible.method.MergeMethod;

import java.util.List;

/**
 * Everything a merge will do, decided before any tensor data is read: one {@link TensorJob} per output tensor in
 * output order (pre-layer weights, layers by index, post-layer weights), plus the facts the output directory and the
 * user need. Closing the plan closes the input checkpoints.
 *
 * @param layerCount   output layer count when {@code slices:} changed it, else null (the donor's is kept)
 * @param layerOrigins for {@code slices:} merges, output layer i comes from {@code layerOrigins.get(i)}
 * @param unconsumed   input tensors no job reads, as {@code model: tensor}; none is dropped silently
 * @param bytesRead    distinct input tensor bytes
 * @param bytesWritten output tensor bytes
 * @param peakBytes    estimated peak working memory of the executor (one job's inputs, result and output)
 */
public record MergePlan(MergeConfig config, MergeMethod method, List<PlannedModel> models, int donor,
                        List<TensorJob> jobs, Integer layerCount, List<LayerOrigin> layerOrigins,
                        List<String> unconsumed, long bytesRead, long bytesWritten, long peakBytes)
        implements AutoCloseable {

    /** Output layer origin: a source layer of a model. */
    public record LayerOrigin(int model, int layer) {
    }

    public PlannedModel donorModel() {
        return models.get(donor);
    }

    @Override
    public void close() {
        for (PlannedModel m : models) {
            m.checkpoint().close();
        }
    }
}
