package dev.crucible.backend;

import dev.crucible.backend.GtaSpec.Consensus;
import dev.crucible.backend.cpu.CpuBackend;
import dev.crucible.io.DType;
import dev.crucible.rng.MaskKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The engine conformance test (DESIGN.md, Testing): for every primitive of {@link Backend}, every input dtype, every
 * output dtype and awkward sizes, an engine must reproduce the CPU reference exactly: outputs byte for byte, binary64
 * reductions bit for bit, counts exactly. Each engine family runs it through a subclass naming its engines
 * ({@link #engines()}); the one tolerance is Arcee Fusion's importance on engines whose transcendental functions are
 * not Java's StrictMath ({@link Engine#strictMath}): within one unit in the last place of the output dtype.
 *
 * <p>Sizes: 1, 31, 4097; three past a tie/reduction chunk ({@link Threshold#CHUNK}); thirteen past a parallel piece
 * (2^20 elements, the CPU engine's unit of work); three pieces and five. Past 4097 elements only some primitives and
 * dtype pairs run, with fewer calls each ({@link #runs}), to keep the run short on two cores: what large sizes test
 * is how ranges, tiles, chunks, pieces and device windows are split, which does not depend on the dtypes.
 *
 * <p>Inputs are random bit patterns of which one in eight is an edge value (NaNs of both signs, quiet and
 * signalling, infinities, signed zeros, subnormals, rounding ties), the models related to the base so that task
 * vectors have zeros and tiny elements; every operand starts at an odd address. Outputs are pre-filled with a
 * different byte per engine, so an element that one engine fails to write cannot match.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EngineConformance {
    public static final long CHUNK_PLUS = Threshold.CHUNK + 3;
    public static final long PIECE_PLUS = (1L << 20) + 13;
    public static final long PIECES = 3L * (1 << 20) + 5;
    private static final long[] SIZES = {1, 31, 4097, CHUNK_PLUS, PIECE_PLUS, PIECES};
    private static final DType[] INPUTS = {DType.BF16, DType.F16, DType.F32, DType.F64};
    private static final DType[] OUTPUTS = {DType.BF16, DType.F16, DType.F32};

    /** Inexact, negative, underflowing and overflowing coefficients. */
    private static final float[] AWKWARD = {0.3f, -1.7f, 1e-30f, 3e38f};
    /** Per-model weights: mixed signs; and overflow with underflow. */
    private static final float[][] WEIGHTS = {{0.7f, -0.3f, 1.2f}, {3e38f, 1e-30f, -1.7f}};
    private static final float[] SCALES = {1f, 1.7f, 0.3f};
    /** (normalize, λ) pairs, rotated over the consensus modes so each mode sees each pair. */
    private static final boolean[] NORMALIZE = {false, true, false, true};
    private static final float[] LAMBDA = {1f, 1f, 0.7f, 0.7f};
    private static final int INFINITY_KEY = 0x7F80_0000;

    /** The oracle; it runs on the calling thread and holds nothing to close. */
    private static final CpuBackend reference = CpuBackend.reference();
    private List<Engine> engines;
    /** The inputs of the last case; consecutive cases share them (see {@link #cases}). */
    private Inputs cached;

    /** An engine under test; {@code strictMath} when its transcendental functions are Java's StrictMath. */
    public record Engine(String name, Backend backend, boolean strictMath) {
    }

    /** The engines this family checks against the reference, opened once for all cases. */
    protected abstract List<Engine> engines();

    @BeforeAll
    void startEngines() {
        engines = engines();
    }

    @AfterAll
    void stopEngines() {
        for (Engine e : engines) {
            e.backend().close();
        }
        if (cached != null) {
            cached.arena.close();
            cached = null;
        }
    }

    /** The primitives of {@link Backend}; arcee_fusion's importance and blend form one row. */
    enum Primitive {
        BLEND(true), MODEL_STOCK(true), GTA(true), SCE(true), RAM(true), NEARSWAP(true), ARCEE_FUSION(true),
        GRAM(false), L1(false), SUM_SQUARES(false), RAM_COUNTS(false), SIGN_CONFLICTS(false), HISTOGRAM(false),
        TIE_COUNTS(false);

        /** Writes an output operand (so runs into each output dtype), rather than returning sums or counts. */
        final boolean elementwise;

        Primitive(boolean elementwise) {
            this.elementwise = elementwise;
        }
    }

    /** Ordered by size and input dtype, so that consecutive cases reuse the same generated inputs. */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (long n : SIZES) {
            for (DType in : INPUTS) {
                for (Primitive p : Primitive.values()) {
                    for (DType out : p.elementwise ? OUTPUTS : new DType[] {null}) {
                        if (runs(p, in, out, n)) {
                            String name = p.name().toLowerCase() + " " + in + (out == null ? "" : "→" + out)
                                    + ", n=" + n;
                            cases.add(Arguments.argumentSet(name, p, in, out, n));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    /**
     * Which cases run, to stay within about a minute on two cores. Every dtype pair meets every primitive up to 4097
     * elements, and the cheap primitives also at a chunk and a bit; past that, an output dtype per input dtype
     * (rotating, so each output dtype is met). Past a piece, where what is tested is how ranges, chunks and pieces
     * are split (the same for every dtype, since the engines share the kernels), the elementwise primitives run for
     * each input dtype and the others for one; at three pieces only blend (the vector path), gta (DELLA blocks that
     * do not divide a piece, so ranges and tiles start inside tie chunks) and l1 (DELLA blocks spanning chunks) run.
     * {@link Inputs#large} also trims each primitive's list of calls past a chunk.
     */
    static boolean runs(Primitive p, DType in, DType out, long n) {
        boolean rotatingOut = out == null || out == OUTPUTS[List.of(INPUTS).indexOf(in) % OUTPUTS.length];
        if (n <= 4097) {
            return true;
        }
        if (n == CHUNK_PLUS) {
            return switch (p) {
                case GTA, SCE, ARCEE_FUSION -> rotatingOut;
                case SIGN_CONFLICTS -> in == DType.F16;
                default -> true;
            };
        }
        if (n == PIECE_PLUS) {
            return rotatingOut && switch (p) {
                case BLEND, MODEL_STOCK, RAM, NEARSWAP -> true;
                case GTA, SCE, ARCEE_FUSION, GRAM -> in == DType.BF16;
                default -> in == DType.F32;
            };
        }
        return rotatingOut && switch (p) {
            case BLEND -> in != DType.F64;
            case GTA -> in == DType.BF16;
            case L1 -> in == DType.F16;
            default -> false;
        };
    }

    @ParameterizedTest
    @MethodSource("cases")
    void engineMatchesReference(Primitive primitive, DType in, DType out, long n) {
        Inputs inputs = inputs(in, n);
        for (Call call : calls(primitive, inputs, out)) {
            try (Arena arena = Arena.ofShared()) {
                Outcome expected = call.body().run(reference, arena, (byte) 0xA5);
                byte fill = 0x5A;
                for (Engine e : engines) {
                    Outcome actual = call.body().run(e.backend(), arena, fill);
                    String what = call.name() + ", " + e.name();
                    if (!e.strictMath() && call.transcendental()) {
                        ((Written) expected).assertWithinOneUlp((Written) actual, what);
                    } else {
                        expected.assertSame(actual, what);
                    }
                    fill += 0x33;
                }
            }
        }
    }

    // ---- calls -----------------------------------------------------------------------------------------------------

    /** What one engine computes for a call; outputs are allocated in {@code arena}, filled with {@code fill}. */
    @FunctionalInterface
    interface Body {
        Outcome run(Backend engine, Arena arena, byte fill);
    }

    record Call(String name, Body body) {
        /** Computed with transcendental functions (Arcee Fusion's softmax), exact only on StrictMath engines. */
        boolean transcendental() {
            return name.startsWith("arceeImportance");
        }
    }

    /** The result of a call, compared exactly. */
    sealed interface Outcome {
        void assertSame(Outcome actual, String what);
    }

    record Written(Operand... outputs) implements Outcome {
        @Override
        public void assertSame(Outcome actual, String what) {
            Operand[] got = ((Written) actual).outputs;
            for (int i = 0; i < outputs.length; i++) {
                Tensors.assertSameBytes(outputs[i], got[i], what + (outputs.length > 1 ? ", output " + i : ""));
            }
        }

        /**
         * Each output element is the same or the next representable value of its dtype (equal bits, or bit patterns
         * one apart with the same sign), NaN where the reference has NaN.
         */
        void assertWithinOneUlp(Written actual, String what) {
            for (int i = 0; i < outputs.length; i++) {
                Operand e = outputs[i];
                Operand a = actual.outputs[i];
                for (long j = 0; j < e.numel(); j++) {
                    long eb = Tensors.get(e, j);
                    long ab = Tensors.get(a, j);
                    boolean bothNaN = Float.isNaN(Tensors.value(e, j)) && Float.isNaN(Tensors.value(a, j));
                    if (eb != ab && !bothNaN && Math.abs(eb - ab) != 1) {
                        throw new AssertionError(what + ": element " + j + " is " + Tensors.hex(a, j)
                                + ", the reference gives " + Tensors.hex(e, j) + " (more than one ulp apart)");
                    }
                }
            }
        }
    }

    record Sums(double[] values) implements Outcome {
        @Override
        public void assertSame(Outcome actual, String what) {
            double[] got = ((Sums) actual).values;
            assertEquals(values.length, got.length, what);
            for (int i = 0; i < values.length; i++) {
                int index = i;
                assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(got[i]),
                        () -> what + ": sum " + index + " is " + got[index] + " (" + bits(got[index])
                                + "), the reference gives " + values[index] + " (" + bits(values[index]) + ")");
            }
        }
    }

    private static String bits(double v) {
        return "0x" + Long.toHexString(Double.doubleToRawLongBits(v));
    }

    record Counts(long[] values) implements Outcome {
        @Override
        public void assertSame(Outcome actual, String what) {
            assertArrayEquals(values, ((Counts) actual).values, what);
        }
    }

    static List<Call> calls(Primitive p, Inputs in, DType out) {
        return switch (p) {
            case BLEND -> blend(in, out);
            case MODEL_STOCK -> modelStock(in, out);
            case GTA -> gta(in, out);
            case SCE -> sce(in, out);
            case RAM -> ram(in, out);
            case NEARSWAP -> nearswap(in, out);
            case ARCEE_FUSION -> arceeFusion(in, out);
            case GRAM -> gram(in);
            case L1 -> l1(in);
            case SUM_SQUARES -> sumSquares(in);
            case RAM_COUNTS -> ramCounts(in);
            case SIGN_CONFLICTS -> signConflicts(in);
            case HISTOGRAM -> histogram(in);
            case TIE_COUNTS -> tieCounts(in);
        };
    }

    /** A call that writes one output of {@code dtype} through {@code kernel}. */
    private static Call writes(String name, DType dtype, long n, Kernel kernel) {
        return new Call(name, (engine, arena, fill) -> {
            Operand out = Tensors.output(arena, dtype, n, fill);
            kernel.run(engine, out);
            return new Written(out);
        });
    }

    @FunctionalInterface
    private interface Kernel {
        void run(Backend engine, Operand out);
    }

    private static List<Call> blend(Inputs in, DType out) {
        List<Call> calls = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(in.seed + 1);
        for (Layout layout : in.layouts()) {
            for (boolean withBase : new boolean[] {false, true}) {
                for (int models : in.large() ? new int[] {1, 3} : new int[] {1, 2, 3}) {
                    float[] c = new float[Math.toIntExact(layout.fibres().fibres() * models)];
                    for (int i = 0; i < c.length; i++) {
                        c[i] = AWKWARD[random.nextInt(AWKWARD.length)];
                    }
                    Operand b = withBase ? in.b : null;
                    Operand[] xs = in.xs(models);
                    calls.add(writes("blend, " + layout.name() + (withBase ? ", base" : ", no base") + ", " + models
                                    + " models", out, in.n,
                            (engine, o) -> engine.blend(b, xs, c, layout.fibres(), o)));
                }
            }
        }
        return calls;
    }

    private static List<Call> modelStock(Inputs in, DType out) {
        List<Call> calls = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(in.seed + 2);
        float[] edges = {0f, 1f, 0.5f, -0.25f};
        for (Layout layout : new Layout[] {in.whole(), in.rows()}) {
            for (int models : in.large() ? new int[] {3} : new int[] {1, 2, 3}) {
                int fibres = Math.toIntExact(layout.fibres().fibres());
                float[] t = new float[fibres];
                float[] u = new float[fibres];
                for (int f = 0; f < fibres; f++) {
                    t[f] = random.nextInt(4) == 0 ? edges[random.nextInt(edges.length)]
                            : (float) random.nextDouble(-0.2, 1.2);
                    u[f] = 1f - t[f];
                }
                Operand[] xs = in.xs(models);
                calls.add(writes("modelStock, " + layout.name() + ", " + models + " models", out, in.n,
                        (engine, o) -> engine.modelStock(in.b, xs, t, u, layout.fibres(), o)));
            }
        }
        return calls;
    }

    /** The masks of a {@link #gta} call, model by model, and whether kept elements are rescaled by 1/p. */
    private record MaskSet(String name, boolean inverseP, IntFunction<Mask> mask) {
    }

    private static List<Call> gta(Inputs in, DType out) {
        FibreLayout rows = in.dellaRows();
        FibreLayout cube = in.dellaCube();
        List<MaskSet> sets = List.of(
                new MaskSet("All", false, m -> new Mask.All()),
                new MaskSet("None/All/None", false, m -> m == 1 ? new Mask.All() : new Mask.None()),
                new MaskSet("Top/Top/All", false, m -> m == 2 ? new Mask.All() : in.top(m)),
                new MaskSet("Band/Top/None", false, m -> switch (m) {
                    case 0 -> in.band(0);
                    case 1 -> in.top(1);
                    default -> new Mask.None();
                }),
                new MaskSet("Bernoulli", false, in::bernoulli),
                new MaskSet("Bernoulli", true, in::bernoulli),
                new MaskSet("Della rows", false, m -> in.della(m, rows)),
                new MaskSet("Della rows", true, m -> in.della(m, rows)),
                new MaskSet("Della 3-D", false, m -> in.della(m, cube)),
                new MaskSet("Della 3-D", true, m -> in.della(m, cube)),
                new MaskSet("Top/Della 3-D/Bernoulli", false, m -> switch (m) {
                    case 0 -> in.top(0);
                    case 1 -> in.della(1, cube);
                    default -> in.bernoulli(2);
                }),
                new MaskSet("Bernoulli/Della rows/Della 3-D", true, m -> switch (m) {
                    case 0 -> in.bernoulli(0);
                    case 1 -> in.della(1, rows);
                    default -> in.della(2, cube);
                }));
        List<Call> calls = new ArrayList<>();
        Consensus[] modes = Consensus.values();
        // past a piece, the sets whose masks depend on where ranges start: ties, Philox counters, DELLA blocks
        List<Integer> largeSets = List.of(2, 3, 5, 6, 9, 10, 11);
        int made = 0;
        for (int s = 0; s < sets.size(); s++) {
            if (in.large() && !largeSets.contains(s)) {
                continue;
            }
            // every mode for each set; past 4097 elements two modes per set, past a piece one, rotating
            int count = in.n <= 4097 ? modes.length : in.large() ? 1 : 2;
            for (int i = 0; i < count; i++, made++) {
                Consensus consensus = modes[made % modes.length];
                int pair = (s + consensus.ordinal()) % NORMALIZE.length;
                calls.add(gtaCall(in, out, sets.get(s), 3, WEIGHTS[s % 2], consensus, NORMALIZE[pair], LAMBDA[pair]));
            }
        }
        for (int models = 1; models <= (in.large() ? 0 : 2); models++) {
            for (MaskSet set : new MaskSet[] {sets.get(0), sets.get(10)}) {
                calls.add(gtaCall(in, out, set, models, WEIGHTS[0], Consensus.SUM, true, 1f));
                calls.add(gtaCall(in, out, set, models, WEIGHTS[1], Consensus.NONE, false, 0.7f));
            }
        }
        return calls;
    }

    private static Call gtaCall(Inputs in, DType out, MaskSet set, int models, float[] weights, Consensus consensus,
                                boolean normalize, float lambda) {
        Mask[] masks = new Mask[models];
        for (int m = 0; m < models; m++) {
            masks[m] = set.mask().apply(m);
        }
        float[] w = Arrays.copyOf(weights, models);
        double sum = 0;
        for (float v : w) {
            sum += v;
        }
        float divisor = Math.abs(sum) < 1e-8 ? 1f : (float) sum;
        GtaSpec spec = new GtaSpec(masks, Arrays.copyOf(SCALES, models), set.inverseP(), w, consensus, normalize,
                divisor, lambda);
        String name = "gta, " + set.name() + (set.inverseP() ? " (inverse p)" : "") + " = "
                + String.join("/", Arrays.stream(masks).map(EngineConformance::describe).toList()) + ", "
                + models + " models, "
                + consensus + (normalize ? ", normalized" : "") + ", λ=" + lambda + ", w=" + Arrays.toString(w);
        Operand[] xs = in.xs(models);
        return writes(name, out, in.n, (engine, o) -> engine.gta(spec, in.b, xs, o));
    }

    private static List<Call> sce(Inputs in, DType out) {
        List<Call> calls = new ArrayList<>();
        float[][] weights = {{0.5f, 2f, 1e-7f}, {0f, 0f, 0f}};
        for (int models : in.large() ? new int[] {3} : new int[] {1, 2, 3}) {
            Operand[] xs = in.xs(models);
            Keys variance = new Keys.DeltaVariance(xs, in.b);
            Mask[] masks = in.large() ? new Mask[] {new Mask.All(), in.top(variance), in.bernoulli(0)}
                    : new Mask[] {new Mask.All(), new Mask.None(), in.top(variance), in.band(variance),
                            in.bernoulli(0), new Mask.Della(variance, MaskKey.of(42, "t", 0), 0.5, 0.1,
                            in.dellaRows())};
            for (Mask mask : masks) {
                for (float[] w : mask instanceof Mask.All ? weights : new float[][] {weights[0]}) {
                    float[] wm = Arrays.copyOf(w, models);
                    calls.add(writes("sce, " + describe(mask) + ", " + models + " models, w=" + Arrays.toString(wm),
                            out, in.n, (engine, o) -> engine.sce(in.b, xs, mask, wm, o)));
                }
            }
        }
        return calls;
    }

    private static List<Call> ram(Inputs in, DType out) {
        List<Call> calls = new ArrayList<>();
        for (float epsilon : in.large() ? new float[] {1e-5f} : new float[] {0f, 1e-5f, 1f}) {
            for (float[] lambdas : new float[][] {null, {1.5f, 0.25f, -2f}}) {
                for (int models : in.large() ? new int[] {3} : new int[] {1, 2, 3}) {
                    Operand[] xs = in.xs(models);
                    float[] l = lambdas == null ? null : Arrays.copyOf(lambdas, models);
                    calls.add(writes("ram, ε=" + epsilon + ", λ=" + Arrays.toString(l) + ", " + models + " models",
                            out, in.n, (engine, o) -> engine.ram(in.b, xs, epsilon, l, o)));
                }
            }
        }
        return calls;
    }

    private static List<Call> nearswap(Inputs in, DType out) {
        List<Call> calls = new ArrayList<>();
        float[] ts = in.large() ? new float[] {0.5f, 1e-3f} : new float[] {0.5f, 1e-3f, 0f, 3e38f};
        for (int i = 0; i < ts.length; i++) {
            float t = ts[i];
            Operand x = in.xs[i % in.xs.length];
            calls.add(writes("nearswap, t=" + t + ", model " + i % in.xs.length, out, in.n,
                    (engine, o) -> engine.nearswap(in.b, x, t, o)));
        }
        return calls;
    }

    /**
     * Importance per row (bit-identical: both CPU engines run the same StrictMath code), then the blend at
     * thresholds taken from the reference's importance: its median, 0, −∞ and NaN.
     */
    private static List<Call> arceeFusion(Inputs in, DType out) {
        List<Call> calls = new ArrayList<>();
        List<Layout> layouts = new ArrayList<>(List.of(in.rows()));
        if (in.n <= PIECE_PLUS) {
            layouts.add(new Layout("rows of [" + in.n + ", 1]", FibreLayout.lastDim(new long[] {in.n, 1})));
        }
        for (Layout rows : layouts) {
            Operand x = in.xs[0];
            calls.add(writes("arceeImportance, " + rows.name(), out, in.n,
                    (engine, o) -> engine.arceeImportance(in.b, x, rows.fibres(), o)));
            Operand importance = Tensors.output(in.arena, out, in.n, (byte) 0);
            reference.arceeImportance(in.b, x, rows.fibres(), importance);
            int median = Selection.kthLargestKey(reference, new Keys.Signed(importance), (in.n + 1) / 2);
            float[] thresholds = {Selection.signedKeyToFloat(median), 0f, Float.NEGATIVE_INFINITY, Float.NaN};
            for (float threshold : in.large() ? Arrays.copyOf(thresholds, 2) : thresholds) {
                calls.add(writes("arceeBlend, importance from " + rows.name() + ", threshold " + threshold, out, in.n,
                        (engine, o) -> engine.arceeBlend(in.b, x, importance, threshold, o)));
            }
        }
        return calls;
    }

    private static List<Call> gram(Inputs in) {
        List<Call> calls = new ArrayList<>();
        for (Layout layout : in.layouts()) {
            if (layout.fibres().fibres() > 20_000) {
                continue; // a fibre per element: nothing that the other layouts do not test, at great cost
            }
            for (boolean withBase : new boolean[] {false, true}) {
                for (int models : in.large() ? new int[] {3} : new int[] {1, 3}) {
                    Operand b = withBase ? in.b : null;
                    Operand[] xs = in.xs(models);
                    calls.add(new Call("gram, " + layout.name() + (withBase ? ", base" : ", no base") + ", " + models
                            + " models", (engine, arena, fill) -> new Sums(engine.gram(b, xs, layout.fibres()))));
                }
            }
        }
        return calls;
    }

    private static List<Call> l1(Inputs in) {
        List<Call> calls = new ArrayList<>();
        List<IntFunction<Mask>> masks = List.of(m -> new Mask.All(), m -> new Mask.None(), in::top, in::band,
                in::bernoulli, m -> in.della(m, in.dellaRows()), m -> in.della(m, in.dellaCube()));
        for (int i = 0; i < masks.size(); i++) {
            int m = i % in.xs.length;
            Mask mask = masks.get(i).apply(m);
            calls.add(new Call("l1, model " + m + ", " + describe(mask),
                    (engine, arena, fill) -> new Sums(engine.l1(in.b, in.xs[m], mask))));
        }
        return calls;
    }

    private static List<Call> sumSquares(Inputs in) {
        List<Call> calls = new ArrayList<>();
        for (int models : in.large() ? new int[] {3} : new int[] {1, 2, 3}) {
            Operand[] xs = in.xs(models);
            Keys variance = new Keys.DeltaVariance(xs, in.b);
            Mask della = new Mask.Della(variance, MaskKey.of(42, "t", 1), 0.5, 0.1, in.dellaCube());
            Mask[] masks = in.large() ? new Mask[] {new Mask.All(), in.top(variance), in.bernoulli(1), della}
                    : new Mask[] {new Mask.All(), new Mask.None(), in.top(variance), in.band(variance),
                            in.bernoulli(1), della};
            for (Mask mask : masks) {
                calls.add(new Call("sumSquares, " + describe(mask) + ", " + models + " models",
                        (engine, arena, fill) -> new Sums(engine.sumSquares(in.b, xs, mask))));
            }
        }
        return calls;
    }

    private static List<Call> ramCounts(Inputs in) {
        List<Call> calls = new ArrayList<>();
        for (float epsilon : in.large() ? new float[] {1e-5f} : new float[] {0f, 1e-5f, 1f}) {
            for (int models : in.large() ? new int[] {1, 3} : new int[] {1, 2, 3}) {
                Operand[] xs = in.xs(models);
                calls.add(new Call("ramCounts, ε=" + epsilon + ", " + models + " models",
                        (engine, arena, fill) -> new Counts(engine.ramCounts(in.b, xs, epsilon))));
            }
        }
        return calls;
    }

    /**
     * Sign conflicts over one, two and three models under the masks that decide which deltas count: none dropped,
     * top-k per model (ties split across chunks), Bernoulli, DELLA rows, a mix, and models masked out entirely.
     */
    private static List<Call> signConflicts(Inputs in) {
        FibreLayout rows = in.dellaRows();
        List<MaskSet> sets = List.of(
                new MaskSet("All", false, m -> new Mask.All()),
                new MaskSet("Top", false, in::top),
                new MaskSet("Bernoulli", false, in::bernoulli),
                new MaskSet("Della rows", false, m -> in.della(m, rows)),
                new MaskSet("Top/Della rows/Bernoulli", false, m -> switch (m) {
                    case 0 -> in.top(0);
                    case 1 -> in.della(1, rows);
                    default -> in.bernoulli(2);
                }),
                new MaskSet("None/All/Top", false, m -> switch (m) {
                    case 0 -> new Mask.None();
                    case 1 -> new Mask.All();
                    default -> in.top(2);
                }));
        List<Call> calls = new ArrayList<>();
        for (int s = 0; s < sets.size(); s++) {
            MaskSet set = sets.get(s);
            // past a chunk, three models under the masks that depend on where ranges start
            if (in.large() && (s == 0 || s == 5)) {
                continue;
            }
            for (int models : in.large() ? new int[] {3} : new int[] {1, 2, 3}) {
                Mask[] masks = new Mask[models];
                for (int m = 0; m < models; m++) {
                    masks[m] = set.mask().apply(m);
                }
                Operand[] xs = in.xs(models);
                calls.add(new Call("signConflicts, " + set.name() + " = "
                        + String.join("/", Arrays.stream(masks).map(EngineConformance::describe).toList()) + ", "
                        + models + " models",
                        (engine, arena, fill) -> new Counts(engine.signConflicts(in.b, xs, masks))));
            }
        }
        return calls;
    }

    /** Keys of each kind: magnitudes of a task vector, variances over one and three models, signed values. */
    private static List<Keys> keys(Inputs in) {
        List<Keys> keys = List.of(new Keys.DeltaMagnitude(in.xs[0], in.b), new Keys.DeltaVariance(in.xs, in.b),
                new Keys.Signed(in.b), new Keys.DeltaVariance(in.xs(1), in.b), new Keys.Signed(in.xs[2]));
        return in.large() ? keys.subList(0, 3) : keys;
    }

    /**
     * Selection's three passes under the digits of a real key (the median), wider and narrower digits, a first pass
     * of 16 bits, a prefix of 31 bits' worth of shift, and a prefix that nothing has.
     */
    private static List<Call> histogram(Inputs in) {
        List<Call> calls = new ArrayList<>();
        for (Keys keys : keys(in)) {
            int median = Selection.kthLargestKey(reference, keys, (keys.numel() + 1) / 2);
            int[][] passes = {{21, 11, 0}, {10, 11, median >>> 21}, {0, 10, median >>> 10}, {16, 16, 0},
                    {24, 8, 0}, {0, 8, median >>> 8}, {8, 16, median >>> 24}, {28, 3, median >>> 31},
                    {0, 10, ~median >>> 10}};
            for (int[] pass : in.large() ? Arrays.copyOf(passes, 4) : passes) {
                calls.add(new Call("histogram, " + describe(keys) + ", shift " + pass[0] + ", bits " + pass[1]
                        + ", prefix 0x" + Integer.toHexString(pass[2]), (engine, arena, fill) ->
                        new Counts(engine.histogram(keys, pass[0], pass[1], pass[2]))));
            }
        }
        return calls;
    }

    private static List<Call> tieCounts(Inputs in) {
        List<Call> calls = new ArrayList<>();
        for (Keys keys : keys(in)) {
            int median = Selection.kthLargestKey(reference, keys, (keys.numel() + 1) / 2);
            int[] ties = {median, INFINITY_KEY, 0, 0x7FC0_0000, 0x8000_0000, 0xFFFF_FFFF};
            for (int key : in.large() ? Arrays.copyOf(ties, 2) : ties) {
                calls.add(new Call("tieCounts, " + describe(keys) + ", key 0x" + Integer.toHexString(key),
                        (engine, arena, fill) -> new Counts(engine.tieCounts(keys, key))));
            }
        }
        return calls;
    }

    private static String describe(Keys keys) {
        return switch (keys) {
            case Keys.DeltaMagnitude k -> "magnitude keys";
            case Keys.DeltaVariance k -> "variance keys of " + k.xs().length + " models";
            case Keys.Signed k -> "signed keys";
        };
    }

    private static String describe(Mask mask) {
        return switch (mask) {
            case Mask.All a -> "All";
            case Mask.None none -> "None";
            case Mask.Top top -> "Top(" + describe(top.keys()) + ", key 0x" + Integer.toHexString(top.threshold().key())
                    + ", ties " + top.threshold().ties() + ")";
            case Mask.Band band -> "Band(" + describe(band.within()) + " minus " + describe(band.excluded()) + ")";
            case Mask.Bernoulli bern -> "Bernoulli(p=" + bern.p() + ")";
            case Mask.Della della -> "Della(" + describe(della.keys()) + ", " + della.fibres() + ")";
        };
    }

    // ---- inputs ----------------------------------------------------------------------------------------------------

    record Layout(String name, FibreLayout fibres) {
    }

    private Inputs inputs(DType dtype, long n) {
        if (cached == null || cached.dtype != dtype || cached.n != n) {
            if (cached != null) {
                cached.arena.close();
            }
            cached = new Inputs(dtype, n);
        }
        return cached;
    }

    /** A base and three models of one dtype and size, their shapes, and the masks built on them. */
    static final class Inputs {
        final DType dtype;
        final long n;
        final long seed;
        final Arena arena = Arena.ofShared();
        final Operand b;
        final Operand[] xs;
        /** {@code [rows, cols]}: cols the smallest divisor of n of at least 100, else n (then one row). */
        final long[] matrix;
        /** {@code [A, B, C]} from n's prime factors, so that fibres along dimension 1 are strided when n allows. */
        final long[] cube;
        private final Map<String, Threshold> thresholds = new HashMap<>();

        Inputs(DType dtype, long n) {
            this.dtype = dtype;
            this.n = n;
            this.seed = 1_000_003L * n + dtype.ordinal();
            SplittableRandom random = new SplittableRandom(seed);
            b = Tensors.random(arena, dtype, n, random);
            xs = new Operand[3];
            for (int m = 0; m < xs.length; m++) {
                xs[m] = Tensors.near(arena, b, random);
            }
            long cols = n;
            for (long d = 100; d < n; d++) {
                if (n % d == 0) {
                    cols = d;
                    break;
                }
            }
            matrix = new long[] {n / cols, cols};
            List<Long> factors = new ArrayList<>();
            long rest = n;
            for (long p = 2; p * p <= rest; p++) {
                while (rest % p == 0) {
                    factors.add(p);
                    rest /= p;
                }
            }
            if (rest > 1) {
                factors.add(rest);
            }
            cube = switch (factors.size()) {
                case 0, 1 -> new long[] {1, 1, n};
                case 2 -> new long[] {1, factors.get(0), factors.get(1)};
                default -> new long[] {factors.get(0), factors.get(1), n / factors.get(0) / factors.get(1)};
            };
        }

        Operand[] xs(int models) {
            return Arrays.copyOf(xs, models);
        }

        Layout whole() {
            return new Layout("whole", FibreLayout.whole(n));
        }

        Layout rows() {
            return new Layout("rows of " + Arrays.toString(matrix), FibreLayout.lastDim(matrix));
        }

        Layout columns() {
            return new Layout("columns of " + Arrays.toString(matrix), FibreLayout.alongDim(matrix, 0));
        }

        Layout cube() {
            return new Layout("dimension 1 of " + Arrays.toString(cube), FibreLayout.alongDim(cube, 1));
        }

        List<Layout> layouts() {
            return List.of(whole(), rows(), columns());
        }

        /** Past a chunk, calls are trimmed to the variants that exercise how work is split. */
        boolean large() {
            return n > CHUNK_PLUS;
        }

        /** DELLA along rows; past a chunk, a fibre per element where a row would be the whole (prime) tensor. */
        FibreLayout dellaRows() {
            return small(FibreLayout.lastDim(matrix));
        }

        /** DELLA along dimension 1 of the cube (strided fibres when n has three prime factors). */
        FibreLayout dellaCube() {
            return small(FibreLayout.alongDim(cube, 1));
        }

        /**
         * The kernels recompute a DELLA block (a fibre's {@code length · inner} elements) in every chunk that
         * touches it, so blocks of a whole prime-sized tensor are kept below a chunk and a bit.
         */
        private FibreLayout small(FibreLayout fibres) {
            return large() && fibres.length() * fibres.inner() > 1 << 18
                    ? FibreLayout.lastDim(new long[] {n, 1}) : fibres;
        }

        Mask bernoulli(int m) {
            return new Mask.Bernoulli(MaskKey.of(42, "t", m), 0.37);
        }

        Mask della(int m, FibreLayout fibres) {
            return new Mask.Della(new Keys.DeltaMagnitude(xs[m], b), MaskKey.of(42, "t", m), 0.5, 0.1, fibres);
        }

        Mask top(int m) {
            return top(new Keys.DeltaMagnitude(xs[m], b));
        }

        Mask band(int m) {
            return band(new Keys.DeltaMagnitude(xs[m], b));
        }

        /** The top k, with k chosen to keep half of the infinite keys when there are several (a tie to split). */
        Mask top(Keys keys) {
            return new Mask.Top(keys, threshold(keys, splitTies(keys)));
        }

        /** The elements ranked from k (as in {@link #top(Keys)}) to the top three quarters: breadcrumbs' band. */
        Mask band(Keys keys) {
            long upper = Math.max(splitTies(keys), n - n / 4);
            return new Mask.Band(new Mask.Top(keys, threshold(keys, upper)), top(keys));
        }

        /** Thresholds come from the reference engine, once per inputs, and serve every engine. */
        private Threshold threshold(Keys keys, long k) {
            String owner = switch (keys) {
                case Keys.DeltaMagnitude d -> "model " + List.of(xs).indexOf(d.x());
                case Keys.DeltaVariance v -> v.xs().length + " models";
                case Keys.Signed s -> "signed";
            };
            return thresholds.computeIfAbsent(describe(keys) + " of " + owner + ", k=" + k,
                    name -> Selection.top(reference, keys, k));
        }

        /**
         * {@code #{key > ∞} + #{key = ∞}/2} when at least two keys are infinite, so that the threshold falls inside
         * a run of equal keys spread over the tensor (and over chunks); else a third of the elements.
         */
        private long splitTies(Keys keys) {
            long infinite = Selection.countKey(reference, keys, INFINITY_KEY);
            if (infinite < 2) {
                return n / 3;
            }
            long exponentAllOnes = reference.histogram(keys, 23, 9, 0)[0xFF];
            return exponentAllOnes - infinite + infinite / 2;
        }
    }
}
