package dev.crucible.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule of {@link Recommender} on figures made up to hit it, and the JSON form of undefined figures. */
class RecommenderTest {
    private static final double NAN = Double.NaN;

    /** A tensor of two (or, with {@code third}, three) models with the given figures. */
    private static TensorFigures tensor(long numel, double cosine, double conflict, double zeros, boolean third) {
        List<ModelFigures> models = (third ? List.of("a", "b", "c") : List.of("a", "b")).stream()
                .map(m -> new ModelFigures(m, 1, 0.1, zeros)).toList();
        return new TensorFigures("t", 0, "mlp.up_proj", numel, models, List.of(new PairFigures("a", "b", cosine)),
                conflict, conflict, NAN);
    }

    @Test
    void noSharedBaseWarnsAndFallsBackToWeightMethods() {
        Recommendation two = Recommender.recommend(List.of(), 2, false);
        assertEquals("slerp", two.method());
        assertTrue(two.reasons().getFirst().contains("share no base"));
        assertEquals("linear", Recommender.recommend(List.of(), 3, false).method());
    }

    @Test
    void twoCloselyRelatedModelsGetSlerp() {
        assertEquals("slerp", Recommender.recommend(List.of(tensor(10, 0.95, 0.02, 0, false)), 2, true).method());
    }

    @Test
    void lowConflictAndAlignedGetTaskArithmetic() {
        Recommendation r = Recommender.recommend(List.of(tensor(10, 0.7, 0.05, 0, true)), 3, true);
        assertEquals("task_arithmetic", r.method());
        assertTrue(r.reasons().getFirst().contains("5.0%"), r.reasons().getFirst());
        assertEquals("task_arithmetic", Recommender.recommend(List.of(tensor(10, 0, NAN, 0.5, false)), 2, true)
                .method(), "disjoint task vectors");
    }

    @Test
    void highConflictGetsTiesWithADensityFromTheDeltasSparsity() {
        Recommendation dense = Recommender.recommend(List.of(tensor(10, -0.3, 0.6, 0, true)), 3, true);
        assertEquals("ties", dense.method());
        assertEquals(0.5, dense.density());
        assertTrue(String.join(" ", dense.reasons()).contains("della"));
        Recommendation sparse = Recommender.recommend(List.of(tensor(10, -0.3, 0.6, 0.7, true)), 3, true);
        assertEquals(0.3, sparse.density(), 1e-12, "about as many as the 30% that are nonzero");
    }

    @Test
    void figuresAreWeightedByElementCount() {
        // unweighted the conflict would be 47.5% (ties); weighted it is 5.85%
        List<TensorFigures> tensors = List.of(tensor(99, 0.8, 0.05, 0, true), tensor(1, 0.8, 0.9, 0, true));
        assertEquals("task_arithmetic", Recommender.recommend(tensors, 3, true).method());
    }

    @Test
    void moderateConflictGetsALightTrim() {
        Recommendation r = Recommender.recommend(List.of(tensor(10, 0.2, 0.15, 0, true)), 3, true);
        assertEquals("ties", r.method());
        assertEquals(Recommender.MODERATE_DENSITY, r.density());
    }

    @Test
    void jsonWritesUndefinedFiguresAsNull() throws IOException {
        Analysis a = new Analysis("merge_method: ties\n", "base", List.of("a", "b"),
                List.of(tensor(10, NAN, 0.25, 0, false)), List.of(), Recommender.recommend(List.of(), 2, false),
                List.of());
        JsonNode json = new ObjectMapper().readTree(AnalysisJson.write(a));
        JsonNode t = json.get("tensors").get(0);
        assertTrue(t.get("pairs").get(0).get("cosine").isNull());
        assertTrue(t.get("slerpAngle").isNull());
        assertEquals(0.25, t.get("conflictRate").asDouble());
        assertEquals(0.1, t.get("models").get(0).get("relativeNorm").asDouble());
        assertNull(json.get("recommendation").get("density").numberValue());
        assertEquals("slerp", json.get("recommendation").get("method").asText());
    }
}
