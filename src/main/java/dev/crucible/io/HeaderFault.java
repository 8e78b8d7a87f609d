package dev.crucible.io;

import dev.crucible.UserText;

/**
 * The reader's validation failures (formats.md §4), named as in the reference implementation so a
 * message can be matched to the spec and to errors users see from other tools.
 */
enum HeaderFault {
    HEADER_TOO_SMALL("HeaderTooSmall"),
    HEADER_TOO_LARGE("HeaderTooLarge"),
    INVALID_HEADER_LENGTH("InvalidHeaderLength"),
    INVALID_HEADER("InvalidHeader"),
    INVALID_HEADER_DESERIALIZATION("InvalidHeaderDeserialization"),
    INVALID_OFFSET("InvalidOffset"),
    VALIDATION_OVERFLOW("ValidationOverflow"),
    MISALIGNED_SLICE("MisalignedSlice"),
    TENSOR_INVALID_INFO("TensorInvalidInfo"),
    METADATA_INCOMPLETE_BUFFER("MetadataIncompleteBuffer");

    private final String referenceName;

    HeaderFault(String referenceName) {
        this.referenceName = referenceName;
    }

    /** {@code <file>: <detail> (<ReferenceName>)} */
    FormatException in(String file, String detail) {
        return new FormatException(file + ": " + detail + " (" + referenceName + ")");
    }

    /** {@code <file>: tensor "<name>": <detail> (<ReferenceName>)} */
    FormatException in(String file, String tensor, String detail) {
        return in(file, "tensor " + UserText.quote(tensor) + ": " + detail);
    }
}
