package dev.crucible.fuzz;

import dev.crucible.fuzz.Corpus.SafetensorsSeed;
import dev.crucible.io.FormatException;
import dev.crucible.io.SafetensorsHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the safetensors header parser (formats.md §4) on whole files in memory: real files with edited headers,
 * and generated hostile headers, each framed with a declared length and a data section that may disagree with it.
 * Only FormatException may escape, and allocation must stay in proportion to the header, whatever sizes it declares.
 */
@AddLifecycleHook(FuzzBudget.class)
class SafetensorsFuzzTest {
    private static final String LABEL = "fuzz.safetensors";
    private static final int MAX_HEADER = 1 << 20;
    /** Data sections longer than this are cut, which makes them shorter than their header claims. */
    private static final long MAX_DATA = 16L << 20;
    /** Measured against the header alone: the parser copies it and builds objects per tensor, none per data byte. */
    private static final FuzzTarget PARSE = new FuzzTarget("SafetensorsHeader.parse", FormatException.class,
            FuzzTarget.AllocationBudget.linear(64, 4L << 20));
    private static final Grammar HEADER_JSON = Grammar.json(List.of("\"dtype\"", "\"shape\"", "\"data_offsets\"",
            "\"__metadata__\"", "\"format\"", "\"pt\"", "\"F32\"", "\"BF16\"", "\"F4\"", "\"F6_E2M3\"", "\"BOOL\"",
            "\"I64\"", "\"Q4\""), MAX_HEADER);
    /** A file is a slice of this zeroed buffer with the framed header copied to its start. */
    private static final MemorySegment FILE = Arena.ofAuto().allocate(Long.BYTES + MAX_HEADER + MAX_DATA);
    private static final List<SafetensorsSeed> SEEDS = Corpus.safetensors();

    /** The 8-byte length field: the header's actual length, that plus a small error, or any value at all. */
    record Framing(Long declaredLength, int lengthError, long dataError) {
        long declared(byte[] header) {
            return declaredLength != null ? declaredLength : header.length + lengthError;
        }
    }

    @Property(tries = 3000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE,
            shrinking = ShrinkingMode.BOUNDED)
    void editedRealFiles(@ForAll("seeds") SafetensorsSeed seed, @ForAll("edits") List<Edit> edits,
            @ForAll("framings") Framing framing) {
        parse(HEADER_JSON.apply(seed.header(), edits), seed.dataLength(), framing);
    }

    @Property(tries = 3000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE,
            shrinking = ShrinkingMode.BOUNDED)
    void generatedHostileHeaders(@ForAll("hostile") SafetensorsSeed header, @ForAll("framings") Framing framing) {
        parse(header.header(), header.dataLength(), framing);
    }

    @Provide
    Arbitrary<SafetensorsSeed> seeds() {
        return Arbitraries.of(SEEDS);
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        return Grammar.edits();
    }

    @Provide
    Arbitrary<SafetensorsSeed> hostile() {
        return HostileHeaders.headers();
    }

    @Provide
    Arbitrary<Framing> framings() {
        Arbitrary<Long> anyLength = Arbitraries.of(0L, 1L, 7L, 8L, SafetensorsHeader.MAX_HEADER_SIZE,
                SafetensorsHeader.MAX_HEADER_SIZE + 1, 1L << 31, 1L << 60, 1L << 63, -1L);
        Arbitrary<Long> declared = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(null)),
                Tuple.of(1, anyLength));
        Arbitrary<Integer> lengthError = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(-8, 8)));
        Arbitrary<Long> dataError = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(0L)),
                Tuple.of(2, Arbitraries.longs().between(-8, 8)), Tuple.of(1, Arbitraries.of(1L << 40, 1L << 60)));
        return Combinators.combine(declared, lengthError, dataError).as(Framing::new);
    }

    /** Frames the header as a file of {@code dataLength} (adjusted) data bytes and parses it. */
    private static void parse(byte[] header, long dataLength, Framing framing) {
        byte[] head = ByteBuffer.allocate(Long.BYTES + header.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(framing.declared(header)).put(header).array();
        long data = Math.clamp(dataLength + framing.dataError(), 0, MAX_DATA);
        MemorySegment file = FILE.asSlice(0, head.length + data);
        MemorySegment.copy(MemorySegment.ofArray(head), 0, file, 0, head.length);
        try {
            PARSE.check(head, LABEL, () -> SafetensorsHeader.parse(LABEL, file));
        } finally {
            file.asSlice(0, head.length).fill((byte) 0);
        }
    }
}
