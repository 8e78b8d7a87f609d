package dev.crucible.config;

import java.util.List;

/**
 * An entry of a {@code slices:} list: consecutive output layers merged from sources of equal length.
 * {@code baseModel}, when set, overrides the top-level base model for this slice.
 */
public record OutputSlice(List<InputSlice> sources, ModelReference baseModel, Parameters parameters, String keyPath) {
    public OutputSlice {
        sources = List.copyOf(sources);
    }
}
