package dev.crucible.backend;

/**
 * The device seam: the closed set of merge primitives every engine (CPU reference, vectorised CPU, OpenCL, CUDA)
 * implements with bit-identical results. Methods do their scalar math on the host and call these.
 *
 * <p>Kernels read stored tensors ({@link Operand}: F16, BF16, F32 or F64), widen each element exactly to binary32,
 * compute in binary32 with one rounding per operation in the order written below (never fused, no flush to zero),
 * and round once, RNE with canonical NaNs, to the output operand's dtype. Sums over models run m = 0, 1, … and start
 * from the first term. Reductions accumulate binary64 terms with the fixed topology of numerics-and-gpu.md §6
 * ({@link Reduction}). Coefficients arrive as binary32 values the host rounded once ({@code fl32}).
 * Notation: {@code δ_m = x_m − b} in binary32; {@code keep_m} is {@link Mask} m evaluated at the element.
 */
public interface Backend extends AutoCloseable {

    /** Short name shown to users, e.g. {@code cpu-vector}. */
    String name();

    // ---- elementwise -------------------------------------------------------------------------------------------

    /**
     * Weighted sum with per-fibre coefficients {@code c[f·M + m]} for element {@code j} of fibre {@code f}:
     * without a base {@code r = c_0·x_0 + c_1·x_1 + …}; with a base {@code r = b + (c_0·δ_0 + c_1·δ_1 + …)}.
     * {@code fibres} may be {@link FibreLayout#whole}, giving one coefficient per model.
     */
    void blend(Operand b, Operand[] xs, float[] c, FibreLayout fibres, Operand out);

    /**
     * Model Stock: {@code s = x_0 + x_1 + …}, {@code avg = s / N}, {@code r = t_f·avg + u_f·b} where {@code t_f},
     * {@code u_f = fl32(1 − t)} are given per fibre.
     */
    void modelStock(Operand b, Operand[] xs, float[] t, float[] u, FibreLayout fibres, Operand out);

    /**
     * Generalized task arithmetic (task_arithmetic, ties, dare_*, breadcrumbs*, della*):
     * <pre>
     * δ'_m = (δ_m · keep_m) · scale_m        (inverseP: keep_m ? fl32(δ_m / p_j) : 0, division in binary64)
     * wd_m = w_m · δ'_m
     * NONE:  mixed = Σ wd_m ;  div = divisor
     * else:  e_m = wd_m (SUM, COUNT) or δ'_m (SUM_UNWEIGHTED);  S = Σ e_m (SUM*) or Σ sign(e_m) (COUNT)
     *        M = S ≥ 0 ? +1 : −1 ;  kept_m ⇔ (e_m > 0 ∧ M = +1) ∨ (e_m < 0 ∧ M = −1)
     *        mixed = Σ_{kept} wd_m (0 if none) ;  div = Σ_{kept} w_m, 1 if that is 0
     * normalize: mixed = mixed / div ;  λ ≠ 1: mixed = mixed · λ ;  r = b + mixed
     * </pre>
     */
    void gta(GtaSpec spec, Operand b, Operand[] xs, Operand out);

    /**
     * SCE's final pass: {@code δ'_m = δ_m · keep} with one mask shared by all models, {@code S = Σ δ'_m},
     * {@code M = S ≥ 0 ? +1 : −1}, {@code E_m = sign(δ'_m) == M}, {@code num = Σ_{E_m} δ'_m · w_m},
     * {@code den = Σ_{E_m} w_m}, {@code r = b + num / max(den, 1e-6f)}.
     */
    void sce(Operand b, Operand[] xs, Mask keep, float[] w, Operand out);

    /**
     * RAM: {@code nz_m = |δ_m| > ε}, {@code c = #nz}, {@code r = b + Σ_{nz_m} (c == 1 ? δ_m · λ_m : δ_m / c)}
     * with {@code λ_m = 1} for plain RAM ({@code lambdas == null}).
     */
    void ram(Operand b, Operand[] xs, float epsilon, float[] lambdas, Operand out);

    /**
     * NearSwap: {@code d = |b − x|}, {@code ω = min(max(t / max(d, 1e-6f), 0), 1)}, {@code r = ω·x + (1 − ω)·b}.
     */
    void nearswap(Operand b, Operand x, float t, Operand out);

    /**
     * Arcee Fusion's importance, per row of {@code rows} (binary64 softmax and KL per row, binary32 output):
     * {@code p = softmax(x) + 1e-8}, {@code q = softmax(a) + 1e-8}, {@code kl = Σ p·log(p/q)},
     * {@code imp_j = |x_j − a_j| · kl}. Transcendental, so only held to a tolerance across engines.
     */
    void arceeImportance(Operand a, Operand x, FibreLayout rows, Operand importance);

    /** Arcee Fusion's blend: {@code r = a + (x − a) · (imp ≥ threshold ? 1 : 0)}. */
    void arceeBlend(Operand a, Operand x, Operand importance, float threshold, Operand out);

    // ---- reductions --------------------------------------------------------------------------------------------

    /**
     * Gram matrices per fibre: for fibre {@code f} and each pair {@code i ≤ k} in order (0,0), (0,1), …, (1,1), …
     * the binary64 sum of {@code v_i·v_k} with {@code v = x} or, with a base, {@code v = δ}. Result index
     * {@code f·P + p} with {@code P = M(M+1)/2}.
     */
    double[] gram(Operand b, Operand[] xs, FibreLayout fibres);

    /** L1 rescale sums of one task vector: {@code {A = Σ|δ|, B = Σ|δ·keep|}}. */
    double[] l1(Operand b, Operand x, Mask keep);

    /** Per model {@code Σ (δ_m · keep)²} (SCE's weights). */
    double[] sumSquares(Operand b, Operand[] xs, Mask keep);

    /**
     * RAM+ counts per model: {@code [shared_0, unique_0, shared_1, …]}, where element j is shared when more than
     * one model has {@code |δ| > ε} there, unique when exactly one has.
     */
    long[] ramCounts(Operand b, Operand[] xs, float epsilon);

    /**
     * Sign conflicts among task vectors (TIES' interference measure), {@code {considered, conflicting}}: element
     * {@code j} is considered when at least two models have a kept nonzero delta there ({@code keep_m} and
     * {@code δ_m > 0 ∨ δ_m < 0}; a NaN delta is neither), and conflicting when those deltas include both signs.
     */
    long[] signConflicts(Operand b, Operand[] xs, Mask[] keep);

    // ---- selection ---------------------------------------------------------------------------------------------

    /**
     * One radix-select pass: among keys whose bits above {@code shift + bits} equal {@code prefix}
     * (all keys when {@code shift + bits == 32}), counts per value of bits {@code [shift, shift + bits)}.
     */
    long[] histogram(Keys keys, int shift, int bits, int prefix);

    /**
     * The digit widths, from bit 31 down, in which {@link Selection} asks this engine for histograms: whatever
     * counts fastest here (any split of the 32 bits finds the same threshold). Two passes of 16 bits by default.
     */
    default int[] radixDigits() {
        return new int[] {16, 16};
    }

    /** For each chunk of {@link Threshold#CHUNK} elements, how many keys equal {@code key}. */
    long[] tieCounts(Keys keys, int key);

    /**
     * The threshold that keeps exactly the {@code k} greatest keys ({@link Selection#top}). An engine may find it
     * its own way; the threshold is the same whatever the way.
     */
    default Threshold top(Keys keys, long k) {
        return Selection.top(this, keys, k);
    }

    /** The most device memory this engine has held so far; 0 for engines that run on the host. */
    default long devicePeakBytes() {
        return 0;
    }

    /**
     * Starts one tensor's merge: until {@link #endTensor()} the host bytes of the operands change only through this
     * engine's outputs, so an engine may keep copies of the inputs between calls (the device engine keeps them on
     * the device). Calls outside such a scope keep nothing.
     */
    default void beginTensor() {
    }

    /** Ends the tensor begun by {@link #beginTensor()}; copies kept for it are dropped. */
    default void endTensor() {
    }

    @Override
    void close();
}
