package org.ovshighway.hotplug.libvirt;

/**
 * Whether a device the agent plugged into a domain is still there. Live devices do not outlive
 * the QEMU process: a domain that was destroyed and started again (or shut down and started)
 * comes back without them, while a reboot inside the guest keeps them.
 */
public enum DevicePresence {
    /** The domain runs and its live XML has the device. */
    PRESENT,
    /** The domain runs without the device: it was started anew, or someone unplugged the device. */
    MISSING,
    /** The domain exists but does not run (shut off, paused domains count as running). */
    DOMAIN_NOT_RUNNING,
    /** No domain of that name (undefined, or a transient domain that ended). */
    DOMAIN_NOT_FOUND
}
