package dev.crucible.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Immutable copies for the config records, keeping null (an absent section) and the order keys were written in. */
final class Copies {
    private Copies() {
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? null : List.copyOf(list);
    }

    /** Unlike {@link Map#copyOf}, keeps insertion order: modules, tokens and parameters are listed as written. */
    static <K, V> Map<K, V> orderedMap(Map<K, V> map) {
        return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
