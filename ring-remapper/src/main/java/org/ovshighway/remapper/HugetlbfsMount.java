package org.ovshighway.remapper;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One mounted hugetlbfs and the pages it can still hand out.
 *
 * @param mountPoint where it is mounted
 * @param pageSize   bytes per huge page of this mount
 * @param freePages  free pages of that size in the system pool when it was read (a hint: another
 *                   process may take them before the file is mapped)
 */
public record HugetlbfsMount(Path mountPoint, long pageSize, long freePages) {
    public HugetlbfsMount {
        Objects.requireNonNull(mountPoint, "mountPoint");
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("hugetlbfs page size must be a power of two: pageSize=" + pageSize
                    + " mountPoint=" + mountPoint);
        }
        if (freePages < 0) {
            throw new IllegalArgumentException("freePages=" + freePages + " mountPoint=" + mountPoint);
        }
    }

    /** Whether a file of {@code size} bytes can live here: whole pages, and enough of them free. */
    public boolean fits(long size) {
        return size > 0 && size % pageSize == 0 && size / pageSize <= freePages;
    }
}
