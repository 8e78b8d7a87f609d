package dev.crucible.plan;

import dev.crucible.config.MergeConfig;
import dev.crucible.method.MergeMethod;

import java.util.List;

/**
 * Everything a merge will do, decided before any tensor data is read: one {@link TensorJob} per output tensor in
 * output order (pre-layer weights, layers by index, post-layer weights), plus the facts the output directory and the
 * user need. Closing the plan closes the input checkpoints.
 *
 * @param layerCounts  for each module merged with {@code slices:}, its output layers (none: the donor's are kept)
 * @param unconsumed   input tensors no job reads, as {@code model: tensor}; none is dropped silently
 * @param bytesRead    distinct input tensor bytes
 * @param bytesWritten output tensor bytes
 * @param largestOutput bytes of the largest output tensor, which sets the size of the executor's output buffers
 */
public record MergePlan(MergeConfig config, MergeMethod method, List<PlannedModel> models, int donor,
                        List<TensorJob> jobs, List<LayerCount> layerCounts, List<String> unconsumed, long bytesRead, long bytesWritten, long largestOutput)
        implements AutoCloseable {

    /** Output layer origin: a source layer of a model. */
    public record LayerOrigin(int model, int layer) {
    }

    /**
     * The layers of one module merged with {@code slices:}: output layer i comes from {@code origins.get(i)}.
     *
     * @param configKey dotted config.json key of the count, or null to find the usual key
     */
    public record LayerCount(String configKey, List<LayerOrigin> origins) {
        public int layers() {
            return origins.size();
        }
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
