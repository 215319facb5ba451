package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EstablishCyclesWarmUpTest {

    private static List<Path> scratch() throws IOException {
        try (var files = Files.list(Path.of("/dev/shm"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("highway-establish-warmup")).toList();
        }
    }

    @Test
    void findsTheScratchLinkEveryRoundAndRemovesItsScratch() throws IOException {
        List<Path> before = scratch();
        // throws when a round does not find the scratch link region the way a run finds a real one
        EstablishCycles.warmUp();
        assertEquals(before, scratch());
    }
}
