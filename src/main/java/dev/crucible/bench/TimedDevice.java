package dev.crucible.bench;

import dev.crucible.backend.device.Device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link Device} that waits for each copy and launch to finish and adds its wall time to a total per operation
 * (kernel name, {@code upload}, {@code download}): the per-kernel breakdown of {@link KernelBench}. Waiting costs a
 * few microseconds of synchronisation per operation, which the times include; the bench uses tensors large enough
 * for that to be noise.
 */
final class TimedDevice implements Device {
    /** Calls, nanoseconds and bytes copied of one operation. */
    static final class Totals {
        long calls;
        long nanos;
        long bytes;
    }

    private final Device device;
    private final Map<String, Totals> totals = new LinkedHashMap<>();
    private final Buffer fenceBuffer;
    private final MemorySegment fenceByte = Arena.ofAuto().allocate(1);

    TimedDevice(Device device) {
        this.device = device;
        this.fenceBuffer = device.allocate(1);
    }

    Map<String, Totals> totals() {
        return totals;
    }

    void reset() {
        totals.clear();
    }

    /** Returns once everything enqueued so far has finished: a download waits for the queue. */
    private void fence() {
        device.download(fenceBuffer, 0, fenceByte);
    }

    private void record(String op, long start, long bytes) {
        Totals t = totals.computeIfAbsent(op, k -> new Totals());
        t.calls++;
        t.nanos += System.nanoTime() - start;
        t.bytes += bytes;
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public long maxAllocation() {
        return device.maxAllocation();
    }

    @Override
    public long memory() {
        return device.memory();
    }

    @Override
    public Buffer allocate(long bytes) {
        return device.allocate(bytes);
    }

    @Override
    public Buffer slice(Buffer buffer, long offset, long bytes) {
        return device.slice(buffer, offset, bytes);
    }

    @Override
    public void upload(MemorySegment src, Buffer dst, long offset) {
        fence();
        long start = System.nanoTime();
        device.upload(src, dst, offset);
        fence();
        record("upload", start, src.byteSize());
    }

    @Override
    public void download(Buffer src, long offset, MemorySegment dst) {
        fence();
        long start = System.nanoTime();
        device.download(src, offset, dst);
        record("download", start, dst.byteSize());
    }

    @Override
    public void launch(String kernel, long groups, Object... args) {
        fence();
        long start = System.nanoTime();
        device.launch(kernel, groups, args);
        fence();
        record(kernel, start, 0);
    }

    @Override
    public void close() {
        fenceBuffer.close();
        device.close();
    }
}
