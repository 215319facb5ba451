package org.ovshighway.remapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class HugetlbfsMountsTest {
    private static final String MOUNTS = """
            tmpfs /dev/shm tmpfs rw,relatime,size=24731700k 0 0
            none /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0
            none /mnt/huge\\0401g hugetlbfs rw,relatime,pagesize=1024M 0 0
            nodev /mnt/default hugetlbfs rw,relatime 0 0
            """;

    @Test
    void parsesPageSizesPathsAndFreePages() {
        List<HugetlbfsMount> mounts = HugetlbfsMounts.parse(MOUNTS, 2L << 20, size -> size == (2L << 20) ? 100 : 1);
        assertEquals(List.of(
                new HugetlbfsMount(Path.of("/dev/hugepages"), 2L << 20, 100),
                new HugetlbfsMount(Path.of("/mnt/huge 1g"), 1L << 30, 1),
                new HugetlbfsMount(Path.of("/mnt/default"), 2L << 20, 100)), mounts);
    }

    @Test
    void noDefaultPageSizeSkipsMountsWithoutOption() {
        List<HugetlbfsMount> mounts = HugetlbfsMounts.parse(MOUNTS, 0, size -> 0);
        assertEquals(2, mounts.size());
    }

    @Test
    void meminfoPageSize() {
        assertEquals(2L << 20, HugetlbfsMounts.defaultPageSize("MemTotal: 1 kB\nHugepagesize:       2048 kB\n"));
        assertEquals(0, HugetlbfsMounts.defaultPageSize("MemTotal: 1 kB\n"));
    }

    @Test
    void badPageSizeNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HugetlbfsMounts.parse("x /m hugetlbfs rw,pagesize=huge 0 0", 0, s -> 0));
        assertEquals("bad hugetlbfs pagesize=huge in /proc/mounts line=\"x /m hugetlbfs rw,pagesize=huge 0 0\"",
                e.getMessage());
    }

    @Test
    void fitsNeedsWholePagesAndFreeOnes() {
        HugetlbfsMount m = new HugetlbfsMount(Path.of("/h"), 2L << 20, 2);
        assertEquals(true, m.fits(4L << 20));
        assertEquals(false, m.fits(6L << 20));
        assertEquals(false, m.fits(3L << 20));
        assertEquals(false, m.fits(0));
    }
}
