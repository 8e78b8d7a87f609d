package dev.crucible.io;

import static dev.crucible.io.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardPlanTest {
    @Test
    void greedyBoundariesFollowMergekitsRule() {
        // limit 100 bytes: U8 tensors whose shape is their size
        var plan = ShardPlan.plan(List.of(
                spec("t1", DType.U8, 40),
                spec("t2", DType.U8, 60),   // 40 + 60 = 100 is not over the limit: same shard
                spec("t3", DType.U8, 1),    // 101 > 100: new shard
                spec("big", DType.U8, 250), // 1 + 250 > 100: closes t3's shard, then sits alone
                spec("t4", DType.U8, 30),   // 250 + 30 > 100: the oversize shard closes
                spec("t5", DType.U8, 70)), 100, Map.of());

        assertEquals(List.of(List.of("t1", "t2"), List.of("t3"), List.of("big"), List.of("t4", "t5")), names(plan));
        assertEquals(List.of("model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
                "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors"),
                plan.shards().stream().map(ShardPlan.Shard::fileName).toList());
        assertEquals(451, plan.totalDataBytes());
    }

    @Test
    void anOversizeFirstTensorIsAloneToo() {
        var plan = ShardPlan.plan(List.of(spec("big", DType.F32, 100), spec("small", DType.F32, 1)), 10, Map.of());
        assertEquals(List.of(List.of("big"), List.of("small")), names(plan));
    }

    @Test
    void oneShardIsNamedModelSafetensors() {
        var plan = ShardPlan.plan(List.of(spec("b", DType.BF16, 4), spec("a", DType.F32, 4)), 5_000_000_000L,
                Map.of("k", "v"));
        assertEquals(1, plan.shards().size());
        assertEquals("model.safetensors", plan.shards().getFirst().fileName());
        assertEquals(24, plan.totalDataBytes());
        // within a shard the layout orders by dtype rank: F32 before BF16
        assertEquals(List.of(List.of("a", "b")), names(plan));
        assertEquals(SafetensorsLayout.of(Map.of("k", "v"), List.of(spec("a", DType.F32, 4), spec("b", DType.BF16, 4)))
                .tensors(), plan.shards().getFirst().layout().tensors());
    }

    @Test
    void noTensorsGiveOneEmptyShard() {
        var plan = ShardPlan.plan(List.of(), 100, Map.of());
        assertEquals(List.of(List.of()), names(plan));
        assertEquals(0, plan.totalDataBytes());
    }

    @Test
    void weightMapIsSortedByTensorName() {
        var plan = ShardPlan.plan(List.of(spec("layers.2", DType.U8, 60), spec("layers.10", DType.U8, 60),
                spec("a", DType.U8, 60)), 100, Map.of());
        assertEquals(List.of("a", "layers.10", "layers.2"), List.copyOf(plan.weightMap().keySet()));
        assertEquals("model-00001-of-00003.safetensors", plan.weightMap().get("layers.2"));
        assertEquals("model-00003-of-00003.safetensors", plan.weightMap().get("a"));
    }

    @Test
    void badArgumentsAreBugs() {
        assertThrows(IllegalArgumentException.class,
                () -> ShardPlan.plan(List.of(spec("w", DType.U8, 1), spec("w", DType.U8, 1)), 100, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.plan(List.of(), 0, Map.of()));
    }

    private static List<List<String>> names(ShardPlan plan) {
        return plan.shards().stream()
                .map(s -> s.layout().tensors().stream().map(TensorInfo::name).toList())
                .toList();
    }
}
