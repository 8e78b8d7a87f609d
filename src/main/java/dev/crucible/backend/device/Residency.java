package dev.crucible.backend.device;

import dev.crucible.backend.Operand;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Input tensors kept on the device, widened, between the calls of one tensor's merge ({@link
 * dev.crucible.backend.Backend#beginTensor}): a TIES merge asks for three histograms, a tie count and the merge
 * itself over the same task vectors, and without this each call would copy the models across the bus again. Only
 * whole operands are kept, within a budget; an operand whose host bytes this engine overwrites (an output read back
 * later, such as Arcee Fusion's importance) is dropped at once; everything is freed when the tensor ends, since
 * only inside one tensor's merge are the host bytes known not to change behind the engine's back.
 */
final class Residency implements AutoCloseable {
    private final Device device;
    private final DeviceMemory memory;
    /** At most this much is kept, so that the engine's windows keep the rest of its budget. */
    private final long budget;
    private final Map<Operand, Device.Buffer> vectors = new HashMap<>();
    private long bytes;
    private boolean open;

    Residency(Device device, DeviceMemory memory, long budget) {
        this.device = device;
        this.memory = memory;
        this.budget = budget;
    }

    void begin() {
        clear();
        open = true;
    }

    void end() {
        clear();
        open = false;
    }

    /** The kept binary32 vector of {@code o}, or null. */
    Device.Buffer get(Operand o) {
        return open ? vectors.get(o) : null;
    }

    /** Keeps a copy of {@code o}'s widened vector, the {@code o.numel()} floats of {@code vector}, if there is room. */
    void keep(Operand o, Device.Buffer vector) {
        long size = 4 * o.numel();
        if (!open || vectors.containsKey(o) || bytes + size > budget || size == 0 || !memory.tryReserve(size)) {
            return;
        }
        Device.Buffer copy = device.allocate(size);
        device.launch("widen_f32", DeviceBackend.groups(o.numel()), vector, copy, o.numel());
        vectors.put(o, copy);
        bytes += size;
    }

    /** Drops every kept operand whose host bytes overlap {@code host}, which the engine has just overwritten. */
    void written(MemorySegment host) {
        for (Iterator<Map.Entry<Operand, Device.Buffer>> it = vectors.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Operand, Device.Buffer> e = it.next();
            if (e.getKey().bytes().asOverlappingSlice(host).isPresent()) {
                bytes -= e.getValue().bytes();
                memory.release(e.getValue().bytes());
                e.getValue().close();
                it.remove();
            }
        }
    }

    private void clear() {
        for (Device.Buffer b : vectors.values()) {
            memory.release(b.bytes());
            b.close();
        }
        vectors.clear();
        bytes = 0;
    }

    @Override
    public void close() {
        clear();
    }
}
