// Selection: per-element keys, the counting steps of the radix select and of the tie pass, and the masks
// (numerics-and-gpu.md §4, §5; the Java reference is backend/cpu/SelectionKernels.java and MaskCursor.java).
// Keys are unsigned 32-bit and compared unsigned. Top-k keeps key > T, and of the keys equal to T the first `ties`
// in index order (the total order of merge-methods.md §2.13): each CHUNK-element chunk learns from the host how many
// ties precede it (tiesBefore) and ranks its own ties in index order with a fixed scan.
// Bernoulli masks are pure functions of (key, element index) through Philox; DELLA's keep probabilities come from
// each element's rank in its fibre (§5.4), computed by a bitonic sort of (key, ~index) entries.
// Counts use integer atomics only in histogram (any order gives the same counts).

// ---- Keys (elementwise) ----

// keys = magnitude key of v = x - b: bits(v) & 0x7FFFFFFF, a NaN v giving 0x7FC00000
KERNEL keys_magnitude(G const float* x, G const float* b, G u32* keys, i64 n) {
    i64 i = item_index();
    if (i < n) {
        keys[i] = magnitude_key(x[i] - b[i]);
    }
}

// keys = magnitude key of the population variance over models of d_m = x_m - b (SCE), binary32, sums from the
// first term: sum = d_0 + d_1 + ...; mean = sum / models; sq = (d_0 - mean)^2 + (d_1 - mean)^2 + ...;
// var = sq / models
KERNEL keys_variance(G const float* xs, int models, i64 stride, G const float* b, G u32* keys, i64 n) {
    i64 i = item_index();
    if (i >= n) {
        return;
    }
    float bj = b[i];
    float sum = 0.0f;
    for (int m = 0; m < models; m++) {
        float d = model_at(xs, m, stride, i) - bj;
        sum = m == 0 ? d : sum + d;
    }
    float mean = DIV(sum, (float)models);
    float squares = 0.0f;
    for (int m = 0; m < models; m++) {
        float t = (model_at(xs, m, stride, i) - bj) - mean;
        squares = m == 0 ? t * t : squares + t * t;
    }
    keys[i] = magnitude_key(DIV(squares, (float)models));
}

// keys = signed key of v: negative -> ~bits, else bits ^ 0x80000000; NaN -> 0xFFC00000
KERNEL keys_signed(G const float* v, G u32* keys, i64 n) {
    i64 i = item_index();
    if (i < n) {
        keys[i] = signed_key(v[i]);
    }
}

// ---- Radix select and tie pass ----

// One radix-select pass, one group per chunk g = [g * CHUNK, min(n, (g + 1) * CHUNK)): keys whose bits above
// top = shift + bits equal prefix are counted by their digit, bits [shift, top). top == 32 (first pass, no higher
// bits) is tested first: shifting a u32 by 32 is undefined. bits < 32.
// Digits of up to HISTOGRAM_LOCAL_BITS are counted in local memory and each group adds its non-zero bins to the
// global counts: one global atomic per bin and chunk instead of one per key, which on a GPU is the difference
// between contention on the few bins where real task vectors cluster and none. Wider digits count in global memory.
#define HISTOGRAM_LOCAL_BITS 12

INLINE int histogram_counts(u32 key, int shift, int bits, int prefix) {
    int top = shift + bits;
    return top == 32 || (key >> top) == (u32)prefix;
}

KERNEL histogram(G const u32* keys, i64 n, int shift, int bits, int prefix, G u32* counts) {
    LOCAL u32 bins[1 << HISTOGRAM_LOCAL_BITS];
    i64 g = GROUP_ID();
    int l = LOCAL_ID();
    i64 start = g * CHUNK;
    i64 end = min_i64(n, start + CHUNK);
    u32 digit = (1u << bits) - 1u;
    int inLocal = bits <= HISTOGRAM_LOCAL_BITS; // the same for every item, so every item meets the barriers
    int size = inLocal ? 1 << bits : 0;
    for (int q = l; q < size; q += LANES) {
        bins[q] = 0;
    }
    BARRIER();
    for (i64 j = start + l; j < end; j += LANES) {
        u32 key = keys[j];
        if (histogram_counts(key, shift, bits, prefix)) {
            if (inLocal) {
                ATOMIC_INC(&bins[(key >> shift) & digit]);
            } else {
                ATOMIC_INC(&counts[(key >> shift) & digit]);
            }
        }
    }
    BARRIER();
    for (int q = l; q < size; q += LANES) {
        if (bins[q] != 0) {
            ATOMIC_ADD(&counts[q], bins[q]);
        }
    }
}

// counts[g] = #{keys == key} in chunk g = [g * CHUNK, min(n, (g + 1) * CHUNK)), one group per chunk.
KERNEL tie_counts(G const u32* keys, i64 n, int key, G u32* counts) {
    LOCAL u32 acc[LANES];
    i64 g = GROUP_ID();
    int l = LOCAL_ID();
    i64 start = g * CHUNK;
    i64 end = min_i64(n, start + CHUNK);
    u32 ties = 0;
    for (i64 j = start + l; j < end; j += LANES) {
        ties += keys[j] == (u32)key;
    }
    acc[l] = ties;
    u32 total = tree_sum_u32(acc, l);
    if (l == 0) {
        counts[g] = total;
    }
}

// Top-k mask, one group per chunk g: keep = k > key (unsigned), or k == key and fewer than `ties` equal keys
// precede it in the tensor. The group walks the chunk in tiles of MASK_TILE elements, read into local memory with
// consecutive items on consecutive elements (coalesced); item l then owns the run [l * MASK_RUN, +MASK_RUN) of the
// tile, counts its ties, and an exclusive scan over the items in lane order, added to the ties of the tensor before
// the tile (tiesBefore[g] and the chunk's earlier tiles), ranks the first tie of its run; the item decides its run in
// index order. Tile slot t is stored at t + t / 32, so that items reading their runs side by side hit different
// local-memory banks.
#define MASK_TILE 4096
#define MASK_RUN (MASK_TILE / LANES)

INLINE int mask_slot(int t) {
    return t + (t >> 5);
}

KERNEL mask_top(G const u32* keys, i64 n, int key, i64 ties, G const i64* tiesBefore, G u8* keep) {
    LOCAL u32 tile[MASK_TILE + MASK_TILE / 32];
    LOCAL u32 runTies[LANES + 1];
    i64 g = GROUP_ID();
    int l = LOCAL_ID();
    i64 start = g * CHUNK;
    i64 end = min_i64(n, start + CHUNK);
    u32 k = (u32)key;
    i64 seen = tiesBefore[g];
    for (i64 base = start; base < end; base += MASK_TILE) {
        int size = (int)min_i64(MASK_TILE, end - base);
        for (int t = l; t < size; t += LANES) {
            tile[mask_slot(t)] = keys[base + t];
        }
        BARRIER();
        int from = l * MASK_RUN;
        int to = from + MASK_RUN < size ? from + MASK_RUN : size;
        u32 mine = 0;
        for (int t = from; t < to; t++) {
            mine += tile[mask_slot(t)] == k;
        }
        runTies[l] = mine;
        i64 rank = seen + exclusive_scan_u32(runTies, l);
        for (int t = from; t < to; t++) {
            u32 kt = tile[mask_slot(t)];
            if (kt == k) {
                keep[base + t] = rank < ties;
                rank++;
            } else {
                keep[base + t] = kt > k;
            }
        }
        seen += runTies[LANES];
        BARRIER(); // every item has read the tile and the total before the next tile replaces them
    }
}

// ---- Masks (elementwise) ----

// Bernoulli (DARE): keep = draw(first + i) < threshold, threshold = floor(p * 2^32) in [0, 2^32] from the host
KERNEL mask_bernoulli(i64 first, int keyLo, int keyHi, i64 threshold, G u8* keep, i64 n) {
    i64 i = item_index();
    if (i < n) {
        keep[i] = philox_draw(first + i, (u32)keyLo, (u32)keyHi) < threshold;
    }
}

// DELLA: keep = draw(first + i) < floor(p_i * 2^32) (p <= 0 or NaN keeps nothing, p >= 1 everything)
KERNEL mask_della(G const double* p, i64 first, int keyLo, int keyHi, G u8* keep, i64 n) {
    i64 i = item_index();
    if (i < n) {
        keep[i] = philox_draw(first + i, (u32)keyLo, (u32)keyHi) < bernoulli_threshold(p[i]);
    }
}

// keep = keep && !excluded (a band of two top-k masks)
KERNEL mask_and_not(G u8* keep, G const u8* excluded, i64 n) {
    i64 i = item_index();
    if (i < n) {
        keep[i] = keep[i] != 0 && excluded[i] == 0;
    }
}

// dst = (u8) value
KERNEL fill_u8(G u8* dst, int value, i64 n) {
    i64 i = item_index();
    if (i < n) {
        dst[i] = (u8)value;
    }
}

// dst = value
KERNEL fill_f64(G double* dst, double value, i64 n) {
    i64 i = item_index();
    if (i < n) {
        dst[i] = value;
    }
}

// ---- DELLA keep probabilities: ranks within fibres by a bitonic sort ----
//
// Entry of fibre element i: key << 32 | ~i. Ascending entries are ascending keys, equal keys in descending index, so
// the sort position of an element is its rank - 1 (rank 1 = smallest; among equal keys the higher index ranks
// lower, §5.4). Padding entries (all ones) sort after every real entry: a real entry equals them only for key
// 0xFFFFFFFF at index 0, which sorts last anyway.
//
// Bitonic network over `padded` (a power of two) entries: stages k = 2, 4, ..., padded; within a stage the steps
// dist = k/2, ..., 1 compare-exchange the pairs (lo, lo + dist), ascending when (lo & k) == 0. Steps with
// dist < SORT_TILE stay inside aligned tiles of SORT_TILE entries, so they run in local memory, a tile at a time;
// only the larger steps of stages above SORT_TILE go through the global scratch. Barriers (with a global fence)
// separate the steps. Correct for every power of two from 1 up (a fibre of one entry needs no step).

#define SORT_TILE 4096 // entries of 8 bytes: 32 KiB of local memory

// Low index of pair t in a step at distance dist: t's bits below dist stay, the others move up one place.
INLINE i64 bitonic_low(i64 t, i64 dist) {
    return ((t & ~(dist - 1)) << 1) | (t & (dist - 1));
}

// Whether the pair (x, y) must be exchanged to be in ascending (or descending) order.
INLINE int bitonic_exchange(u64 x, u64 y, int ascending) {
    return ascending ? x > y : x < y;
}

// One step (stage k, distance dist) over the `count` entries of s in global memory.
INLINE void bitonic_step_global(G u64* s, i64 count, i64 k, i64 dist, int l) {
    for (i64 t = l; t < count / 2; t += LANES) {
        i64 lo = bitonic_low(t, dist);
        u64 x = s[lo];
        u64 y = s[lo + dist];
        if (bitonic_exchange(x, y, (lo & k) == 0)) {
            s[lo] = y;
            s[lo + dist] = x;
        }
    }
    BARRIER();
}

// Steps dist = from, from/2, ..., 1 of stage k on the `size` entries of the tile that starts at entry base of the
// fibre, held in local memory (the direction depends on the entry's index in the whole fibre).
INLINE void bitonic_steps_local(L u64* tile, i64 size, i64 base, i64 k, i64 from, int l) {
    for (i64 dist = from; dist >= 1; dist >>= 1) {
        for (i64 t = l; t < size / 2; t += LANES) {
            i64 lo = bitonic_low(t, dist);
            u64 x = tile[lo];
            u64 y = tile[lo + dist];
            if (bitonic_exchange(x, y, ((base + lo) & k) == 0)) {
                tile[lo] = y;
                tile[lo + dist] = x;
            }
        }
        BARRIER();
    }
}

INLINE void tile_load(L u64* tile, G const u64* s, i64 base, i64 size, int l) {
    for (i64 t = l; t < size; t += LANES) {
        tile[t] = s[base + t];
    }
    BARRIER();
}

INLINE void tile_store(G u64* s, L const u64* tile, i64 base, i64 size, int l) {
    for (i64 t = l; t < size; t += LANES) {
        s[base + t] = tile[t];
    }
    BARRIER();
}

// Sort entry of fibre element i, or padding past the fibre's end.
INLINE u64 della_entry(G const u32* keys, i64 f, i64 i, i64 length, i64 inner) {
    if (i >= length) {
        return ~(u64)0;
    }
    return ((u64)keys[fibre_element(f, i, length, inner)] << 32) | (u64)(~(u32)i);
}

// DELLA keep probabilities, one group per fibre f (MaskCursor.dellaProbabilities): sort the fibre's entries
// ascending in scratch[f * padded, +padded) (padded = smallest power of two >= length, from the host); the element
// at sorted position pos gets rn = pos / (length - 1) (0.5 for a fibre of one) and
// p = (density - epsilon) + rn * (2 * epsilon), binary64.
KERNEL della_probabilities(G const u32* keys, i64 length, i64 inner, double density, double epsilon,
                           G u64* scratch, i64 padded, G double* p, i64 fibres) {
    LOCAL u64 tile[SORT_TILE];
    i64 f = GROUP_ID();
    int l = LOCAL_ID();
    G u64* s = scratch + f * padded;
    i64 size = min_i64(padded, SORT_TILE);
    // stages k <= size: each tile sorted on its own, entries built straight into local memory
    for (i64 base = 0; base < padded; base += size) {
        for (i64 t = l; t < size; t += LANES) {
            tile[t] = della_entry(keys, f, base + t, length, inner);
        }
        BARRIER();
        for (i64 k = 2; k <= size; k <<= 1) {
            bitonic_steps_local(tile, size, base, k, k >> 1, l);
        }
        tile_store(s, tile, base, size, l);
    }
    // larger stages: the long-distance steps in global memory, then the rest tile by tile
    for (i64 k = size << 1; k <= padded; k <<= 1) {
        for (i64 dist = k >> 1; dist >= size; dist >>= 1) {
            bitonic_step_global(s, padded, k, dist, l);
        }
        for (i64 base = 0; base < padded; base += size) {
            tile_load(tile, s, base, size, l);
            bitonic_steps_local(tile, size, base, k, size >> 1, l);
            tile_store(s, tile, base, size, l);
        }
    }
    for (i64 pos = l; pos < length; pos += LANES) {
        i64 i = (i64)(~(u32)s[pos]);
        double rn = length == 1 ? 0.5 : (double)pos / (double)(length - 1);
        p[fibre_element(f, i, length, inner)] = (density - epsilon) + rn * (2.0 * epsilon);
    }
}
