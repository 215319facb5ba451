package org.ovshighway.hotplug.libvirt;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A region attached to a running domain by {@link LibvirtAttacher#attach}.
 *
 * @param domain       the domain's name
 * @param domainUuid   its UUID
 * @param shmemName    the device's name (backing file {@code /dev/shm/<name>})
 * @param regionFile   the region file
 * @param sizeBytes    the device (BAR2) size
 * @param pciAddress   the guest PCI address libvirt assigned, {@code 0000:BB:SS.F}
 * @param access       what the attach changed on the host file system, undone by detach
 */
public record ShmemAttachment(String domain, String domainUuid, String shmemName, Path regionFile, long sizeBytes,
                              String pciAddress, RegionFileAccess.Prepared access) {
    public ShmemAttachment {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(domainUuid, "domainUuid");
        Objects.requireNonNull(shmemName, "shmemName");
        Objects.requireNonNull(regionFile, "regionFile");
        Objects.requireNonNull(pciAddress, "pciAddress");
        Objects.requireNonNull(access, "access");
    }
}
