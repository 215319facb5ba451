package org.ovshighway.remapper;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes a region file appear to a guest as an ivshmem-plain device, and disappear again: libvirt
 * hot-plug for a VM, a sysfs-shaped tree for a process guest (ivshmem-hotplug implements both).
 */
public interface RegionAttacher {
    /**
     * Attaches {@code regionFile} to guest {@code guest} under {@code name} (a libvirt shmem name:
     * one path component).
     *
     * @throws IOException naming guest, file and name when the device cannot be attached
     */
    AttachedRegion attach(String guest, Path regionFile, String name) throws IOException;

    /**
     * Takes over the attachment of {@code regionFile} to {@code guest} under {@code name} that an
     * earlier agent made (its guest may be using the device: it must stay), or attaches it when
     * there is none. What it returns is detached by {@link #detach} like any attachment.
     *
     * @throws IOException naming guest, file and name when it can be neither found nor attached
     */
    AttachedRegion adopt(String guest, Path regionFile, String name) throws IOException;

    /**
     * Detaches what {@link #attach} returned; a device already gone is fine.
     *
     * @throws IOException naming guest and name when it cannot be detached
     */
    void detach(AttachedRegion attached) throws IOException;

    /**
     * Readies what the next {@link #attach} needs, while no link waits for it (the supervisor
     * calls it between links): e.g. a process guest's next device directory. Must not throw; a
     * failure only means the next attach does the work itself.
     */
    default void prepare() {
    }
}
