package dev.crucible.backend.device;

import dev.crucible.backend.Operand;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Elements {@code [from, to)} of one primitive call, the unit a {@link DeviceBackend} moves to the device: each
 * operand's slice is uploaded once, widened to binary32 by the {@code widen_<dtype>} kernel, and found again by any
 * later kernel of the call that reads the same operand (the task vector's keys, the masks, the merge itself), or by
 * a later call of the same tensor's merge when {@link Residency} kept it. The
 * models of the call are packed, model {@code m} at element {@code m·stride}, the layout the multi-model kernels
 * take; {@code stride} is a multiple of 65,536 so each model's part is a valid device view.
 */
final class Window {
    final long from;
    final long to;
    final long n;
    final long stride;
    private final Device device;
    private final Scratch scratch;
    private final Residency residency;
    private final Map<Operand, Device.Buffer> vectors = new HashMap<>();
    private Operand[] packedOperands;
    private Device.Buffer packed;
    private int auxiliaries;

    Window(Device device, Scratch scratch, Residency residency, long from, long to) {
        this.device = device;
        this.scratch = scratch;
        this.residency = residency;
        this.from = from;
        this.to = to;
        this.n = to - from;
        this.stride = Math.ceilDiv(n, DeviceBackend.ALIGNMENT) * DeviceBackend.ALIGNMENT;
    }

    /** Launch size of an elementwise kernel over the window. */
    long groups() {
        return DeviceBackend.groups(n);
    }

    /** The call's models, packed (see the class comment). */
    Device.Buffer models(Operand[] xs) {
        if (packed == null) {
            packed = pack("models", xs);
            packedOperands = xs;
        } else if (!Arrays.equals(packedOperands, xs)) {
            return pack("models-aux", xs);
        }
        return packed;
    }

    /** The binary32 vector of {@code o} over the window; a null operand gives the absent buffer. */
    Device.Buffer vector(Operand o) {
        if (o == null) {
            return scratch.absent();
        }
        Device.Buffer v = vectors.get(o);
        if (v == null) {
            v = whole(o) ? residency.get(o) : null;
            if (v == null) {
                v = scratch.get("vector" + auxiliaries++, 4 * n);
                load(o, v);
            }
            vectors.put(o, v);
        }
        return v;
    }

    /** A binary32 result buffer of the window, of {@code role}. */
    Device.Buffer floats(String role) {
        return scratch.get(role, 4 * n);
    }

    private Device.Buffer pack(String role, Operand[] xs) {
        Device.Buffer all = scratch.get(role, 4 * stride * xs.length);
        for (int m = 0; m < xs.length; m++) {
            Device.Buffer part = scratch.slice(all, 4 * stride * m, 4 * n);
            Device.Buffer kept = whole(xs[m]) ? residency.get(xs[m]) : null;
            if (kept != null) {
                device.launch("widen_f32", groups(), kept, part, n); // a copy on the device
            } else {
                load(xs[m], part);
            }
            vectors.putIfAbsent(xs[m], part);
        }
        return all;
    }

    private void load(Operand o, Device.Buffer dst) {
        long size = o.dtype().byteSize(1);
        MemorySegment bytes = o.bytes().asSlice(from * size, n * size);
        Device.Buffer raw = scratch.get("raw", bytes.byteSize());
        device.upload(bytes, raw, 0);
        device.launch("widen_" + DeviceBackend.suffix(o.dtype()), groups(), raw, dst, n);
        if (whole(o)) {
            residency.keep(o, dst);
        }
    }

    /** Whether the window is all of {@code o}, the only way {@link Residency} keeps an operand. */
    private boolean whole(Operand o) {
        return from == 0 && n == o.numel();
    }
}
