package dev.crucible.config;

import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Values of int, float and bool scalars under YAML 1.1 rules, as PyYAML reads them: {@code 0x10}, {@code 1_000},
 * {@code 1:30}, {@code .inf}, {@code yes}/{@code off}. Delegates to SnakeYAML's safe constructors, which are
 * stateless for scalars, so one shared instance serves all threads.
 */
final class YamlScalars extends SafeConstructor {
    private static final YamlScalars INSTANCE = new YamlScalars();

    private YamlScalars() {
        super(new LoaderOptions());
    }

    /**
     * An Integer, Long or BigInteger for int scalars, a Double for floats, a Boolean for bools; empty when the text
     * is not a value of its tag, which only an explicit tag can cause ({@code !!int abc}, {@code !!bool maybe}).
     */
    static Optional<Object> value(ScalarNode scalar) {
        try {
            return Optional.ofNullable(INSTANCE.yamlConstructors.get(scalar.getTag()).construct(scalar));
        } catch (NumberFormatException | YAMLException e) {
            return Optional.empty();
        }
    }
}
