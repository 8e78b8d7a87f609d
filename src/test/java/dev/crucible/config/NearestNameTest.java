package dev.crucible.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NearestNameTest {
    private static final List<String> KEYS = List.of("model", "layer_range", "parameters");

    @Test
    void distanceCountsTranspositionsAsOneEdit() {
        assertEquals(1, NearestName.distance("modle", "model"));
        assertEquals(1, NearestName.distance("layer_ranges", "layer_range"));
        assertEquals(3, NearestName.distance("", "abc"));
    }

    @Test
    void suggestsOnlyCloseNames() {
        assertEquals(Optional.of("layer_range"), NearestName.nearest("layerrange", KEYS));
        assertEquals(Optional.of("parameters"), NearestName.nearest("paramters", KEYS));
        assertEquals(Optional.empty(), NearestName.nearest("weight", KEYS));
        assertEquals("", NearestName.hint("x", KEYS));
    }
}
