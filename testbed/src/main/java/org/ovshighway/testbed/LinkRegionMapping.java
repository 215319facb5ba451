package org.ovshighway.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;

/** How a harness end gets at a link region file that another process is creating. */
final class LinkRegionMapping {
    private LinkRegionMapping() {
    }

    /**
     * Waits until {@code path} exists and holds a valid region (its creator writes the magic
     * last), then returns it mapped and validated; the caller owns the mapping.
     *
     * @throws IllegalStateException naming the path and the last validation error on timeout
     */
    static Mapped awaitValid(Path path, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        String last = "file missing";
        while (System.nanoTime() < deadline) {
            try {
                if (Files.size(path) > 0) {
                    MappedRegion mapping = MappedRegion.map(path);
                    try {
                        return new Mapped(mapping, RegionValidator.validate(mapping.segment()));
                    } catch (RegionFormatException e) {
                        last = e.getMessage();
                        mapping.close();
                    }
                }
            } catch (NoSuchFileException e) {
                last = "file missing";
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no valid region: path=" + path + " timeoutMs=" + timeoutMs + " last=" + last);
    }

    record Mapped(MappedRegion mapping, ValidatedRegion validated) {
    }
}
