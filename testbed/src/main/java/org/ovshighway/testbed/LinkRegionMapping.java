package org.ovshighway.testbed;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.ValidatedRegion;

/**
 * Maps a link region file shared (MAP_SHARED) for a harness end. The segment lives as long as
 * the given arena; the file may be deleted meanwhile (the mapping stays valid).
 */
final class LinkRegionMapping {
    private LinkRegionMapping() {
    }

    /** Maps the whole file read-write. */
    static MemorySegment map(Path path, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena);
        }
    }

    /**
     * Waits until {@code path} exists and holds a valid region (its creator writes the magic
     * last), then maps and validates it.
     *
     * @throws IllegalStateException naming the path and the last validation error on timeout
     */
    static Mapped awaitValid(Path path, Arena arena, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        String last = "file missing";
        while (System.nanoTime() < deadline) {
            try {
                if (Files.size(path) > 0) {
                    MemorySegment region = map(path, arena);
                    try {
                        return new Mapped(region, RegionValidator.validate(region));
                    } catch (RegionFormatException e) {
                        last = e.getMessage();
                    }
                }
            } catch (NoSuchFileException e) {
                last = "file missing";
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no valid region: path=" + path + " timeoutMs=" + timeoutMs + " last=" + last);
    }

    record Mapped(MemorySegment region, ValidatedRegion validated) {
    }
}
