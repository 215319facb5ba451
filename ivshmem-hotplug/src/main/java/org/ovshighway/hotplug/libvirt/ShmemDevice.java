package org.ovshighway.hotplug.libvirt;

import java.util.Objects;
import java.util.Optional;

/**
 * A {@code <shmem>} device as a domain's live XML shows it.
 *
 * @param name       the shmem name (backing file {@code /dev/shm/<name>})
 * @param model      the model type, {@code ivshmem-plain} for Highway's devices
 * @param sizeBytes  its size in bytes as the XML gives it (libvirt's live XML rounds down to MiB:
 *                   0 for a smaller device), 0 when absent
 * @param pciAddress the guest's PCI address {@code 0000:BB:SS.F} once libvirt assigned one
 */
public record ShmemDevice(String name, String model, long sizeBytes, Optional<String> pciAddress) {
    public ShmemDevice {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(pciAddress, "pciAddress");
    }
}
