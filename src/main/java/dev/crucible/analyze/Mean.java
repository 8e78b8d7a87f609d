package dev.crucible.analyze;

/**
 * A weighted mean that skips undefined values: a NaN figure (a zero task vector's cosine, a tensor with nothing to
 * conflict) says nothing about the others, so it neither counts nor dilutes. NaN when nothing was added.
 */
final class Mean {
    private double sum;
    private double weight;

    void add(double value, double w) {
        if (!Double.isNaN(value)) {
            sum += value * w;
            weight += w;
        }
    }

    double value() {
        return weight == 0 ? Double.NaN : sum / weight;
    }
}
