package dev.crucible.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * What the mutator knows about one input format: where its tokens are, words worth splicing in (syntax, schema
 * keys, hostile values, bytes that are not UTF-8), and the size an edited input is cut to.
 */
record Grammar(Pattern tokens, List<byte[]> words, int maxBytes) {
    /** Strings (with escapes), numbers and literals; possessive, so matching stays linear on any input. */
    private static final Pattern JSON_TOKENS = Pattern.compile(
            "\"(?:[^\"\\\\]|\\\\.)*+\"|-?\\d++(?:\\.\\d++)?(?:[eE][+-]?\\d++)?|true|false|null");
    /** Quoted scalars, and plain words up to the next indicator or space. */
    private static final Pattern YAML_TOKENS = Pattern.compile(
            "\"(?:[^\"\\\\\\n]|\\\\.)*+\"|'(?:[^'\\n]|'')*+'|[^\\s:,\\[\\]{}#'\"&*!|>-][^\\s:,\\[\\]{}#]*+");

    /**
     * Bytes that are not UTF-8 (a stray byte, an overlong '/', a surrogate, a code point past U+10FFFF) and
     * characters readers treat specially (NUL, byte order mark, next line, line separator).
     */
    private static final List<byte[]> ODD_BYTES = List.of(bytes(0xff), bytes(0xc0, 0xaf), bytes(0xed, 0xa0, 0x80),
            bytes(0x00), bytes(0xef, 0xbb, 0xbf), bytes(0xc2, 0x85), bytes(0xe2, 0x80, 0xa8),
            bytes(0xf4, 0x90, 0x80, 0x80));

    private static final List<String> JSON_WORDS = List.of("{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\n",
            "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"a\\nb\"", "\"\\\"\"", "null", "true", "false", "{}", "[]",
            "0", "1", "-1", "-0", "1.5", "1e400", "7", "8", "255", "4294967296", "9007199254740993",
            "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
            "1152921504606846976", "100000000", "100000001", "[[[[[[[[[[", "]]]]]]]]]]", "{\"a\":{\"a\":{\"a\":");

    private static final List<String> YAML_WORDS = List.of(": ", "- ", "\n", "\n  ", "\n    - ", "\t", "[", "]",
            "{", "}", ", ", "&a ", "*a", "&b ", "*b", "<<: *a", "<<: [*a, *b]", "? ", "| ", "|-\n  ", "> ", "'", "\"",
            "#", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "!!int ", "!!float ", "!!bool ", "!!str ",
            "!!null ", "!!binary ", "!!timestamp ", "!!set ", "!!omap ", "!!python/object:os.system ", "!local ",
            "!<tag:yaml.org,2002:int> ", "~", "null", ".inf", "-.inf", ".nan", "0x1F", "0o17", "0b101", "017",
            "1_000", "1:30", "190:20:30", "+_", "yes", "no", "on", "off", "y", "1e-5", "1e400", "2147483648",
            "9223372036854775808", "100000000000000000000000000000", "-1", "0", "1", "0.5", "abc",
            "merge_method", "models", "model", "slices", "sources", "layer_range", "base_model", "parameters",
            "weight", "density", "epsilon", "lambda", "t", "filter", "value", "dtype", "out_dtype",
            "tokenizer_source", "tokenizer", "source", "tokens", "kind", "model_token", "token_id", "token", "zero",
            "force", "pad_to_multiple_of", "chat_template", "modules", "name", "residual_weight", "union", "base",
            "linear", "slerp", "ties", "dare_ties", "passthrough", "bfloat16", "float16", "int64", "a+b+c",
            "org/m@v1@v2", "path", "revision", "lora", "override_architecture", "\"\\0\"", "\"\\x85\"",
            "\"\\u2028\"", "\"a\\nb\"", "[0, 2]", "[[0, 2]]", "{model: a}", "[{model: a}]", "{}", "[]");

    /** Header and index JSON, plus {@code extraWords} (key names, file names) of the particular format. */
    static Grammar json(List<String> extraWords, int maxBytes) {
        return new Grammar(JSON_TOKENS, words(Stream.concat(JSON_WORDS.stream(), extraWords.stream()).toList()),
                maxBytes);
    }

    static Grammar yaml(int maxBytes) {
        return new Grammar(YAML_TOKENS, words(YAML_WORDS), maxBytes);
    }

    byte[] word(int index) {
        return words.get(index % words.size());
    }

    /** {@code input} with token number {@code index} (modulo the token count) replaced; unchanged if it has none. */
    byte[] replaceToken(byte[] input, int index, byte[] with) {
        int[] span = tokenSpan(input, index);
        return span == null ? input : Edit.splice(input, span[0], span[1], with);
    }

    /** The {@code [start, end)} of token number {@code index} modulo the token count, or null if there is none. */
    int[] tokenSpan(byte[] input, int index) {
        // ISO-8859-1 maps bytes to chars one to one, so match offsets are byte offsets.
        Matcher matcher = tokens.matcher(new String(input, StandardCharsets.ISO_8859_1));
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        if (count == 0) {
            return null;
        }
        matcher.reset();
        for (int i = index % count; i >= 0; i--) {
            matcher.find();
        }
        return new int[] {matcher.start(), matcher.end()};
    }

    /** {@code input} with each edit applied in turn, never longer than {@link #maxBytes}. */
    byte[] apply(byte[] input, List<Edit> edits) {
        byte[] out = input;
        for (Edit edit : edits) {
            out = edit.apply(out, this);
            if (out.length > maxBytes) {
                out = Arrays.copyOf(out, maxBytes);
            }
        }
        return out;
    }

    /** One to six edits, mostly token-level, some byte-level. */
    static Arbitrary<List<Edit>> edits() {
        Arbitrary<Integer> anywhere = Arbitraries.integers().between(0, 1 << 30)
                .withDistribution(RandomDistribution.uniform());
        Arbitrary<Integer> length = Arbitraries.integers().between(1, 64);
        Arbitrary<Integer> aByte = Arbitraries.integers().between(0, 255);
        Arbitrary<Edit> edit = Arbitraries.frequencyOf(
                Tuple.of(3, Combinators.combine(anywhere, aByte).as(Edit.SetByte::new)),
                Tuple.of(4, Combinators.combine(anywhere, anywhere).as(Edit.InsertWord::new)),
                Tuple.of(6, Combinators.combine(anywhere, anywhere).as(Edit.ReplaceToken::new)),
                Tuple.of(2, Combinators.combine(anywhere, anywhere).as(Edit.CopyToken::new)),
                Tuple.of(2, Combinators.combine(anywhere, length).as(Edit.Delete::new)),
                Tuple.of(1, anywhere.map(Edit.Truncate::new)),
                Tuple.of(1, Combinators.combine(anywhere, length, Arbitraries.integers().between(2, 5000))
                        .as(Edit.Repeat::new)));
        return edit.list().ofMinSize(1).ofMaxSize(6);
    }

    private static List<byte[]> words(List<String> text) {
        List<byte[]> all = new ArrayList<>(ODD_BYTES);
        text.forEach(w -> all.add(w.getBytes(StandardCharsets.UTF_8)));
        return List.copyOf(all);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
