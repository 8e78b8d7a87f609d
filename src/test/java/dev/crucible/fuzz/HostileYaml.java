package dev.crucible.fuzz;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generates YAML values to put where a config expects something else: alias bombs ("billion laughs", below and
 * above the composer's alias limit), self-referencing nodes, deep nesting, huge scalars of every scalar type, and
 * values of the wrong type or with explicit tags. Each is one line of flow style, so it fits any value position.
 */
final class HostileYaml {
    private static final List<String> LEAVES = List.of("1", "lol", "{model: a}", "[0, 2]", "{filter: x, value: 1}");
    private static final List<String> RECURSIVE = List.of("&r [*r]", "&r {a: *r}", "&r {model: *r}",
            "&r {filter: x, value: *r}", "&r {source: *r}", "&r [{model: *r}]", "&r {path: *r, revision: *r}",
            "&r {models: *r, slices: *r}", "&r [*r, *r, *r]");
    private static final List<String> WRONG_TYPES = List.of("!!int abc", "!!float abc", "!!bool maybe",
            "!!int ''", "!!float ''", "!!null x", "!!str 1", "!!int 0x", "!!int 1.5", "!!float .", "!!bool 1", "{}",
            "[]", "~", "!!binary aGk=", "!!timestamp 2001-12-14", "!!set {a}", "!!omap [{a: 1}]", "!!pairs [{a: 1}]",
            "!!merge x", "!!value x", "!!yaml x", "\"1e5\"", "1e-5", "-.inf", ".NaN", "0b2", "0o9", "0x_", "+_",
            "1__0", "1:99", "190:20:30.15", "2147483648", "-2147483649", "[1, [2, [3]]]", "{a: [b, {c: d}]}");

    /** The kinds of long scalar; each is written {@code n} units long. */
    enum Huge {
        DIGITS, DIGITS_THEN_LETTER, WORD, QUOTED_ESCAPES, HEX, BINARY, UNDERSCORES, SPACES_THEN_WORD, FRACTION,
        SEXAGESIMAL, EXPONENT
    }

    private HostileYaml() {
    }

    static Arbitrary<String> values() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, bombs()),
                Tuple.of(1, Arbitraries.of(RECURSIVE)),
                Tuple.of(2, nesting()),
                Tuple.of(3, hugeScalars()),
                Tuple.of(3, Arbitraries.of(WRONG_TYPES)));
    }

    /** {@code [&a0 [leaf, ...], &a1 [*a0, ...], ...]}: width^levels leaves from width x levels aliases. */
    private static Arbitrary<String> bombs() {
        return Combinators.combine(Arbitraries.integers().between(2, 9), Arbitraries.integers().between(1, 14),
                        Arbitraries.of(LEAVES), Arbitraries.of(true, false))
                .as((width, levels, leaf, mappings) -> {
                    StringBuilder yaml = new StringBuilder("[&a0 ").append(collection(width, i -> leaf, mappings));
                    for (int level = 1; level <= levels; level++) {
                        String previous = "*a" + (level - 1);
                        yaml.append(", &a").append(level).append(' ')
                                .append(collection(width, i -> previous, mappings));
                    }
                    return yaml.append(']').toString();
                });
    }

    private static String collection(int width, java.util.function.IntFunction<String> item, boolean mapping) {
        return IntStream.range(0, width)
                .mapToObj(i -> mapping ? "k" + i + ": " + item.apply(i) : item.apply(i))
                .collect(Collectors.joining(", ", mapping ? "{" : "[", mapping ? "}" : "]"));
    }

    private static Arbitrary<String> nesting() {
        return Combinators.combine(Arbitraries.integers().between(1, 200), Arbitraries.of("[", "{a: ", "[{a: "))
                .as((depth, open) -> {
                    String close = switch (open) {
                        case "[" -> "]";
                        case "{a: " -> "}";
                        default -> "}]";
                    };
                    return open.repeat(depth) + "1" + close.repeat(depth);
                });
    }

    /**
     * Lengths spread over orders of magnitude, from one unit to about a million; those beyond 100,000 take a good
     * part of a second each, so they are rare.
     */
    private static Arbitrary<String> hugeScalars() {
        Arbitrary<Integer> length = Arbitraries.frequencyOf(
                        Tuple.of(200, Arbitraries.integers().between(0, 16)),
                        Tuple.of(1, Arbitraries.integers().between(17, 20)))
                .map(bits -> 1 << bits);
        return Combinators.combine(Arbitraries.of(Huge.class), length).as(HostileYaml::huge);
    }

    private static String huge(Huge kind, int n) {
        return switch (kind) {
            case DIGITS -> "1".repeat(n);
            case DIGITS_THEN_LETTER -> "1".repeat(n) + "x";
            case WORD -> "w".repeat(n);
            case QUOTED_ESCAPES -> "\"" + "a\\n".repeat(n) + "\"";
            case HEX -> "0x" + "f".repeat(n);
            case BINARY -> "0b" + "1".repeat(n);
            case UNDERSCORES -> "1" + "_".repeat(n) + "0";
            case SPACES_THEN_WORD -> " ".repeat(n) + "x";
            case FRACTION -> "0." + "5".repeat(n);
            case SEXAGESIMAL -> "1" + ":59".repeat(n);
            case EXPONENT -> "1e" + "9".repeat(n);
        };
    }
}
