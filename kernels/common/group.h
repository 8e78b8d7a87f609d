// Work layout and group-cooperative building blocks.
// Every launch is a 1-D grid of groups of exactly LANES = 256 items; item i = group * 256 + local (64-bit, so grids
// may cover more than 2^31 elements). Group-cooperative kernels give one chunk, fibre or row to each group.
// Model vectors lie `stride` elements apart in one buffer; fibres follow FibreLayout: element i of fibre
// f = a * inner + c is tensor element (a * length + i) * inner + c.
// The reductions follow numerics-and-gpu.md §6: lane l accumulates its own terms, then the fixed pairwise tree
// acc[l] = acc[l] + acc[l + s] for s = 128, 64, ..., 1, so a sum never depends on scheduling.
// Every item of a group must call the tree and scan helpers below, the same number of times: they contain
// barriers. Group-cooperative kernels never return before a barrier, not even a whole group at once (which the
// languages allow, but PoCL 3.1 miscompiles: its work-group loops crashed on such a return): the host launches
// exactly one group per chunk, fibre or row.

#define LANES 256    // items per group, and lanes of a reduction
#define CHUNK 65536  // elements per chunk: reduction partials, tie counts

// Index of this item in the whole grid.
INLINE i64 item_index(void) {
    return GROUP_ID() * LANES + LOCAL_ID();
}

// Model m's element i.
INLINE float model_at(G const float* xs, int m, i64 stride, i64 i) {
    return xs[(i64)m * stride + i];
}

// Index of the fibre that tensor element j belongs to, for fibres of `length` elements `inner` apart (FibreLayout).
INLINE i64 fibre_of(i64 j, i64 length, i64 inner) {
    return j / (length * inner) * inner + j % inner;
}

// Tensor index of element i of fibre f (FibreLayout.index).
INLINE i64 fibre_element(i64 f, i64 i, i64 length, i64 inner) {
    return (f / inner * length + i) * inner + f % inner;
}

INLINE i64 min_i64(i64 a, i64 b) {
    return a < b ? a : b;
}

// Maximum that propagates NaN, as Java's Math.max(double) does; the sign of a zero maximum is not kept (its only use,
// exp(v - max), gives the same for either zero).
INLINE double max_nan(double a, double b) {
    if (a != a) {
        return a;
    }
    return a >= b ? a : b;
}

// Sum of acc[0..256) by the fixed tree; acc[l] holds item l's accumulator on entry and is clobbered. Every item gets
// the total, and acc may be reused as soon as this returns.
INLINE double tree_sum_f64(L double* acc, int l) {
    for (int s = LANES / 2; s >= 1; s >>= 1) {
        BARRIER();
        if (l < s) {
            acc[l] = acc[l] + acc[l + s];
        }
    }
    BARRIER();
    double total = acc[0];
    BARRIER();
    return total;
}

// tree_sum_f64's tree with max_nan.
INLINE double tree_max_f64(L double* acc, int l) {
    for (int s = LANES / 2; s >= 1; s >>= 1) {
        BARRIER();
        if (l < s) {
            acc[l] = max_nan(acc[l], acc[l + s]);
        }
    }
    BARRIER();
    double total = acc[0];
    BARRIER();
    return total;
}

// Integer sum of acc[0..256) (any order gives the same total; the tree is the same for symmetry).
INLINE u32 tree_sum_u32(L u32* acc, int l) {
    for (int s = LANES / 2; s >= 1; s >>= 1) {
        BARRIER();
        if (l < s) {
            acc[l] = acc[l] + acc[l + s];
        }
    }
    BARRIER();
    u32 total = acc[0];
    BARRIER();
    return total;
}

// Exclusive prefix sum of acc[0..256) in lane order, returned to each item for its own lane; the total lands in
// acc[256] (acc has 257 entries), readable until the group's next barrier-separated write to acc. Item 0 scans
// serially (256 additions, negligible next to the elements each group walks).
INLINE u32 exclusive_scan_u32(L u32* acc, int l) {
    BARRIER();
    if (l == 0) {
        u32 running = 0;
        for (int q = 0; q < LANES; q++) {
            u32 v = acc[q];
            acc[q] = running;
            running += v;
        }
        acc[LANES] = running;
    }
    BARRIER();
    u32 before = acc[l];
    BARRIER();
    return before;
}
