package dev.crucible.fuzz;

import dev.crucible.fuzz.Corpus.SafetensorsSeed;
import dev.crucible.io.DType;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generates safetensors headers that are mostly well-formed JSON of the right shape, with hostile values: shapes
 * whose element count or byte size overflows 64 bits, offsets beyond the file, overlapping or out of order,
 * repeated names, unknown dtypes, values of the wrong type, names with control characters or unpaired surrogates,
 * and deep nesting in fields the reader skips. Bytes that are not UTF-8 come from the mutators' edits instead.
 * Offsets are chained from the shapes unless chosen otherwise, so many headers pass the early checks and reach the
 * later ones.
 */
final class HostileHeaders {
    /** How a tensor's data_offsets are written. */
    enum Offsets { CHAINED, OVERLAPPING, EXPLICIT, MALFORMED }

    /** One entry; dtype and dimensions are raw JSON tokens, so they can be of the wrong type. */
    record Tensor(String name, String dtype, List<String> shape, Offsets offsets, long begin, long end,
            String extraField) {
    }

    private static final List<String> ODD_NAMES = List.of("__metadata__", "", "a\\u0000b", "a\\nb", "\\ud800",
            "\u00e9\u4e2d", "\\\"", "a".repeat(300));
    private static final List<String> ODD_DTYPES = List.of("\"Q4\"", "\"f32\"", "\"\"", "7", "null", "[\"F32\"]",
            "{\"F32\":1}", "\"F32\\u0000\"", "\"BF16 \"");
    private static final List<String> LARGE_DIMS = List.of("2147483647", "2147483648", "4294967296", "4294967297",
            "9007199254740993", "2305843009213693952", "4611686018427387904", "9223372036854775807",
            "9223372036854775808", "18446744073709551615");
    private static final List<String> ODD_DIMS = List.of("18446744073709551616", "-1", "1.5", "1e3", "\"1\"",
            "null", "[1]", "01", "-0", "99999999999999999999999999999999999999999");
    private static final List<Long> ODD_OFFSETS = List.of(0L, 1L, 8L, 1L << 31, 1L << 40, 1L << 60, 1L << 63, -1L);
    private static final List<String> METADATA = List.of("", "\"__metadata__\":{\"format\":\"pt\"},",
            "\"__metadata__\":{\"format\":1},", "\"__metadata__\":{\"a\":{\"b\":\"c\"}},",
            "\"__metadata__\":\"pt\",", "\"__metadata__\":null,", "\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"},",
            "\"__metadata__\":{\"" + "k".repeat(5000) + "\":\"" + "v".repeat(5000) + "\"},");

    private HostileHeaders() {
    }

    static Arbitrary<SafetensorsSeed> headers() {
        return Combinators.combine(Arbitraries.of(METADATA), tensor().list().ofMaxSize(6),
                        Arbitraries.integers().between(0, 5), Arbitraries.of(true, false))
                .as(HostileHeaders::header);
    }

    private static Arbitrary<Tensor> tensor() {
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0, 20).map(i -> "t" + i)),
                Tuple.of(1, Arbitraries.of(ODD_NAMES)));
        Arbitrary<String> dtype = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.of(DType.values()).map(d -> '"' + d.safetensorsName() + '"')),
                Tuple.of(1, Arbitraries.of(ODD_DTYPES)));
        Arbitrary<String> dim = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.integers().between(0, 16).map(String::valueOf)),
                Tuple.of(3, Arbitraries.of(LARGE_DIMS)),
                Tuple.of(1, Arbitraries.of(ODD_DIMS)));
        Arbitrary<Offsets> offsets = Arbitraries.frequency(Tuple.of(16, Offsets.CHAINED),
                Tuple.of(1, Offsets.OVERLAPPING), Tuple.of(2, Offsets.EXPLICIT), Tuple.of(1, Offsets.MALFORMED));
        Arbitrary<Integer> depth = Arbitraries.integers().between(1, 3000);
        Arbitrary<String> extra = Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just("")),
                Tuple.of(1, depth.map(d -> "\"x\":" + "[".repeat(d) + "]".repeat(d) + ",")),
                Tuple.of(1, depth.map(d -> "\"x\":" + "{\"a\":".repeat(d) + "1" + "}".repeat(d) + ",")),
                Tuple.of(1, depth.map(d -> "\"x\":" + "[".repeat(d) + ",")));
        return Combinators.combine(name, dtype, dim.list().ofMaxSize(4), offsets, Arbitraries.of(ODD_OFFSETS),
                        Arbitraries.of(ODD_OFFSETS), extra)
                .as(Tensor::new);
    }

    /**
     * Offsets are chained in list order (unsigned 64-bit arithmetic, wrapping as a careless writer's would),
     * then the entries are written rotated by {@code rotation}, so JSON order and data order differ.
     */
    private static SafetensorsSeed header(String metadata, List<Tensor> tensors, int rotation, boolean padded) {
        String[] entries = new String[tensors.size()];
        long next = 0;
        long previousBegin = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            long begin = switch (t.offsets()) {
                case CHAINED, MALFORMED -> next;
                case OVERLAPPING -> previousBegin;
                case EXPLICIT -> t.begin();
            };
            long end = t.offsets() == Offsets.EXPLICIT ? t.end() : begin + byteSize(t);
            String offsets = t.offsets() == Offsets.MALFORMED ? "[" + Long.toUnsignedString(begin) + "]"
                    : "[" + Long.toUnsignedString(begin) + "," + Long.toUnsignedString(end) + "]";
            entries[i] = "\"" + t.name() + "\":{" + t.extraField() + "\"dtype\":" + t.dtype() + ",\"shape\":["
                    + String.join(",", t.shape()) + "],\"data_offsets\":" + offsets + "}";
            previousBegin = begin;
            next = end;
        }
        List<String> written = Arrays.asList(entries);
        Collections.rotate(written, rotation);
        var json = new ByteArrayOutputStream();
        json.writeBytes(("{" + metadata + String.join(",", written) + "}").getBytes(StandardCharsets.UTF_8));
        while (padded && json.size() % 8 != 0) {
            json.write(' ');
        }
        byte[] header = json.toByteArray();
        // The header is the name, so jqwik's report of a failing sample shows it.
        String name = new String(header, 0, Math.min(header.length, 1000), StandardCharsets.UTF_8);
        return new SafetensorsSeed(name, header, next);
    }

    /** numel x bits / 8 as a writer that ignores overflow computes it; odd tokens count as 1. */
    private static long byteSize(Tensor t) {
        long numel = 1;
        for (String d : t.shape()) {
            numel *= unsignedOrOne(d);
        }
        int bits = DType.fromSafetensors(t.dtype().replace("\"", "")).map(DType::bits).orElse(8);
        return (numel * bits) >>> 3;
    }

    private static long unsignedOrOne(String token) {
        if (!token.matches("\\d+")) {
            return 1;
        }
        BigInteger value = new BigInteger(token);
        return value.bitLength() <= Long.SIZE ? value.longValue() : 1;
    }
}
