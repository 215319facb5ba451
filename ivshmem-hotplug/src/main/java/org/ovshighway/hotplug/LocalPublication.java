package org.ovshighway.hotplug;

import java.nio.file.Path;
import java.util.Objects;

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

    /** The {@code resource2} symlink a guest maps. */
    public Path resource2() {
        return deviceDirectory.resolve(LocalPublisher.RESOURCE2);
    }
}
