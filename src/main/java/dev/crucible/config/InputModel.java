package dev.crucible.config;

/** An entry of a {@code models:} list: a model used over all its layers, with source-level parameters. */
public record InputModel(ModelReference model, Parameters parameters, String keyPath) {
}
