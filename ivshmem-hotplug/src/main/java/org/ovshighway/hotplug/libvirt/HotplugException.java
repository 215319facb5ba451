package org.ovshighway.hotplug.libvirt;

import java.io.IOException;
import java.util.Objects;

/**
 * Attaching a region to a VM or detaching it failed. The message is {@code key=value} detail
 * naming the domain and the region; {@link #reason()} says what an operator has to fix.
 * Whatever the failed call had made (device, symlink, changed ownership) is gone again when this
 * is thrown, unless the message says {@code rollback=incomplete}.
 */
public final class HotplugException extends IOException {
    /** What went wrong. */
    public enum Reason {
        /** No domain of that name or UUID (never defined, or a transient domain that ended). */
        DOMAIN_NOT_FOUND,
        /** The domain exists but is not running: nothing to hot-plug into. */
        DOMAIN_NOT_RUNNING,
        /** The domain already has a shmem device of that name. */
        DEVICE_EXISTS,
        /** No free PCI slot left on the bus libvirt hot-plugs into. */
        NO_PCI_SLOT,
        /** q35: the hot-plug root port's prefetchable window cannot hold the region's BAR. */
        PREFETCH_WINDOW_TOO_SMALL,
        /** The region file is missing, too small, not a power-of-two size, or its ownership cannot be set. */
        REGION_FILE,
        /** QEMU could not open the backing file (owner or mode keep the QEMU user out). */
        REGION_FILE_ACCESS,
        /** The guest did not release the device within the deadline (detach). */
        DETACH_TIMEOUT,
        /** Any other libvirt failure (its error code and message are in the text). */
        LIBVIRT
    }

    private final Reason reason;

    public HotplugException(Reason reason, String message) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message);
        this.reason = reason;
    }

    public HotplugException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
