package dev.crucible.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * The engines one merge runs on: one for {@code --device}, several for {@code --devices} (one pipeline each, see
 * the executor). Closing closes them all.
 *
 * @param all the engines, in the order named
 */
public record Engines(List<Backend> all) implements AutoCloseable {
    /**
     * Opens each of {@code devices} ({@link Backends#open(String, int, long)}; a bare number {@code N} names
     * {@code cuda:N}); if one fails, those already open are closed.
     */
    public static Engines open(List<String> devices, int threads, long deviceBudget) {
        List<Backend> opened = new ArrayList<>();
        try {
            for (String device : devices) {
                opened.add(Backends.open(device.matches("\\d+") ? "cuda:" + device : device, threads,
                        deviceBudget));
            }
        } catch (RuntimeException e) {
            opened.forEach(Backend::close);
            throw e;
        }
        return new Engines(List.copyOf(opened));
    }

    /** The engines' names, as the merge reports them. */
    public String names() {
        return String.join(", ", all.stream().map(Backend::name).toList());
    }

    /** The most device memory the engines have held, added up. */
    public long devicePeakBytes() {
        return all.stream().mapToLong(Backend::devicePeakBytes).sum();
    }

    @Override
    public void close() {
        all.forEach(Backend::close);
    }
}
