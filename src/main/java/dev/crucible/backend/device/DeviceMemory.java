package dev.crucible.backend.device;

import dev.crucible.CrucibleException;
import dev.crucible.exec.Sizes;

/**
 * The device memory one {@link DeviceBackend} may hold ({@code --max-device-memory}): its scratch buffers and the
 * inputs it keeps resident draw from this budget, and it records the peak they reached. A reservation the budget
 * cannot hold is refused; the caller frees what it can spare or gives up with a clear error.
 */
final class DeviceMemory {
    private final long budget;
    private long held;
    private long peak;

    DeviceMemory(long budget) {
        this.budget = budget;
    }

    long budget() {
        return budget;
    }

    /** Reserves {@code bytes} if the budget holds them; false (and nothing reserved) otherwise. */
    boolean tryReserve(long bytes) {
        if (held + bytes > budget) {
            return false;
        }
        held += bytes;
        peak = Math.max(peak, held);
        return true;
    }

    /** Reserves {@code bytes} that a call cannot do without. */
    void reserve(long bytes, String what) {
        if (!tryReserve(bytes)) {
            throw new CrucibleException("--max-device-memory " + Sizes.human(budget) + " is too small: " + what
                    + " needs " + Sizes.human(bytes) + " more with " + Sizes.human(held) + " held; allow more");
        }
    }

    void release(long bytes) {
        held -= bytes;
    }

    long held() {
        return held;
    }

    long peak() {
        return peak;
    }
}
