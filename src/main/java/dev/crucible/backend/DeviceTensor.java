package dev.crucible.backend;

/** A binary32 tensor resident on a backend's device; closing it frees the device memory. */
public interface DeviceTensor extends AutoCloseable {
    long numel();

    @Override
    void close();
}
