// Numbers: binary32 bit access, Java's Math.abs/max/min on float, the exact widenings from bfloat16 and binary16,
// the round-to-nearest-even narrowings of numerics-and-gpu.md §2.2 and §2.3 (bit formulas, never __half or
// vstore_half), and the keys of §5.1.
// Edge cases: NaN narrows to the canonical NaN of each format (F32 0x7FC00000, BF16 0x7FC0, F16 0x7E00) because no
// two implementations agree on NaN payloads (§2.5); subnormals are kept both ways; overflow rounds to infinity.
// Widening keeps NaN payloads (as Java's Float.float16ToFloat does); the narrowing canonicalises them.
// All integer arithmetic here is unsigned 32-bit, mod 2^32.

#define F32_NAN 0x7FC00000u
#define BF16_NAN 0x7FC0u
#define F16_NAN 0x7E00u

INLINE int f32_is_nan(float x) {
    return (AS_UINT(x) & 0x7FFFFFFFu) > 0x7F800000u;
}

// Java's Math.abs(float): the sign bit cleared (NaN payloads included).
INLINE float jabsf(float x) {
    return AS_FLOAT(AS_UINT(x) & 0x7FFFFFFFu);
}

// Java's Math.max(float, float): NaN if either is NaN (a's if a is), +0 above -0. Not fmaxf, which drops NaNs.
INLINE float jmaxf(float a, float b) {
    if (a != a) {
        return a;
    }
    if (a == 0.0f && b == 0.0f && AS_UINT(a) == 0x80000000u) {
        return b;
    }
    return a >= b ? a : b;
}

// Java's Math.min(float, float): NaN if either is NaN (a's if a is), -0 below +0. Not fminf, which drops NaNs.
INLINE float jminf(float a, float b) {
    if (a != a) {
        return a;
    }
    if (a == 0.0f && b == 0.0f && AS_UINT(b) == 0x80000000u) {
        return b;
    }
    return a <= b ? a : b;
}

// Exact: bfloat16 is the top half of a binary32.
INLINE float bf16_to_f32(u16 h) {
    return AS_FLOAT((u32)h << 16);
}

// Exact binary16 -> binary32: rebias normals (+112), normalise subnormals, keep Inf/NaN payloads (mantissa << 13).
INLINE float f16_to_f32(u16 h) {
    u32 sign = ((u32)h & 0x8000u) << 16;
    u32 exponent = ((u32)h >> 10) & 0x1Fu;
    u32 mantissa = (u32)h & 0x3FFu;
    if (exponent == 0x1Fu) {
        return AS_FLOAT(sign | 0x7F800000u | (mantissa << 13));
    }
    if (exponent != 0) {
        return AS_FLOAT(sign | ((exponent + 112u) << 23) | (mantissa << 13));
    }
    if (mantissa == 0) {
        return AS_FLOAT(sign);
    }
    // subnormal m·2^-24: shift the leading one up to bit 10, lowering the exponent of 2^-14 (biased 113) each step
    exponent = 113u;
    while ((mantissa & 0x400u) == 0) {
        mantissa <<= 1;
        exponent--;
    }
    return AS_FLOAT(sign | (exponent << 23) | ((mantissa & 0x3FFu) << 13));
}

// binary32 -> bfloat16, round to nearest even (§2.2): adding 0x7FFF plus the lowest kept bit rounds half to even;
// no wrap-around, since the largest non-NaN pattern (0xFF800000) stays below 2^32 after the addition.
INLINE u16 f32_to_bf16(float f) {
    u32 u = AS_UINT(f);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) {
        return (u16)BF16_NAN;
    }
    return (u16)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

// binary32 -> binary16, round to nearest even with subnormals (§2.3), step by step.
INLINE u16 f32_to_f16(float f) {
    u32 u = AS_UINT(f);
    u32 sign = (u >> 16) & 0x8000u;
    u32 a = u & 0x7FFFFFFFu;
    if (a > 0x7F800000u) {
        return (u16)F16_NAN;
    }
    if (a >= 0x477FF000u) { // |f| >= 65520 rounds to infinity
        return (u16)(sign | 0x7C00u);
    }
    if (a >= 0x38800000u) { // normal half: rebias the exponent (127 -> 15), round the 13 dropped bits
        u32 m = a - 0x38000000u;
        m = m + 0x0FFFu + ((m >> 13) & 1u);
        return (u16)(sign | (m >> 13));
    }
    u32 exponent = a >> 23;
    if (exponent == 0) { // binary32 subnormals are far below half precision
        return (u16)sign;
    }
    u32 shift = 126u - exponent; // right shift that leaves units of 2^-24; 14..125 here
    if (shift > 24) {
        return (u16)sign;
    }
    u32 significand = (a & 0x7FFFFFu) | 0x800000u;
    u32 q = significand >> shift;
    u32 rem = significand & ((1u << shift) - 1u);
    u32 halfway = 1u << (shift - 1u);
    if (rem > halfway || (rem == halfway && (q & 1u) == 1u)) {
        q++; // may carry into 0x0400, the smallest normal, which is the correct result
    }
    return (u16)(sign | q);
}

// The bits Crucible stores for a binary32 result: the value, any NaN as the canonical NaN.
INLINE u32 f32_canonical_bits(float f) {
    return f32_is_nan(f) ? F32_NAN : AS_UINT(f);
}

// Magnitude key (§5.1): unsigned order of the key is the order of |v|; a NaN is canonical first, so its key is
// 0x7FC00000 whatever payload the arithmetic that produced it left.
INLINE u32 magnitude_key(float v) {
    return f32_canonical_bits(v) & 0x7FFFFFFFu;
}

// Signed key (§5.1): flip every bit of a negative value, only the sign bit of a non-negative one, so the unsigned
// order of keys is the numeric order of values; a NaN is canonical first (key 0xFFC00000, above +Inf's).
INLINE u32 signed_key(float v) {
    u32 u = f32_canonical_bits(v);
    return (u & 0x80000000u) != 0 ? ~u : u ^ 0x80000000u;
}
