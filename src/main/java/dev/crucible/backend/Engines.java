package dev.crucible.backend;

import dev.crucible.CrucibleException;
import dev.crucible.backend.device.DeviceBackend;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The engines one merge runs on, one pipeline each (see the executor): those of {@code --device} or of each of
 * {@code --devices}, with {@code --streams} engines on each accelerator. Closing closes them all.
 *
 * @param all the engines, in the order named
 */
public record Engines(List<Backend> all) implements AutoCloseable {
    /** Engines per accelerator when {@code --streams} is not given: two, so one's copies overlap the other's kernels. */
    public static final int DEFAULT_STREAMS = 2;
    /** The most engines per accelerator: beyond two or three, more only hold more memory. */
    public static final int MAX_STREAMS = 8;

    /**
     * Opens each of {@code devices} ({@link Backends#open(String, int, long, int)}; a bare number {@code N} names
     * {@code cuda:N}); if one fails, those already open are closed. An accelerator named twice (say {@code 0} and
     * {@code cuda:0}) is an error: each naming would take the whole device budget.
     */
    public static Engines open(List<String> devices, int threads, long deviceBudget, int streams) {
        List<Backend> opened = new ArrayList<>();
        Set<String> accelerators = new HashSet<>();
        try {
            for (String device : devices) {
                List<Backend> engines = Backends.open(device.matches("\\d+") ? "cuda:" + device : device, threads,
                        deviceBudget, streams);
                opened.addAll(engines);
                Backend engine = engines.getFirst();
                if (engine instanceof DeviceBackend && !accelerators.add(engine.name())) {
                    throw new CrucibleException("--devices names " + engine.name() + " twice; for several pipelines"
                            + " on one device use --streams N");
                }
            }
        } catch (RuntimeException e) {
            opened.forEach(Backend::close);
            throw e;
        }
        return new Engines(List.copyOf(opened));
    }

    /** The engines' names, as the merge reports them: a run of equal names (a device's streams) once, ×count. */
    public String names() {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < all.size()) {
            String name = all.get(i).name();
            int j = i + 1;
            while (j < all.size() && all.get(j).name().equals(name)) {
                j++;
            }
            runs.add(j - i == 1 ? name : name + " ×" + (j - i));
            i = j;
        }
        return String.join(", ", runs);
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
