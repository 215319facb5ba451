package org.ovshighway.guest.remap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.mapping.MappedRegion;

class RemapWarmupTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(Path.of("/dev/shm", "highway-warmup-test-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime()));
    }

    @AfterEach
    void tearDown() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private Path portRegion() throws IOException {
        Path file = dir.resolve("port");
        RegionLayout layout = RegionLayout.port(2);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(layout.regionSize());
        }
        try (MappedRegion mapping = MappedRegion.map(file)) {
            RegionInitializer.initialize(mapping.segment(), layout, RegionIdentity.port(3, "x", "guest-x"));
        }
        return file;
    }

    @Test
    void runsEveryRoundAndLeavesThePortRegionAsItWas() throws IOException {
        Path port = portRegion();
        byte[] before = Files.readAllBytes(port);
        assertEquals(7, RemapWarmup.run(port, 7));
        assertArrayEquals(before, Files.readAllBytes(port), "the warm-up only reads the port's region");
    }

    @Test
    void stopsQuietlyWhenThePortFileIsGoneOrNotARegion() throws IOException {
        assertEquals(0, RemapWarmup.run(dir.resolve("absent"), 5));
        Path junk = Files.write(dir.resolve("junk"), new byte[8192]);
        assertEquals(0, RemapWarmup.run(junk, 5));
    }
}
