package dev.crucible.backend.cpu;

import dev.crucible.backend.Backend;
import dev.crucible.backend.DeviceTensor;
import dev.crucible.io.DType;
import dev.crucible.io.FloatFormats;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.I2S;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * The fast CPU engine: {@link CpuReference}'s arithmetic, vectorised with {@code jdk.incubator.vector}
 * and spread over a fixed pool of threads, with bit-identical results.
 *
 * <p>Threads. Every primitive is element-wise, so each tensor is cut into chunks of 2^20 elements that
 * the pool's workers process independently; which thread computes an element cannot change its bits.
 * Kernels called on chunks of about a million elements also reach C2's steady state after a call or
 * two, where one loop over a whole tensor needed a dozen calls (numerics-and-gpu.md §11). A caller's
 * segment confined to its thread cannot be handed to workers; its chunks run on the caller.
 *
 * <p>Bit identity, kernel by kernel, against the scalar definitions (numerics-and-gpu.md §2):
 * <ul>
 *   <li>BF16 widen: S2I then {@code << 16} is the definition {@code bits = h << 16}; the sign extension
 *       of S2I is shifted out.
 *   <li>BF16 narrow: the RNE formula is 32-bit integer arithmetic, evaluated lane-wise; Java's wrapping
 *       {@code int} addition and {@code >>>} are exactly the unsigned arithmetic it specifies. NaN lanes
 *       become 0x7FC0, and I2S keeps the low 16 bits as {@code (short)} does.
 *   <li>F16 widen: a normal half or an infinity is its exponent rebiased with the mantissa shifted left
 *       by 13; a NaN keeps its payload and comes back quiet, as {@code Float.float16ToFloat} (behind
 *       {@code FloatFormats.f16ToFloat}) returns it on x86-64 and AArch64, where it is the hardware
 *       conversion; a subnormal half, m·2^-24, is {@code (float) m * 0x1p-24f}, both steps exact.
 *   <li>F16 narrow: NaN, overflow and normal results follow §2.3 with integer operations. Below 2^-14
 *       the result is an F16 subnormal, a multiple of 2^-24; {@code |f| + 0.5f} lies in [0.5, 1), where
 *       floats are 2^-24 apart, so the addition's own RNE rounds {@code |f|} to that grid, and the sum's
 *       bits minus those of 0.5f are §2.3's {@code q}, ties, flushes to zero and the carry into 0x0400
 *       included.
 *   <li>F64 widen: the D2F conversion is defined as the cast {@code (float) d}, which the reference uses.
 *   <li>F32: loading copies the bytes; storing replaces NaN lanes with 0x7FC00000.
 *   <li>weightedSum: every lane computes {@code c0·x0}, then adds {@code c1·x1}, … in the reference's
 *       order, with separate multiplications and additions (never fused); lane-wise binary32 operations
 *       round exactly like scalar ones.
 * </ul>
 * Every format is vectorised, F16 and F64 included. Elements after the last whole vector (fewer than
 * one vector, in a tensor's last chunk only) take the scalar definitions. Which NaN an operation on
 * NaNs returns is the hardware's choice in Java, scalar or vector; it never reaches an output, because
 * every store writes canonical NaNs.
 *
 * <p>All bytes, stored tensors' and device tensors', are little-endian, which is also the native order
 * of the machines this runs on, so tensors written here read correctly through {@link CpuTensor#get}.
 */
public final class CpuVector implements Backend {
    /** Elements per task: large enough to amortise dispatch, small enough to balance the workers. */
    private static final long CHUNK = 1 << 20;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    /** Half the width of {@link #F}, so one short vector widens to one float vector. */
    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Half the width of {@link #D}, so one double vector narrows to one float vector. */
    private static final VectorSpecies<Float> FD =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(LE);

    /** A thread never started, hence not the owner of any confined segment. */
    private static final Thread NOT_THE_CALLER = Thread.ofPlatform().unstarted(() -> { });

    /** Converts elements {@code [from, to)} of {@code src} into the same elements of {@code dst}. */
    @FunctionalInterface
    private interface Kernel {
        void run(MemorySegment src, MemorySegment dst, long from, long to);
    }

    /** Processes elements {@code [from, to)} of one chunk. */
    @FunctionalInterface
    private interface ChunkTask {
        void run(long from, long to);
    }

    private final ExecutorService pool;

    public CpuVector(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        // daemon workers, so that a backend nobody closed cannot keep the JVM alive
        this.pool = Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().name("cpu-vector-", 0).daemon().factory());
    }

    @Override
    public String name() {
        return "cpu-vector";
    }

    @Override
    public DeviceTensor load(DType dtype, MemorySegment bytes, long numel) {
        Kernel widen = switch (dtype) {
            case BF16 -> CpuVector::widenBf16;
            case F16 -> CpuVector::widenF16;
            case F32 -> CpuVector::copyF32;
            case F64 -> CpuVector::widenF64;
            default -> throw new IllegalArgumentException("cannot widen " + dtype);
        };
        CpuTensor t = new CpuTensor(numel);
        inChunks(numel, shareable(bytes), (from, to) -> widen.run(bytes, t.floats(), from, to));
        return t;
    }

    @Override
    public void store(DeviceTensor tensor, DType dtype, MemorySegment dst) {
        Kernel narrow = switch (dtype) {
            case BF16 -> CpuVector::narrowBf16;
            case F16 -> CpuVector::narrowF16;
            case F32 -> CpuVector::storeF32;
            default -> throw new IllegalArgumentException("cannot store " + dtype);
        };
        CpuTensor t = CpuTensor.of(tensor);
        inChunks(t.numel(), shareable(dst), (from, to) -> narrow.run(t.floats(), dst, from, to));
    }

    @Override
    public DeviceTensor weightedSum(DeviceTensor[] xs, float[] coefficients) {
        MemorySegment[] in = new MemorySegment[xs.length];
        for (int m = 0; m < xs.length; m++) {
            in[m] = CpuTensor.of(xs[m]).floats();
        }
        CpuTensor r = new CpuTensor(xs[0].numel());
        inChunks(r.numel(), true, (from, to) -> weightedSum(in, coefficients, r.floats(), from, to));
        return r;
    }

    @Override
    public void close() {
        pool.shutdown();
    }

    /**
     * Runs {@code task} on every chunk of {@code [0, n)}, in the pool when {@code onWorkers}, else one
     * after another on the calling thread, and returns when all are done.
     */
    private void inChunks(long n, boolean onWorkers, ChunkTask task) {
        if (!onWorkers) {
            for (long from = 0; from < n; from += CHUNK) {
                task.run(from, Math.min(n, from + CHUNK));
            }
            return;
        }
        List<Callable<Void>> chunks = new ArrayList<>();
        for (long from = 0; from < n; from += CHUNK) {
            long start = from;
            long end = Math.min(n, from + CHUNK);
            chunks.add(() -> {
                task.run(start, end);
                return null;
            });
        }
        try {
            for (Future<Void> f : pool.invokeAll(chunks)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name(), e);
        } catch (ExecutionException e) {
            // kernels throw only unchecked exceptions (e.g. a segment too small): rethrow them as they are
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) e.getCause();
        }
    }

    /**
     * Whether the pool's workers may access {@code segment}: false for one confined to the calling
     * thread (Arena.ofConfined), which the workers would meet with a WrongThreadException.
     */
    private static boolean shareable(MemorySegment segment) {
        return segment.isAccessibleBy(NOT_THE_CALLER);
    }

    private static void widenBf16(MemorySegment src, MemorySegment dst, long from, long to) {
        long i = from;
        for (long end = from + F.loopBound(to - from); i < end; i += F.length()) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, src, i * Short.BYTES, LE)
                    .convertShape(S2I, I, 0);
            h.lanewise(LSHL, 16).intoMemorySegment(dst, i * Float.BYTES, LE);
        }
        for (; i < to; i++) {
            dst.setAtIndex(FLOAT, i, FloatFormats.bf16ToFloat(src.getAtIndex(SHORT, i)));
        }
    }

    private static void narrowBf16(MemorySegment src, MemorySegment dst, long from, long to) {
        long i = from;
        for (long end = from + F.loopBound(to - from); i < end; i += F.length()) {
            IntVector u = IntVector.fromMemorySegment(I, src, i * Float.BYTES, LE);
            IntVector rounded = u.add(0x7FFF).add(u.lanewise(LSHR, 16).and(1)).lanewise(LSHR, 16);
            rounded.blend(0x7FC0, isNaN(u)).convertShape(I2S, S, 0)
                    .intoMemorySegment(dst, i * Short.BYTES, LE);
        }
        for (; i < to; i++) {
            dst.setAtIndex(SHORT, i, FloatFormats.floatToBf16(src.getAtIndex(FLOAT, i)));
        }
    }

    private static void widenF16(MemorySegment src, MemorySegment dst, long from, long to) {
        long i = from;
        for (long end = from + F.loopBound(to - from); i < end; i += F.length()) {
            // S2I sign-extends, so bit 31 already holds the half's sign
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, src, i * Short.BYTES, LE)
                    .convertShape(S2I, I, 0);
            IntVector a = h.and(0x7FFF);
            IntVector shifted = a.lanewise(LSHL, 13);
            IntVector subnormal = ((FloatVector) a.convert(I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
            subnormal.blend(shifted.add(112 << 23), a.compare(GE, 0x0400)) // normal: bias 15 → 127
                    .blend(shifted.or(0x7F80_0000), a.compare(GE, 0x7C00)) // infinity
                    .blend(shifted.or(0x7FC0_0000), a.compare(GT, 0x7C00)) // NaN, made quiet
                    .or(h.and(0x8000_0000))
                    .intoMemorySegment(dst, i * Float.BYTES, LE);
        }
        for (; i < to; i++) {
            dst.setAtIndex(FLOAT, i, FloatFormats.f16ToFloat(src.getAtIndex(SHORT, i)));
        }
    }

    private static void narrowF16(MemorySegment src, MemorySegment dst, long from, long to) {
        long i = from;
        for (long end = from + F.loopBound(to - from); i < end; i += F.length()) {
            // every lane computes every case of §2.3; the blends keep the one its thresholds select
            IntVector u = IntVector.fromMemorySegment(I, src, i * Float.BYTES, LE);
            IntVector a = u.and(0x7FFF_FFFF);
            IntVector m = a.sub(0x3800_0000);
            IntVector normal = m.add(0x0FFF).add(m.lanewise(LSHR, 13).and(1)).lanewise(LSHR, 13);
            IntVector subnormal = a.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(0x3F00_0000);
            IntVector magnitude = subnormal.blend(normal, a.compare(GE, 0x3880_0000))
                    .blend(0x7C00, a.compare(GE, 0x477F_F000));
            magnitude.or(u.lanewise(LSHR, 16).and(0x8000)).blend(0x7E00, isNaN(u))
                    .convertShape(I2S, S, 0).intoMemorySegment(dst, i * Short.BYTES, LE);
        }
        for (; i < to; i++) {
            dst.setAtIndex(SHORT, i, FloatFormats.floatToF16(src.getAtIndex(FLOAT, i)));
        }
    }

    private static void copyF32(MemorySegment src, MemorySegment dst, long from, long to) {
        MemorySegment.copy(src, from * Float.BYTES, dst, from * Float.BYTES, (to - from) * Float.BYTES);
    }

    private static void storeF32(MemorySegment src, MemorySegment dst, long from, long to) {
        long i = from;
        for (long end = from + F.loopBound(to - from); i < end; i += F.length()) {
            IntVector u = IntVector.fromMemorySegment(I, src, i * Float.BYTES, LE);
            u.blend(0x7FC0_0000, isNaN(u)).intoMemorySegment(dst, i * Float.BYTES, LE);
        }
        for (; i < to; i++) {
            dst.setAtIndex(INT, i, FloatFormats.canonicalF32Bits(src.getAtIndex(FLOAT, i)));
        }
    }

    private static void widenF64(MemorySegment src, MemorySegment dst, long from, long to) {
        long i = from;
        for (long end = from + D.loopBound(to - from); i < end; i += D.length()) {
            DoubleVector.fromMemorySegment(D, src, i * Double.BYTES, LE).convertShape(D2F, FD, 0)
                    .intoMemorySegment(dst, i * Float.BYTES, LE);
        }
        for (; i < to; i++) {
            dst.setAtIndex(FLOAT, i, (float) src.getAtIndex(DOUBLE, i));
        }
    }

    private static void weightedSum(MemorySegment[] x, float[] c, MemorySegment r, long from, long to) {
        long i = from;
        for (long end = from + F.loopBound(to - from); i < end; i += F.length()) {
            long at = i * Float.BYTES;
            FloatVector acc = FloatVector.broadcast(F, c[0]).mul(FloatVector.fromMemorySegment(F, x[0], at, LE));
            for (int m = 1; m < x.length; m++) {
                acc = acc.add(FloatVector.broadcast(F, c[m]).mul(FloatVector.fromMemorySegment(F, x[m], at, LE)));
            }
            acc.intoMemorySegment(r, at, LE);
        }
        for (; i < to; i++) {
            float acc = c[0] * x[0].getAtIndex(FLOAT, i);
            for (int m = 1; m < x.length; m++) {
                acc = acc + c[m] * x[m].getAtIndex(FLOAT, i);
            }
            r.setAtIndex(FLOAT, i, acc);
        }
    }

    /** Lanes holding a binary32 NaN, of either sign and any payload. */
    private static VectorMask<Integer> isNaN(IntVector bits) {
        return bits.and(0x7FFF_FFFF).compare(GT, 0x7F80_0000);
    }
}
