package dev.crucible.config;

/** A source of an output slice: layers {@code [start, end)} of one model, with source-level parameters. */
public record InputSlice(ModelReference model, int start, int end, Parameters parameters, String keyPath) {

    /** The number of layers the source contributes. */
    public int length() {
        return end - start;
    }
}
