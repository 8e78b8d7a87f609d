// Elementwise merge kernels (merge-methods.md §3; the Java CPU reference is backend/cpu/*Kernels.java): item i
// computes output element i < n from base element b[i] and the models' elements. xs holds `models` vectors of
// `stride` elements each: model m's element i is xs[m * stride + i]. Buffers are window-local; `first` is the
// tensor index of element 0 where the global index matters (fibre coefficients).
// Each formula is binary32 arithmetic in exactly the order written, one rounding per operation (no contraction),
// so results are bit-identical to Java's. Sums start from their first term (not from 0 + first term, which would
// turn -0 into +0). `models` is unbounded, so per-model values are recomputed in each loop rather than kept in
// private arrays.

#define CONSENSUS_NONE 0
#define CONSENSUS_SUM 1
#define CONSENSUS_COUNT 2
#define CONSENSUS_SUM_UNWEIGHTED 3

// Weighted sum with per-fibre coefficients c[f * models + m], f = fibre_of(first + i):
//   no base: r = c_0 * x_0; r = r + c_m * x_m (m = 1..)
//   base:    s = c_0 * (x_0 - b); s = s + c_m * (x_m - b); r = b + s
// b is not read when hasBase == 0.
KERNEL blend(G const float* b, int hasBase, G const float* xs, int models, i64 stride, G const float* c,
             i64 length, i64 inner, i64 first, G float* out, i64 n) {
    i64 i = item_index();
    if (i >= n) {
        return;
    }
    i64 k = fibre_of(first + i, length, inner) * models;
    if (hasBase) {
        float bj = b[i];
        float s = c[k] * (xs[i] - bj);
        for (int m = 1; m < models; m++) {
            s = s + c[k + m] * (model_at(xs, m, stride, i) - bj);
        }
        out[i] = bj + s;
    } else {
        float r = c[k] * xs[i];
        for (int m = 1; m < models; m++) {
            r = r + c[k + m] * model_at(xs, m, stride, i);
        }
        out[i] = r;
    }
}

// Model Stock: s = x_0; s = s + x_m; avg = s / models; r = t_f * avg + u_f * b, f = fibre_of(first + i)
KERNEL model_stock(G const float* b, G const float* xs, int models, i64 stride, G const float* t, G const float* u,
                   i64 length, i64 inner, i64 first, G float* out, i64 n) {
    i64 i = item_index();
    if (i >= n) {
        return;
    }
    i64 f = fibre_of(first + i, length, inner);
    float s = xs[i];
    for (int m = 1; m < models; m++) {
        s = s + model_at(xs, m, stride, i);
    }
    float avg = DIV(s, (float)models);
    out[i] = t[f] * avg + u[f] * b[i];
}

// GTA's dp_m: model m's delta d = x_m - b after its mask, either rescaled by the inverse keep probability
// (keep ? (float)((double)d / p) : 0) or masked and scaled ((d * keep) * scale_m). p is read only when inverseP.
INLINE float gta_masked_delta(G const float* xs, i64 stride, G const u8* keep, G const double* p, int inverseP,
                              G const float* scales, int m, i64 i, float bj) {
    i64 at = (i64)m * stride + i;
    float d = xs[at] - bj;
    if (inverseP) {
        return keep[at] ? (float)((double)d / p[at]) : 0.0f;
    }
    return (d * (keep[at] ? 1.0f : 0.0f)) * scales[m];
}

// GTA's e_m, the value that votes: dp_m itself for SUM_UNWEIGHTED (the TIES paper), else the weighted wd_m.
INLINE float gta_vote(int consensus, float dp, float wd) {
    return consensus == CONSENSUS_SUM_UNWEIGHTED ? dp : wd;
}

// GTA's elected sign, 1 for +: COUNT: Σ sign(e_m) >= 0; SUM, SUM_UNWEIGHTED: (e_0 + e_1 + ...) >= 0, a NaN sum -> -.
INLINE int gta_positive(G const float* xs, int models, i64 stride, G const u8* keep, G const double* p,
                        int inverseP, G const float* scales, G const float* weights, int consensus, i64 i,
                        float bj) {
    if (consensus == CONSENSUS_COUNT) {
        int votes = 0;
        for (int m = 0; m < models; m++) {
            float dp = gta_masked_delta(xs, stride, keep, p, inverseP, scales, m, i, bj);
            float e = gta_vote(consensus, dp, weights[m] * dp);
            votes += e > 0.0f ? 1 : e < 0.0f ? -1 : 0;
        }
        return votes >= 0;
    }
    float s = 0.0f;
    for (int m = 0; m < models; m++) {
        float dp = gta_masked_delta(xs, stride, keep, p, inverseP, scales, m, i, bj);
        float e = gta_vote(consensus, dp, weights[m] * dp);
        s = m == 0 ? e : s + e;
    }
    return s >= 0.0f;
}

// Generalized task arithmetic (Backend.gta; GtaKernels.java). wd_m = weight_m * dp_m.
//   NONE:  mixed = wd_0 + wd_1 + ... ; div = divisor
//   else:  elect the sign; mixed, div = sums of wd_m, weight_m over the models whose e_m has the elected sign
//          (each sum from its first term); div = 1 if it is 0
//   if normalize: mixed = mixed / div;  if lambda != 1: mixed = mixed * lambda;  r = b + mixed
KERNEL gta(G const float* b, G const float* xs, int models, i64 stride, G const u8* keep, G const double* p,
           int inverseP, G const float* scales, G const float* weights, int consensus, int normalize,
           float divisor, float lambda, G float* out, i64 n) {
    i64 i = item_index();
    if (i >= n) {
        return;
    }
    float bj = b[i];
    float mixed = 0.0f;
    float div;
    if (consensus == CONSENSUS_NONE) {
        for (int m = 0; m < models; m++) {
            float wd = weights[m] * gta_masked_delta(xs, stride, keep, p, inverseP, scales, m, i, bj);
            mixed = m == 0 ? wd : mixed + wd;
        }
        div = divisor;
    } else {
        int positive = gta_positive(xs, models, stride, keep, p, inverseP, scales, weights, consensus, i, bj);
        int any = 0;
        div = 0.0f;
        for (int m = 0; m < models; m++) {
            float dp = gta_masked_delta(xs, stride, keep, p, inverseP, scales, m, i, bj);
            float wd = weights[m] * dp;
            float e = gta_vote(consensus, dp, wd);
            if (positive ? e > 0.0f : e < 0.0f) {
                mixed = any ? mixed + wd : wd;
                div = any ? div + weights[m] : weights[m];
                any = 1;
            }
        }
        if (div == 0.0f) {
            div = 1.0f;
        }
    }
    if (normalize) {
        mixed = DIV(mixed, div);
    }
    if (lambda != 1.0f) {
        mixed = mixed * lambda;
    }
    out[i] = bj + mixed;
}

// SCE (SceKernels.java): one mask for all models, d_m = (x_m - b) * keep; elect the sign of d_0 + d_1 + ...;
// over the models with that sign num = Σ d_m * w_m, den = Σ w_m (from the first term); r = b + num / max(den, 1e-6)
KERNEL sce(G const float* b, G const float* xs, int models, i64 stride, G const u8* keep, G const float* w,
           G float* out, i64 n) {
    i64 i = item_index();
    if (i >= n) {
        return;
    }
    float k = keep[i] ? 1.0f : 0.0f;
    float bj = b[i];
    float s = 0.0f;
    for (int m = 0; m < models; m++) {
        float d = (model_at(xs, m, stride, i) - bj) * k;
        s = m == 0 ? d : s + d;
    }
    int positive = s >= 0.0f;
    float num = 0.0f;
    float den = 0.0f;
    int any = 0;
    for (int m = 0; m < models; m++) {
        float d = (model_at(xs, m, stride, i) - bj) * k;
        if (positive ? d > 0.0f : d < 0.0f) {
            num = any ? num + d * w[m] : d * w[m];
            den = any ? den + w[m] : w[m];
            any = 1;
        }
    }
    out[i] = bj + DIV(num, jmaxf(den, 1e-6f));
}

// RAM: model m contributes at element i when |x_m - b| > epsilon.
INLINE int ram_contributes(G const float* xs, int m, i64 stride, i64 i, float bj, float epsilon) {
    return jabsf(model_at(xs, m, stride, i) - bj) > epsilon;
}

// RAM: the number of contributing models at element i.
INLINE int ram_contributors(G const float* xs, int models, i64 stride, i64 i, float bj, float epsilon) {
    int c = 0;
    for (int m = 0; m < models; m++) {
        c += ram_contributes(xs, m, stride, i, bj, epsilon);
    }
    return c;
}

// RAM / RAM+ (RamKernels.java): c = #contributors; over the contributors d = x_m - b,
// term = c == 1 ? (hasLambdas ? d * lambda_m : d) : d / c; merged = sum of terms from the first; r = b + merged
KERNEL ram(G const float* b, G const float* xs, int models, i64 stride, float epsilon, G const float* lambdas,
           int hasLambdas, G float* out, i64 n) {
    i64 i = item_index();
    if (i >= n) {
        return;
    }
    float bj = b[i];
    int c = ram_contributors(xs, models, stride, i, bj, epsilon);
    float merged = 0.0f;
    int any = 0;
    for (int m = 0; m < models; m++) {
        if (ram_contributes(xs, m, stride, i, bj, epsilon)) {
            float d = model_at(xs, m, stride, i) - bj;
            float term = c == 1 ? (hasLambdas ? d * lambdas[m] : d) : DIV(d, (float)c);
            merged = any ? merged + term : term;
            any = 1;
        }
    }
    out[i] = bj + merged;
}

// NearSwap (PairKernels.java): d = |b - x|; w = min(max(t / max(d, 1e-6), 0), 1); r = w * x + (1 - w) * b
// (Java's Math.max/min, NaN-propagating).
KERNEL nearswap(G const float* b, G const float* x, float t, G float* out, i64 n) {
    i64 i = item_index();
    if (i >= n) {
        return;
    }
    float bj = b[i];
    float xj = x[i];
    float d = jabsf(bj - xj);
    float w = jminf(jmaxf(DIV(t, jmaxf(d, 1e-6f)), 0.0f), 1.0f);
    out[i] = w * xj + (1.0f - w) * bj;
}

// Arcee Fusion's final pass: mask = imp >= threshold ? 1 : 0; r = a + (x - a) * mask
KERNEL arcee_blend(G const float* a, G const float* x, G const float* imp, float threshold, G float* out, i64 n) {
    i64 i = item_index();
    if (i >= n) {
        return;
    }
    float aj = a[i];
    float mask = imp[i] >= threshold ? 1.0f : 0.0f;
    out[i] = aj + (x[i] - aj) * mask;
}
