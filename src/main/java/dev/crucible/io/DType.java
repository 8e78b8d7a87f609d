package dev.crucible.io;

import java.util.Locale;
import java.util.Optional;

/**
 * The safetensors element types, declared in the reference implementation's rank order
 * (increasing alignment), which the writer uses to order tensors (formats.md §3, §5).
 */
public enum DType {
    BOOL(8, Use.COPY), F4(4, Use.REJECT), F6_E2M3(6, Use.REJECT), F6_E3M2(6, Use.REJECT),
    U8(8, Use.COPY), I8(8, Use.COPY),
    F8_E5M2(8, Use.REJECT), F8_E4M3(8, Use.REJECT), F8_E8M0(8, Use.REJECT),
    F8_E4M3FNUZ(8, Use.REJECT), F8_E5M2FNUZ(8, Use.REJECT),
    I16(16, Use.COPY), U16(16, Use.COPY), F16(16, Use.MERGE), BF16(16, Use.MERGE),
    I32(32, Use.COPY), U32(32, Use.COPY), F32(32, Use.MERGE),
    C64(64, Use.REJECT), F64(64, Use.MERGE), I64(64, Use.COPY), U64(64, Use.COPY);

    /** What Crucible does with tensors of a dtype. */
    public enum Use {
        /** floating point: widened to binary32 and merged */
        MERGE,
        /** integer or boolean: copied verbatim, never merged */
        COPY,
        /** quantized or complex: refused with an error */
        REJECT
    }

    private final int bits;
    private final Use use;

    DType(int bits, Use use) {
        this.bits = bits;
        this.use = use;
    }

    /** Position in the safetensors enum; the writer orders tensors by descending rank. */
    public int rank() {
        return ordinal();
    }

    public int bits() {
        return bits;
    }

    public Use use() {
        return use;
    }

    public boolean mergeable() {
        return use == Use.MERGE;
    }

    /** Bytes occupied by {@code numel} elements; callers check {@code numel * bits % 8 == 0} first. */
    public long byteSize(long numel) {
        return Math.multiplyExact(numel, (long) bits) / 8;
    }

    /** The name used in safetensors headers, e.g. {@code BF16}. */
    public String safetensorsName() {
        return name();
    }

    /** Parses a safetensors header dtype string; empty when unknown. */
    public static Optional<DType> fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * Parses a mergekit config dtype ({@code bfloat16}, {@code float16}, {@code float32}, {@code int64},
     * optionally prefixed {@code torch.}); empty when the name is not one of those.
     */
    public static Optional<DType> fromConfigName(String name) {
        String n = name.startsWith("torch.") ? name.substring("torch.".length()) : name;
        return switch (n) {
            case "bfloat16" -> Optional.of(BF16);
            case "float16" -> Optional.of(F16);
            case "float32" -> Optional.of(F32);
            case "int64" -> Optional.of(I64);
            default -> Optional.empty();
        };
    }

    /** The torch dtype name written to config.json's {@code torch_dtype}. */
    public String torchName() {
        return switch (this) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            case F32 -> "float32";
            case F64 -> "float64";
            case I64 -> "int64";
            case I32 -> "int32";
            case I16 -> "int16";
            case I8 -> "int8";
            case U8 -> "uint8";
            case BOOL -> "bool";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }
}
