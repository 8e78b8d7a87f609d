package dev.crucible.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.crucible.CrucibleException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Configs made to attack the loader (issue 6), each refused quickly with one located line naming the key. Alias
 * bombs over the composer's limit and deep nesting are in ConfigErrorsTest; the fuzz targets in dev.crucible.fuzz
 * try many more variants.
 */
class HostileConfigTest {
    private static final Duration QUICKLY = Duration.ofSeconds(5);

    @Test
    void anAliasBombWithinTheAliasLimitIsNotExpanded() {
        // 16 levels of 3 aliases: 48 aliases, under the limit, describing 3^17 leaves.
        StringBuilder bomb = new StringBuilder("[&a0 [1, 1, 1]");
        for (int level = 1; level <= 16; level++) {
            String previous = "*a" + (level - 1);
            bomb.append(", &a").append(level).append(" [").append(previous).append(", ").append(previous)
                    .append(", ").append(previous).append(']');
        }
        assertEquals("merge.yml:3: models[0].parameters.weight[0]: expected a number, got [1, 1, 1]",
                error(weight(bomb.append(']').toString())));
    }

    @Test
    void aSelfReferencingAlias() {
        assertEquals("merge.yml:3: models[0].parameters.weight[0]: expected a number, got [[[...]]]",
                error(weight("&r [*r]")));
    }

    @Test
    void anExplicitTagOnTextOfAnotherType() {
        assertEquals("merge.yml:3: models[0].parameters.weight: !!int 'abc' is not a valid int",
                error(weight("!!int abc")));
    }

    @Test
    void anExplicitTagOnNothing() {
        assertEquals("merge.yml:3: models[0].parameters.weight: !!float '' is not a valid float",
                error(weight("!!float ''")));
    }

    @Test
    void anExplicitBoolTagOnAWord() {
        assertEquals("merge.yml:6: tokenizer.tokens.<x>.force: !!bool 'maybe' is not a valid bool", error("""
                merge_method: linear
                models: [{model: a}]
                tokenizer:
                  tokens:
                    <x>:
                      force: !!bool maybe
                """));
    }

    @Test
    void aLongRunOfDigitsThatIsNotANumber() {
        assertEquals("merge.yml:3: models[0].parameters.weight: expected a number, got '" + "1".repeat(76) + "...",
                error(weight("1".repeat(200_000) + "x")));
    }

    @Test
    void anIntegerLongerThanPythonAccepts() {
        assertEquals("merge.yml:3: models[0].parameters.weight: integer longer than 4300 digits, which Python (and"
                + " so mergekit) refuses", error(weight("!!int " + "9".repeat(500_000))));
    }

    @Test
    void aTextEndingInsideAnEscape() {
        assertEquals("merge.yml:2: invalid YAML: the text ends inside an escape sequence of a double-quoted string",
                error("models: [{model: a}]\nmerge_method: \"\\u"));
    }

    @Test
    void aKeyWithALineBreakStaysOnOneLine() {
        assertEquals("merge.yml:1: a\\nb: unknown key; expected one of merge_method, models, slices, modules,"
                + " base_model, dtype, out_dtype, parameters, tokenizer_source, tokenizer, chat_template, name",
                error("\"a\\nb\": 1\n"));
    }

    @Test
    void aHugeUnknownKeyIsShortenedInTheMessage() {
        String message = error("merge_method: linear\n? " + "k".repeat(500_000) + "\n: 1\n");
        assertEquals(CrucibleException.MAX_MESSAGE_LENGTH, message.length(), message);
    }

    private static String weight(String value) {
        return "merge_method: linear\nmodels:\n  - {model: a, parameters: {weight: " + value + "}}\n";
    }

    private static String error(String yaml) {
        return assertTimeoutPreemptively(QUICKLY,
                () -> assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "merge.yml")).getMessage());
    }
}
