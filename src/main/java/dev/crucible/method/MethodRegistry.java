package dev.crucible.method;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The merge methods Crucible knows, by their mergekit names. Adding a method is one line here. */
public final class MethodRegistry {
    private static final Map<String, MergeMethod> METHODS = Stream.concat(Stream.of(
                    new Linear(),
                    new Slerp(),
                    new NuSlerp(),
                    new MultiSlerp(),
                    new Karcher(),
                    new Sce(),
                    Ram.ram(),
                    Ram.ramPlusTensorLocal(),
                    new ModelStock(),
                    new NearSwap(),
                    new ArceeFusion(),
                    new Passthrough()),
                    TaskArithmetic.variants().stream())
            .collect(Collectors.toMap(m -> m.info().name(), Function.identity(), (a, b) -> a, TreeMap::new));

    private MethodRegistry() {
    }

    public static Optional<MergeMethod> find(String name) {
        return Optional.ofNullable(METHODS.get(name));
    }

    /** Every method, sorted by name. */
    public static List<MergeMethod> all() {
        return List.copyOf(METHODS.values());
    }

    public static List<String> names() {
        return List.copyOf(METHODS.keySet());
    }
}
