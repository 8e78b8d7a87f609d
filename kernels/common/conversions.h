// Conversion kernels between the stored dtypes and the binary32 working vectors (numerics-and-gpu.md §2), elementwise:
// item i handles element i < n. Widening is exact (F64 rounds to nearest even); narrowing rounds to nearest even
// with subnormals; NaN leaves as the canonical NaN of the target (F64 -> F32 too), enters BF16/F16 -> F32 with
// its payload (bfloat16 and binary16 payloads are exact in binary32).

// dst = bits(src << 16)
KERNEL widen_bf16(G const u16* src, G float* dst, i64 n) {
    i64 i = item_index();
    if (i < n) {
        dst[i] = bf16_to_f32(src[i]);
    }
}

// dst = exact binary16 value: ±0, subnormals normalised, Inf/NaN with payload << 13
KERNEL widen_f16(G const u16* src, G float* dst, i64 n) {
    i64 i = item_index();
    if (i < n) {
        dst[i] = f16_to_f32(src[i]);
    }
}

// dst = src, bit for bit
KERNEL widen_f32(G const u32* src, G float* dst, i64 n) {
    i64 i = item_index();
    if (i < n) {
        dst[i] = AS_FLOAT(src[i]);
    }
}

// dst = (float) src, round to nearest even, subnormal results kept; any NaN -> 0x7FC00000
KERNEL widen_f64(G const double* src, G float* dst, i64 n) {
    i64 i = item_index();
    if (i < n) {
        double v = src[i];
        dst[i] = v != v ? AS_FLOAT(F32_NAN) : (float)v;
    }
}

// dst = RNE bfloat16 of src (§2.2); NaN -> 0x7FC0
KERNEL narrow_bf16(G const float* src, G u16* dst, i64 n) {
    i64 i = item_index();
    if (i < n) {
        dst[i] = f32_to_bf16(src[i]);
    }
}

// dst = RNE binary16 of src with subnormals (§2.3); NaN -> 0x7E00
KERNEL narrow_f16(G const float* src, G u16* dst, i64 n) {
    i64 i = item_index();
    if (i < n) {
        dst[i] = f32_to_f16(src[i]);
    }
}

// dst = bits(src); NaN -> 0x7FC00000
KERNEL narrow_f32(G const float* src, G u32* dst, i64 n) {
    i64 i = item_index();
    if (i < n) {
        dst[i] = f32_canonical_bits(src[i]);
    }
}
