package dev.crucible.config;

/** Where the output vocabulary comes from (config-and-cli.md §8): the union of all inputs, the base model, or one model. */
public sealed interface TokenizerSource permits TokenizerSource.Union, TokenizerSource.Base, TokenizerSource.Model {

    /** Every token of every input model (mergekit's default). */
    record Union() implements TokenizerSource {
    }

    /** The base model's vocabulary. */
    record Base() implements TokenizerSource {
    }

    /** The vocabulary of the named model. */
    record Model(ModelReference ref) implements TokenizerSource {
    }
}
