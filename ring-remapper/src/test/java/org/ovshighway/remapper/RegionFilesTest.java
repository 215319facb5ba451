package org.ovshighway.remapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingSpec;
import org.ovshighway.guest.abi.ValidatedRegion;

/** Against real files in /dev/shm (and a real hugetlbfs mount when the machine has one). */
class RegionFilesTest {
    private static final RegionIdentity LINK = RegionIdentity.link(7, 3, "vm1-p0", "vm2-p0");

    private final List<Path> created = new ArrayList<>();

    @AfterEach
    void removeFiles() throws IOException {
        for (Path p : created) {
            Files.deleteIfExists(p);
        }
    }

    private String uniqueName() {
        String name = "highway-test-" + UUID.randomUUID();
        created.add(RegionFiles.DEV_SHM.resolve(name));
        return name;
    }

    @Test
    void createdFileIsSizedInitialisedAndOwnerOnly() throws Exception {
        RegionLayout layout = RegionLayout.link(true);
        RegionFile file = RegionFiles.in(RegionFiles.DEV_SHM).create(uniqueName(), layout, LINK);

        assertEquals(layout.regionSize(), Files.size(file.path()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
        assertFalse(file.hugetlbfs());
        ValidatedRegion read = validate(file.path());
        assertEquals(LINK, read.identity());
        assertEquals(layout.regionSize(), read.layout().regionSize());
        assertEquals(2, read.layout().ringCount());
    }

    @Test
    void refusesToOverwriteAndLeavesTheExistingFileAlone() throws Exception {
        String name = uniqueName();
        Path path = RegionFiles.DEV_SHM.resolve(name);
        Files.writeString(path, "someone else's region");

        RegionFileExistsException e = assertThrows(RegionFileExistsException.class,
                () -> RegionFiles.in(RegionFiles.DEV_SHM).create(name, RegionLayout.link(false), LINK));
        assertEquals(path, e.path());
        assertTrue(e.getMessage().contains("path=" + path), e.getMessage());
        assertEquals("someone else's region", Files.readString(path));
    }

    @Test
    void secondCreateOfSameNameFails() {
        String name = uniqueName();
        RegionFiles files = RegionFiles.in(RegionFiles.DEV_SHM);
        files.create(name, RegionLayout.link(false), LINK);
        assertThrows(RegionFileExistsException.class, () -> files.create(name, RegionLayout.link(false), LINK));
    }

    @Test
    void requestedModeIsAppliedExactlyDespiteUmask() throws Exception {
        RegionFile file = RegionFiles.in(RegionFiles.DEV_SHM)
                .withMode(PosixFilePermissions.fromString("rw-rw----"))
                .create(uniqueName(), RegionLayout.link(false), LINK);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
    }

    @Test
    void unknownGroupFailsNamingItAndLeavesNoFile() {
        String name = uniqueName();
        RuntimeException e = assertThrows(RuntimeException.class, () -> RegionFiles.in(RegionFiles.DEV_SHM)
                .withGroup("no-such-group-highway").create(name, RegionLayout.link(false), LINK));
        assertTrue(e.getMessage().contains("no-such-group-highway") || String.valueOf(e.getCause()).contains("no-such-group-highway"),
                e.toString());
        assertFalse(Files.exists(RegionFiles.DEV_SHM.resolve(name)));
    }

    @Test
    void deleteRemovesAndReportsAbsence() {
        RegionFile file = RegionFiles.in(RegionFiles.DEV_SHM).create(uniqueName(), RegionLayout.link(false), LINK);
        assertTrue(RegionFiles.delete(file));
        assertFalse(Files.exists(file.path()));
        assertFalse(RegionFiles.delete(file));
    }

    @Test
    void namesThatAreNotOnePathComponentAreRefused() {
        RegionFiles files = RegionFiles.in(RegionFiles.DEV_SHM);
        for (String bad : List.of("", "../etc/passwd", "a/b", ".hidden", "-flag", "sp ace")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> files.create(bad, RegionLayout.link(false), LINK), bad);
            assertTrue(e.getMessage().contains("name=\"" + bad + "\""), e.getMessage());
        }
    }

    @Test
    void missingDirectoryIsNamed() {
        Path dir = Path.of("/dev/shm/highway-no-such-dir-" + UUID.randomUUID());
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> RegionFiles.in(dir).create("r", RegionLayout.link(false), LINK));
        assertTrue(e.getMessage().contains("path=" + dir.resolve("r")), e.getMessage());
    }

    @Test
    void automaticPlacementUsesAFittingHugetlbfsElseDevShm() {
        Path huge = Path.of("/mnt/huge2m");
        long twoMiB = 2L << 20;
        RegionFiles fits = RegionFiles.automatic(() -> List.of(new HugetlbfsMount(huge, twoMiB, 8)));
        assertEquals(new RegionFiles.Placement(huge, true), fits.placementFor(4L << 20));
        // not a whole number of pages
        assertEquals(new RegionFiles.Placement(RegionFiles.DEV_SHM, false), fits.placementFor(4096));
        // more pages than are free
        assertEquals(new RegionFiles.Placement(RegionFiles.DEV_SHM, false), fits.placementFor(32L << 20));
        RegionFiles none = RegionFiles.automatic(List::of);
        assertEquals(new RegionFiles.Placement(RegionFiles.DEV_SHM, false), none.placementFor(4L << 20));
        RegionFiles gig = RegionFiles.automatic(() -> List.of(new HugetlbfsMount(Path.of("/mnt/g"), 1L << 30, 4),
                new HugetlbfsMount(huge, twoMiB, 8)));
        assertEquals(new RegionFiles.Placement(huge, true), gig.placementFor(4L << 20));
    }

    @Test
    void configuredHugetlbfsDirectoryRefusesPartialPagesBeforeCreatingAnything() {
        Path huge = Path.of("/dev/shm");
        RegionFiles files = RegionFiles.in(huge, () -> List.of(new HugetlbfsMount(huge, 2L << 20, 100)));
        assertEquals(new RegionFiles.Placement(huge, true), files.placementFor(4L << 20));
        String name = uniqueName();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> files.create(name, RegionLayout.compute(List.of(new RingSpec(0, 0, 4, 128))), LINK));
        assertTrue(e.getMessage().contains("pageSize=2097152 directory=/dev/shm"), e.getMessage());
        assertFalse(Files.exists(RegionFiles.DEV_SHM.resolve(name)));
    }

    @Test
    void realHugetlbfsMountHoldsARegionWhenTheMachineHasOne() throws Exception {
        RegionLayout layout = RegionLayout.link(true);
        List<HugetlbfsMount> mounts = HugetlbfsMounts.current().stream().filter(m -> m.fits(layout.regionSize())).toList();
        assumeTrue(!mounts.isEmpty(), "no hugetlbfs mount with free pages for regionSize=" + layout.regionSize());
        HugetlbfsMount mount = mounts.get(0);
        String name = "highway-test-" + UUID.randomUUID();
        created.add(mount.mountPoint().resolve(name));

        RegionFile file = RegionFiles.automatic().create(name, layout, LINK);
        assertEquals(mount.mountPoint().resolve(name), file.path());
        assertTrue(file.hugetlbfs());
        assertEquals(LINK, validate(file.path()).identity());
    }

    private static ValidatedRegion validate(Path path) throws Exception {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            MemorySegment region = channel.map(FileChannel.MapMode.READ_WRITE, 0, Files.size(path), arena);
            return RegionValidator.validate(region);
        }
    }
}
