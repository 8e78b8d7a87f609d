// Reductions with the fixed topology of numerics-and-gpu.md §6 (Java reference: backend/cpu/Reduction.java): a
// group per CHUNK = 65,536 terms; lane l adds terms l, l + 256, l + 512, ... of its chunk into a binary64
// accumulator that starts at +0.0, then the pairwise tree over the 256 lanes gives the chunk's partial. The host
// reduces the partials the same way. No floating-point atomics: every sum has one order, whatever the scheduling.
// Also here: RAM's contributor counts and TIES' sign conflicts (integers), and Arcee Fusion's importance, the one
// kernel with transcendentals (binary64 exp/log, checked against Java with a tolerance, not bit for bit).

// d = x - b
KERNEL delta(G const float* x, G const float* b, G float* d, i64 n) {
    i64 i = item_index();
    if (i < n) {
        d[i] = x[i] - b[i];
    }
}

// One term of reduce_partials at tensor element j: with a mask k = keep ? 1 : 0, u' = u * k (and v' = v * k),
// else u' = u, v' = v; the term is (double) u' * (double) v' (product, exact) or (double) |u'|.
INLINE double reduce_term(G const float* u, G const float* v, G const u8* keep, int hasKeep, int product, i64 j) {
    float k = hasKeep ? (keep[j] ? 1.0f : 0.0f) : 1.0f;
    float uj = hasKeep ? u[j] * k : u[j];
    if (product) {
        float vj = hasKeep ? v[j] * k : v[j];
        return (double)uj * (double)vj;
    }
    return (double)jabsf(uj);
}

// Chunk partials of Σ term over every fibre: group g < groups reduces chunk c = g % chunks of fibre f = g / chunks,
// fibre elements [c * CHUNK, min(length, (c + 1) * CHUNK)), element i of fibre f being tensor element
// (a * length + i) * inner + cc with a = f / inner, cc = f % inner. partials[g] = the chunk's tree sum.
KERNEL reduce_partials(G const float* u, G const float* v, G const u8* keep, int hasKeep, int product,
                       i64 length, i64 inner, i64 chunks, G double* partials, i64 groups) {
    LOCAL double acc[LANES];
    i64 g = GROUP_ID();
    int l = LOCAL_ID();
    i64 f = g / chunks;
    i64 c = g % chunks;
    double sum = 0.0;
    for (i64 e = l; e < CHUNK; e += LANES) {
        i64 i = c * CHUNK + e;
        if (i >= length) {
            break;
        }
        sum = sum + reduce_term(u, v, keep, hasKeep, product, fibre_element(f, i, length, inner));
    }
    acc[l] = sum;
    double total = tree_sum_f64(acc, l);
    if (l == 0) {
        partials[g] = total;
    }
}

// RAM's per-model contributor counts, one group per chunk g: for each model m, shared = #{elements where m
// contributes and so do others (c > 1)}, unique = #{elements where m alone contributes (c == 1)};
// partials[(g * models + m) * 2] = shared, [.. + 1] = unique. Every item runs the same model loop (barriers inside).
KERNEL ram_counts(G const float* b, G const float* xs, int models, i64 stride, float epsilon, G u32* partials,
                  i64 n) {
    LOCAL u32 sharedAcc[LANES];
    LOCAL u32 uniqueAcc[LANES];
    i64 g = GROUP_ID();
    int l = LOCAL_ID();
    i64 start = g * CHUNK;
    i64 end = min_i64(n, start + CHUNK);
    for (int m = 0; m < models; m++) {
        u32 shared = 0;
        u32 unique = 0;
        for (i64 j = start + l; j < end; j += LANES) {
            float bj = b[j];
            if (ram_contributes(xs, m, stride, j, bj, epsilon)) {
                if (ram_contributors(xs, models, stride, j, bj, epsilon) == 1) {
                    unique++;
                } else {
                    shared++;
                }
            }
        }
        sharedAcc[l] = shared;
        uniqueAcc[l] = unique;
        u32 sharedTotal = tree_sum_u32(sharedAcc, l);
        u32 uniqueTotal = tree_sum_u32(uniqueAcc, l);
        if (l == 0) {
            partials[(g * models + m) * 2] = sharedTotal;
            partials[(g * models + m) * 2 + 1] = uniqueTotal;
        }
    }
}

// Sign conflicts among task vectors (ConflictKernels.java), one group per chunk g: at element j, positive and
// negative count the models m with keep[m * stride + j] != 0 and d = x_m - b > 0, resp. d < 0 (binary32; a zero or
// NaN delta is neither); j is considered when positive + negative >= 2, conflicting when both are nonzero.
// partials[g * 2] = considered, [g * 2 + 1] = conflicting. Items past n count nothing but still meet every barrier.
KERNEL sign_conflicts(G const float* b, G const float* xs, int models, i64 stride, G const u8* keep, G u32* partials,
                      i64 n) {
    LOCAL u32 consideredAcc[LANES];
    LOCAL u32 conflictingAcc[LANES];
    i64 g = GROUP_ID();
    int l = LOCAL_ID();
    i64 start = g * CHUNK;
    i64 end = min_i64(n, start + CHUNK);
    u32 considered = 0;
    u32 conflicting = 0;
    for (i64 j = start + l; j < end; j += LANES) {
        float bj = b[j];
        int positive = 0;
        int negative = 0;
        for (int m = 0; m < models; m++) {
            if (keep[(i64)m * stride + j]) {
                float d = model_at(xs, m, stride, j) - bj;
                positive += d > 0.0f ? 1 : 0;
                negative += d < 0.0f ? 1 : 0;
            }
        }
        if (positive + negative >= 2) {
            considered++;
            if (positive > 0 && negative > 0) {
                conflicting++;
            }
        }
    }
    consideredAcc[l] = considered;
    conflictingAcc[l] = conflicting;
    u32 consideredTotal = tree_sum_u32(consideredAcc, l);
    u32 conflictingTotal = tree_sum_u32(conflictingAcc, l);
    if (l == 0) {
        partials[g * 2] = consideredTotal;
        partials[g * 2 + 1] = conflictingTotal;
    }
}

// Arcee Fusion's importance (PairKernels.arceeImportance), one group per row r < rows of `length` contiguous
// elements, all binary64: KL divergence of softmax(x) from softmax(a) over the row,
//   maxA = max a, maxX = max x; sumA = Σ exp(a - maxA), sumX = Σ exp(x - maxX);
//   kl = Σ p * log(p / q), p = exp(x - maxX) / sumX + 1e-8, q = exp(a - maxA) / sumA + 1e-8;
//   imp = (float) ((double) |x - a| * kl)
// Lane sums and trees as everywhere else; Java sums serially, hence a tolerance kernel.
KERNEL arcee_importance(G const float* a, G const float* x, i64 length, G float* imp, i64 rows) {
    LOCAL double accA[LANES];
    LOCAL double accX[LANES];
    i64 r = GROUP_ID();
    int l = LOCAL_ID();
    G const float* ar = a + r * length;
    G const float* xr = x + r * length;
    double maxA = (double)AS_FLOAT(0xFF800000u); // -Inf
    double maxX = maxA;
    for (i64 e = l; e < length; e += LANES) {
        maxA = max_nan(maxA, (double)ar[e]);
        maxX = max_nan(maxX, (double)xr[e]);
    }
    accA[l] = maxA;
    accX[l] = maxX;
    maxA = tree_max_f64(accA, l);
    maxX = tree_max_f64(accX, l);
    double sumA = 0.0;
    double sumX = 0.0;
    for (i64 e = l; e < length; e += LANES) {
        sumA = sumA + exp((double)ar[e] - maxA);
        sumX = sumX + exp((double)xr[e] - maxX);
    }
    accA[l] = sumA;
    accX[l] = sumX;
    sumA = tree_sum_f64(accA, l);
    sumX = tree_sum_f64(accX, l);
    double kl = 0.0;
    for (i64 e = l; e < length; e += LANES) {
        double p = exp((double)xr[e] - maxX) / sumX + 1e-8;
        double q = exp((double)ar[e] - maxA) / sumA + 1e-8;
        kl = kl + p * log(p / q);
    }
    accA[l] = kl;
    kl = tree_sum_f64(accA, l);
    G float* out = imp + r * length;
    for (i64 e = l; e < length; e += LANES) {
        out[e] = (float)((double)jabsf(xr[e] - ar[e]) * kl);
    }
}
