package org.ovshighway.guest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.mapping.MappedRegion;

/** Test helper: region files in a private directory under /dev/shm, created as the host would. */
final class RegionFiles implements AutoCloseable {
    final Path dir;

    RegionFiles() throws IOException {
        dir = Files.createDirectories(Path.of("/dev/shm",
                "highway-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
    }

    Path create(String name, RegionLayout layout, RegionIdentity identity) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(layout.regionSize());
        }
        try (MappedRegion mapping = MappedRegion.map(file)) {
            RegionInitializer.initialize(mapping.segment(), layout, identity);
        }
        return file;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
