package dev.crucible.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks 6 to 10 of formats.md §4: the tensors tile the data section exactly, in offset order, and each
 * byte range matches its shape and dtype. Header values are unsigned 64-bit, so all arithmetic here is
 * unsigned with explicit overflow checks; only validated values become TensorInfo.
 */
final class DataSectionCheck {
    private static final Comparator<HeaderJson.Entry> DATA_ORDER = Comparator
            .comparing(HeaderJson.Entry::begin, Long::compareUnsigned)
            .thenComparing(HeaderJson.Entry::end, Long::compareUnsigned)
            .thenComparing(HeaderJson.Entry::name, Utf8Order::compare); // empty tensors may share an offset

    private final String file;

    private DataSectionCheck(String file) {
        this.file = file;
    }

    /** The tensors in data order, or the first failed check; {@code dataLength} = file length - 8 - N. */
    static List<TensorInfo> validate(String file, List<HeaderJson.Entry> entries, long dataLength) {
        List<HeaderJson.Entry> ordered = entries.stream().sorted(DATA_ORDER).toList();
        var check = new DataSectionCheck(file);
        check.contiguous(ordered);
        long[] bits = ordered.stream().mapToLong(check::bitCount).toArray();
        for (int i = 0; i < ordered.size(); i++) {
            check.wholeBytes(ordered.get(i), bits[i]);
        }
        for (int i = 0; i < ordered.size(); i++) {
            check.sizeMatches(ordered.get(i), bits[i]);
        }
        check.coversData(ordered, dataLength);
        List<TensorInfo> tensors = new ArrayList<>(ordered.size());
        for (HeaderJson.Entry e : ordered) {
            tensors.add(new TensorInfo(e.name(), e.dtype(), e.shape(), e.begin(), e.end()));
        }
        return tensors;
    }

    /** Check 6: from 0, each tensor begins where the previous one ends. */
    private void contiguous(List<HeaderJson.Entry> ordered) {
        long expectedBegin = 0;
        for (HeaderJson.Entry e : ordered) {
            if (e.begin() != expectedBegin || Long.compareUnsigned(e.end(), e.begin()) < 0) {
                throw HeaderFault.INVALID_OFFSET.in(file, e.name(), "data_offsets " + offsets(e)
                        + (e.begin() != expectedBegin
                                ? " should begin at " + Long.toUnsignedString(expectedBegin) + " (a gap or an overlap)"
                                : " end before they begin"));
            }
            expectedBegin = e.end();
        }
    }

    /** Check 7: numel x bits in 64 bits; every dimension must also fit Java's signed long. */
    private long bitCount(HeaderJson.Entry e) {
        long numel = 1;
        boolean overflow = false;
        for (long d : e.shape()) {
            overflow |= d < 0 || Math.unsignedMultiplyHigh(numel, d) != 0;
            numel *= d;
        }
        overflow |= Math.unsignedMultiplyHigh(numel, e.dtype().bits()) != 0;
        if (overflow) {
            throw HeaderFault.VALIDATION_OVERFLOW.in(file, e.name(),
                    "shape " + Shapes.format(e.shape()) + " of " + e.dtype() + " overflows 64-bit arithmetic");
        }
        return numel * e.dtype().bits();
    }

    /** Check 8: sub-byte dtypes must fill whole bytes. */
    private void wholeBytes(HeaderJson.Entry e, long bits) {
        if ((bits & 7) != 0) {
            throw HeaderFault.MISALIGNED_SLICE.in(file, e.name(),
                    "shape " + Shapes.format(e.shape()) + " of " + e.dtype() + " is not a whole number of bytes");
        }
    }

    /** Check 9: the byte range is exactly the size the shape and dtype need. */
    private void sizeMatches(HeaderJson.Entry e, long bits) {
        long needed = bits >>> 3;
        long actual = e.end() - e.begin();
        if (actual != needed) {
            throw HeaderFault.TENSOR_INVALID_INFO.in(file, e.name(), "data_offsets " + offsets(e) + " span "
                    + Long.toUnsignedString(actual) + " bytes but shape " + Shapes.format(e.shape()) + " of "
                    + e.dtype() + " needs " + Long.toUnsignedString(needed));
        }
    }

    /** Check 10: the last tensor ends exactly at the end of the file. */
    private void coversData(List<HeaderJson.Entry> ordered, long dataLength) {
        long end = ordered.isEmpty() ? 0 : ordered.getLast().end();
        if (Long.compareUnsigned(end, dataLength) > 0) {
            throw HeaderFault.METADATA_INCOMPLETE_BUFFER.in(file, ordered.getLast().name(), "data_offsets "
                    + offsets(ordered.getLast()) + " end beyond the " + dataLength + " data bytes the file holds"
                    + " (truncated file)");
        }
        if (end != dataLength) {
            throw HeaderFault.METADATA_INCOMPLETE_BUFFER.in(file,
                    "the file holds " + (dataLength - end) + " bytes after the last tensor");
        }
    }

    private static String offsets(HeaderJson.Entry e) {
        return "[" + Long.toUnsignedString(e.begin()) + ", " + Long.toUnsignedString(e.end()) + "]";
    }
}
