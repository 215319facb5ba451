package org.ovshighway.hotplug;

import java.nio.file.Path;
import java.util.Objects;
import org.ovshighway.guest.abi.PciAddress;
import org.ovshighway.remapper.AttachedRegion;

/**
 * One region published to a process guest by {@link LocalPublisher}.
 *
 * @param address          the PCI address the guest sees, {@code 0000:00:SS.0}
 * @param deviceDirectory  {@code <root>/bus/pci/devices/<address>}
 * @param regionFile       the file {@code resource2} links to
 */
public record LocalPublication(String address, Path deviceDirectory, Path regionFile) {
    public LocalPublication {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(deviceDirectory, "deviceDirectory");
        Objects.requireNonNull(regionFile, "regionFile");
    }

    /**
     * As the remapper's attachment of {@code regionFile} to guest {@code guest} under {@code name}:
     * the handle is this publication, the address its slot's.
     */
    static AttachedRegion attached(String guest, String name, Path regionFile, LocalPublication publication) {
        return new AttachedRegion(guest, name, regionFile, publication, PciAddress.parse(publication.address()));
    }

    /** The {@code resource2} symlink a guest maps. */
    public Path resource2() {
        return deviceDirectory.resolve(LocalPublisher.RESOURCE2);
    }
}
