package dev.crucible.fuzz;

import dev.crucible.config.ConfigException;
import dev.crucible.config.ConfigLoader;
import dev.crucible.fuzz.Corpus.TextSeed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the YAML config loader (config-and-cli.md) through {@link ConfigLoader#load}, as the CLI calls it: the
 * example configs with random edits, and with a value replaced by a hostile one (alias bombs, recursion, deep
 * nesting, huge scalars, wrong types). Only ConfigException may escape.
 */
@AddLifecycleHook(FuzzBudget.class)
class ConfigFuzzTest {
    private static final Path FILE = Corpus.temporaryDirectory("crucible-config-fuzz").resolve("fuzz.yml");
    private static final FuzzTarget LOAD = new FuzzTarget("ConfigLoader.load", ConfigException.class,
            ConfigFuzzTest::allocationBudget);
    /** Twice the loader's limit, so inputs over it are tried too. */
    private static final Grammar YAML = Grammar.yaml(2 << 20);
    private static final List<TextSeed> SEEDS = Corpus.configs();

    @Property(tries = 2000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE,
            shrinking = ShrinkingMode.BOUNDED)
    void editedExampleConfigs(@ForAll("seeds") TextSeed seed, @ForAll("edits") List<Edit> edits) {
        load(YAML.apply(seed.bytes(), edits));
    }

    @Property(tries = 1000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE,
            shrinking = ShrinkingMode.BOUNDED)
    void hostileValues(@ForAll("seeds") TextSeed seed, @ForAll @IntRange(min = 0, max = 1000) int token,
            @ForAll("hostile") String value) {
        load(YAML.replaceToken(seed.bytes(), token, value.getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<TextSeed> seeds() {
        return Arbitraries.of(SEEDS);
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        return Grammar.edits();
    }

    @Provide
    Arbitrary<String> hostile() {
        return HostileYaml.values();
    }

    /**
     * Linear in the text, with a large factor: SnakeYAML makes tokens, events and nodes with marks for every scalar
     * and matches plain ones against its resolvers' patterns, about 2 kB of garbage for a scalar that may be two
     * characters long ("1,"); measured, up to 1.1 kB per character. Plus its look-ahead: the reader copies the
     * unread window, up to a line long, at every 1024 characters, 4 bytes a character, so a text of n characters
     * whose longest line has L of them leaves up to about 4nL/1024 bytes of garbage; the budget allows twice that.
     * The loader's size limit keeps both to a few seconds of work at most.
     */
    private static long allocationBudget(byte[] yaml) {
        int longestLine = 0;
        int start = 0;
        for (int i = 0; i <= yaml.length; i++) {
            if (i == yaml.length || yaml[i] == '\n') {
                longestLine = Math.max(longestLine, i - start);
                start = i + 1;
            }
        }
        return 2048L * yaml.length + (long) yaml.length * longestLine / 128 + (16L << 20);
    }

    private static void load(byte[] yaml) {
        Corpus.overwrite(FILE, yaml);
        LOAD.check(yaml, FILE.toString(), () -> ConfigLoader.load(FILE));
    }
}
