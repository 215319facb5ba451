package org.ovshighway.remapper;

import java.nio.file.Path;
import java.util.Objects;
import org.ovshighway.guest.abi.PciAddress;

/**
 * A region attached to a guest by a {@link RegionAttacher}.
 *
 * @param guest      the guest
 * @param name       the device's name (libvirt shmem name, or a label)
 * @param regionFile the file
 * @param handle     what the attacher needs to detach it again (its own type)
 * @param address    the PCI address the guest sees the device at, or null when the attacher does
 *                   not know it (the ATTACH request then names no device and the guest looks for it)
 */
public record AttachedRegion(String guest, String name, Path regionFile, Object handle, PciAddress address) {
    public AttachedRegion {
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(regionFile, "regionFile");
    }

    /** An attachment whose PCI address is not known. */
    public AttachedRegion(String guest, String name, Path regionFile, Object handle) {
        this(guest, name, regionFile, handle, null);
    }

    /** The address as the ATTACH request's device word ({@link PciAddress#NONE} when not known). */
    public long addressWord() {
        return address == null ? PciAddress.NONE : address.word();
    }
}
