package org.ovshighway.remapper;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A region attached to a guest by a {@link RegionAttacher}.
 *
 * @param guest      the guest
 * @param name       the device's name (libvirt shmem name, or a label)
 * @param regionFile the file
 * @param handle     what the attacher needs to detach it again (its own type)
 */
public record AttachedRegion(String guest, String name, Path regionFile, Object handle) {
    public AttachedRegion {
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(regionFile, "regionFile");
    }
}
