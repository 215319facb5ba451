package org.ovshighway.remapper;

import java.nio.file.Path;
import java.util.Objects;

import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;

/**
 * A region file created and initialised by {@link RegionFiles}.
 *
 * @param path     the file (its size is {@code layout.regionSize()})
 * @param layout   what was written into it
 * @param identity the header identity written into it
 * @param hugetlbfs whether it lives on a hugetlbfs mount
 */
public record RegionFile(Path path, RegionLayout layout, RegionIdentity identity, boolean hugetlbfs) {
    public RegionFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(identity, "identity");
    }

    /** Bytes of the file. */
    public long size() {
        return layout.regionSize();
    }
}
