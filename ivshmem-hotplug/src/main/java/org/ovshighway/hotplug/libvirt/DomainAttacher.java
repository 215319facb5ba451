package org.ovshighway.hotplug.libvirt;

import java.nio.file.Path;

/**
 * What the agent needs from a hypervisor to give a VM a region: hot-plug, take over a device an
 * earlier agent left, unplug. {@link LibvirtAttacher} is the implementation.
 */
public interface DomainAttacher {
    /**
     * Hot-plugs {@code regionFile} into running domain {@code domain} as shmem device
     * {@code shmemName} of {@code size} bytes.
     *
     * @throws HotplugException naming domain, region and shmem; nothing the call made is left
     */
    ShmemAttachment attach(String domain, Path regionFile, String shmemName, long size) throws HotplugException;

    /**
     * The device {@code shmemName} an earlier agent attached to {@code domain} for
     * {@code regionFile} (a guest may be using it), or a new attachment when the domain has none.
     *
     * @throws HotplugException DEVICE_EXISTS when the domain's device of that name is backed by
     *                          another file, else as {@link #attach}
     */
    ShmemAttachment adopt(String domain, Path regionFile, String shmemName, long size) throws HotplugException;

    /**
     * Unplugs what {@link #attach} or {@link #adopt} returned and waits until the device is gone.
     *
     * @throws HotplugException naming domain and region when the guest does not release it in time
     */
    void detach(ShmemAttachment attachment) throws HotplugException;
}
