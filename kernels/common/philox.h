// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel Random Numbers: As Easy as 1, 2, 3", SC11) and Crucible's
// Bernoulli draw on top of it (numerics-and-gpu.md §4).
// Ten rounds of: (hi0, lo0) = M0 * c0; (hi1, lo1) = M1 * c2 (full 32x32 -> 64 products: MULHI and a plain u32
// multiply); (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0); k0 += W0, k1 += W1 between rounds.
// Crucible's draw for element j under key (k0, k1) is x0 of the block at counter (lo32(j), hi32(j), 0, 0).
// Keep <=> draw < T with T = floor(p * 2^32) in [0, 2^32], compared as 64-bit integers: T = 2^32 keeps everything.
// The draw is never converted to floating point. Known answer: counter 0, key 0 -> x0 = 0x6627E8D5.

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
#define PHILOX_ROUNDS 10
#define TWO_POW_32 4294967296.0

// Word x0 of Philox4x32-10 at counter (c0, c1, 0, 0), key (k0, k1).
INLINE u32 philox_x0(u32 c0, u32 c1, u32 k0, u32 k1) {
    u32 c2 = 0;
    u32 c3 = 0;
    for (int r = 0; r < PHILOX_ROUNDS; r++) {
        u32 hi0 = MULHI(PHILOX_M0, c0);
        u32 lo0 = PHILOX_M0 * c0;
        u32 hi1 = MULHI(PHILOX_M1, c2);
        u32 lo1 = PHILOX_M1 * c2;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        // the bump after the last round is never used
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    return c0;
}

// Crucible's draw for (unsigned) element index j, in [0, 2^32).
INLINE i64 philox_draw(i64 j, u32 keyLo, u32 keyHi) {
    return (i64)philox_x0((u32)j, (u32)((u64)j >> 32), keyLo, keyHi);
}

// T = floor(p * 2^32) in binary64: p <= 0 (or NaN) keeps nothing, p >= 1 everything; in between the product is exact
// (a power-of-two scaling) and below 2^32, and the conversion truncates, which is floor for a positive value.
INLINE i64 bernoulli_threshold(double p) {
    if (p <= 0.0 || p != p) {
        return 0;
    }
    if (p >= 1.0) {
        return (i64)1 << 32;
    }
    return (i64)(p * TWO_POW_32);
}
