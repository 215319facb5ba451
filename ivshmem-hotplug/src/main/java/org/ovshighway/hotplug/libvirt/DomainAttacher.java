package org.ovshighway.hotplug.libvirt;

import java.nio.file.Path;

/**
 * What the agent needs from a hypervisor to give a VM a region: hot-plug, take over a device an
 * earlier agent left, notice a device the domain lost and plug it again, unplug. {@link LibvirtAttacher} is the implementation.
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

    /**
     * Whether the device of {@code attachment} is still in its domain (looked up by name, so a
     * transient domain created again under the same name is found).
     *
     * @throws HotplugException when libvirt cannot answer (connection lost)
     */
    DevicePresence presence(ShmemAttachment attachment) throws HotplugException;

    /**
     * Plugs the device of {@code previous} into its domain again after the domain lost it
     * ({@link DevicePresence#MISSING}); returns the device as it is when it is there already. The
     * host file-system changes of the first attach are kept and still undone by {@link #detach}.
     *
     * @throws HotplugException as {@link #attach}
     */
    ShmemAttachment replug(ShmemAttachment previous) throws HotplugException;
}
