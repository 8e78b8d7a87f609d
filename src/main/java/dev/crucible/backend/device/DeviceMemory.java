package dev.crucible.backend.device;

import dev.crucible.CrucibleException;
import dev.crucible.exec.Sizes;

/**
 * The device memory one {@link DeviceBackend} may hold, its share of {@code --max-device-memory} when several streams
 * share a device: its scratch buffers and the inputs it keeps resident draw from this budget, and it records the peak
 * they reached. A reservation the budget cannot hold is refused; the caller frees what it can spare or gives up with
 * a clear error.
 */
final class DeviceMemory {
    private final long deviceBudget;
    private final int streams;
    private final long budget;
    private long held;
    private long peak;

    /** The {@code 1/streams} share of {@code deviceBudget}. */
    DeviceMemory(long deviceBudget, int streams) {
        if (streams < 1) {
            throw new IllegalArgumentException("streams must be at least 1: " + streams);
        }
        this.deviceBudget = deviceBudget;
        this.streams = streams;
        this.budget = deviceBudget / streams;
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
            throw new CrucibleException("--max-device-memory " + Sizes.human(deviceBudget)
                    + (streams == 1 ? "" : " over " + streams + " streams, " + Sizes.human(budget) + " each,")
                    + " is too small: " + what + " needs " + Sizes.human(bytes) + " more with " + Sizes.human(held)
                    + " held; allow more" + (streams == 1 ? "" : " or use fewer --streams"));
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
