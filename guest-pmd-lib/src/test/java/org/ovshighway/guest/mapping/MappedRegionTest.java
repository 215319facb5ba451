package org.ovshighway.guest.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RegionValidator;

class MappedRegionTest {
    private final Path file = Path.of("/dev/shm", "highway-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());

    @AfterEach
    void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    private void createFile(long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    @Test
    void twoMappingsOfOneShmFileSeeEachOthersWrites() throws IOException {
        RegionLayout layout = RegionLayout.link(false);
        createFile(layout.regionSize());
        try (MappedRegion a = MappedRegion.map(file); MappedRegion b = MappedRegion.map(file)) {
            assertEquals(layout.regionSize(), a.size());
            RegionInitializer.initialize(a.segment(), layout, RegionIdentity.link(5, 2, "x", "y"));
            assertEquals(5, RegionValidator.validate(b.segment()).identity().linkId());
            b.segment().set(ValueLayout.JAVA_LONG, layout.regionSize() - 8, 0xCAFEL);
            assertEquals(0xCAFEL, a.segment().get(ValueLayout.JAVA_LONG, layout.regionSize() - 8));
            assertTrue(a.segment().address() != b.segment().address());
        }
        // MAP_SHARED: the bytes are in the file, not only in the mappings
        byte[] content = Files.readAllBytes(file);
        assertEquals((byte) 0xFE, content[(int) layout.regionSize() - 8]);
    }

    @Test
    void accessAfterCloseThrowsInsteadOfTouchingUnmappedMemory() throws IOException {
        createFile(4096);
        MappedRegion region = MappedRegion.map(file);
        region.close();
        region.close();
        assertThrows(IllegalStateException.class, () -> region.segment().get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void missingFileReportsPathAndErrno() {
        NativeCallException e = assertThrows(NativeCallException.class, () -> MappedRegion.map(file));
        assertEquals("open", e.function());
        assertEquals(2, e.errno());
        assertTrue(e.getMessage().contains("path=" + file), e.getMessage());
        assertTrue(e.getMessage().contains("errno=2 (No such file or directory)"), e.getMessage());
    }

    @Test
    void directoryCannotBeMappedAndSaysWhy() {
        NativeCallException e = assertThrows(NativeCallException.class, () -> MappedRegion.map(Path.of("/dev/shm")));
        assertEquals("open", e.function());
        assertEquals(21, e.errno(), e.getMessage());
    }

    @Test
    void emptyFileIsRefusedWithItsSize() throws IOException {
        createFile(0);
        IOException e = assertThrows(IOException.class, () -> MappedRegion.map(file));
        assertTrue(e.getMessage().contains("size=0"), e.getMessage());
    }
}
