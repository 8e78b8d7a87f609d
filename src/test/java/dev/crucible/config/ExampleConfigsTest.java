package dev.crucible.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crucible.config.ParameterSetting.Condition;
import dev.crucible.config.ParameterSetting.Conditional;
import dev.crucible.config.ParameterSetting.Gradient;
import dev.crucible.config.ParameterSetting.Scalar;
import dev.crucible.io.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example configs of config-and-cli.md §10 and §12.1, read from src/test/resources/config. */
class ExampleConfigsTest {

    private static MergeConfig load(String name) throws Exception {
        return ConfigLoader.load(resource(name));
    }

    private static Path resource(String name) throws Exception {
        return Path.of(ExampleConfigsTest.class.getResource("/config/" + name).toURI());
    }

    private static ModelReference ref(String text) {
        return ModelReference.parse(text);
    }

    @Test
    void linear() throws Exception {
        MergeConfig config = load("linear.yml");
        assertEquals("linear", config.mergeMethod());
        assertEquals(DType.F16, config.dtype());
        assertNull(config.outDtype());
        assertNull(config.slices());
        assertNull(config.modules());
        assertNull(config.baseModel());
        assertEquals(Parameters.EMPTY, config.parameters());
        List<InputModel> models = config.models();
        assertEquals(3, models.size());
        assertEquals(ref("WizardLM/WizardLM-13B-V1.2"), models.get(1).model());
        assertEquals(new Scalar(1.0), models.get(0).parameters().get("weight").orElseThrow());
        assertEquals(new Scalar(0.3), models.get(1).parameters().get("weight").orElseThrow());
        assertEquals(new Scalar(0.5), models.get(2).parameters().get("weight").orElseThrow());
        assertEquals("models[2]", models.get(2).keyPath());
        assertEquals(Files.readString(resource("linear.yml")), config.sourceText());
        assertTrue(config.lines().sourceName().endsWith("linear.yml"));
    }

    @Test
    void ties() throws Exception {
        MergeConfig config = load("ties.yml");
        assertEquals("ties", config.mergeMethod());
        assertEquals(ref("TheBloke/Llama-2-13B-fp16"), config.baseModel());
        assertEquals(new Scalar(1.0), config.parameters().get("normalize").orElseThrow());
        assertEquals(new Scalar(1.0), config.parameters().get("int8_mask").orElseThrow());
        List<InputModel> models = config.models();
        assertEquals(new Gradient(new double[] {1, 0.7, 0.1}), models.get(0).parameters().get("density").orElseThrow());
        assertEquals(new Gradient(new double[] {0, 0.3, 0.7, 1}),
                models.get(1).parameters().get("weight").orElseThrow());
        assertEquals(new Conditional(List.of(new Condition("mlp", new Scalar(0.5)), new Condition(null, new Scalar(0)))),
                models.get(2).parameters().get("weight").orElseThrow());
        assertEquals(List.of("density", "weight"), List.copyOf(models.get(2).parameters().values().keySet()));
        assertEquals(9, config.lines().line("models[1].parameters.weight"));
        assertEquals(18, config.lines().line("base_model"));
    }

    @Test
    void gradientSlerp() throws Exception {
        MergeConfig config = load("gradient-slerp.yml");
        assertEquals("slerp", config.mergeMethod());
        assertNull(config.models());
        OutputSlice slice = config.slices().getFirst();
        assertEquals(2, slice.sources().size());
        InputSlice second = slice.sources().get(1);
        assertEquals(ref("garage-bAInd/Platypus2-13B"), second.model());
        assertEquals(0, second.start());
        assertEquals(40, second.end());
        assertEquals(40, second.length());
        assertEquals("slices[0].sources[1]", second.keyPath());
        assertNull(slice.baseModel());
        assertEquals(Parameters.EMPTY, slice.parameters());
        Conditional t = (Conditional) config.parameters().get("t").orElseThrow();
        assertEquals(3, t.conditions().size());
        assertEquals("self_attn", t.conditions().get(0).filter());
        assertArrayEquals(new double[] {1, 0.5, 0.7, 0.3, 0}, ((Gradient) t.conditions().get(1).value()).values());
        assertEquals(new Condition(null, new Scalar(0.5)), t.conditions().get(2));
        assertEquals(6, config.lines().line("slices[0].sources[1].layer_range"));
    }

    @Test
    void passthroughFrankenmerge() throws Exception {
        MergeConfig config = load("orcamini-platy-44layer.yml");
        assertEquals("passthrough", config.mergeMethod());
        List<OutputSlice> slices = config.slices();
        assertEquals(2, slices.size());
        assertEquals(44, slices.stream().mapToInt(s -> s.sources().getFirst().length()).sum());
        InputSlice platypus = slices.get(1).sources().getFirst();
        assertEquals(ref("garage-bAInd/Platypus2-13B"), platypus.model());
        assertEquals(20, platypus.start());
        assertEquals(40, platypus.end());
        assertEquals(DType.F16, config.dtype());
    }

    @Test
    void gemmaModules() throws Exception {
        MergeConfig config = load("gemma3-modules.yml");
        assertNull(config.models());
        assertNull(config.slices());
        assertEquals(List.of("text_decoder", "vision_tower", "multi_modal_projector"),
                List.copyOf(config.modules().keySet()));
        OutputModule text = config.modules().get("text_decoder");
        assertNull(text.models());
        assertEquals(62, text.slices().getFirst().sources().get(1).length());
        assertEquals(ref("TheDrummer/Big-Tiger-Gemma-27B-v3"), text.slices().getFirst().sources().get(1).model());
        assertEquals("modules.text_decoder.slices[0].sources[1]", text.slices().getFirst().sources().get(1).keyPath());
        OutputModule vision = config.modules().get("vision_tower");
        assertNull(vision.slices());
        assertEquals(ref("unsloth/gemma-3-27b-it"), vision.models().getFirst().model());
        assertEquals(DType.BF16, config.dtype());
        assertEquals(ref("unsloth/gemma-3-27b-it"), config.baseModel());
        assertEquals(12, config.lines().line("modules.multi_modal_projector"));
    }

    @Test
    void multimergeDocumentsParseOneByOne() throws Exception {
        MergeConfig first = load("multimerge-first.yml");
        assertEquals("linear", first.mergeMethod());
        assertEquals(new Scalar(0.5), first.parameters().get("weight").orElseThrow());
        assertEquals(ref("BioMistral/BioMistral-7B"), first.models().get(1).model());

        MergeConfig second = load("multimerge-second.yml");
        assertEquals("slerp", second.mergeMethod());
        assertEquals(ref("first-merge"), second.baseModel());
        assertEquals(1, second.models().size());
        assertEquals(new Scalar(0.5), second.parameters().get("t").orElseThrow());

        MergeConfig last = load("multimerge-final.yml");
        assertEquals("dare_ties", last.mergeMethod());
        assertEquals(ref("second-merge"), last.models().getFirst().model());
        assertEquals(new Scalar(0.8), last.models().get(1).parameters().get("density").orElseThrow());
        assertEquals(ref("mistralai/Mistral-7B-v0.1"), last.baseModel());
    }
}
