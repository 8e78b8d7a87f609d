package dev.crucible.config;

import java.util.List;

/** One entry of {@code modules:} (config-and-cli.md §6): exactly one of {@code slices} and {@code models} is set. */
public record OutputModule(List<OutputSlice> slices, List<InputModel> models, Parameters parameters, String keyPath) {
    public OutputModule {
        slices = Copies.list(slices);
        models = Copies.list(models);
    }
}
