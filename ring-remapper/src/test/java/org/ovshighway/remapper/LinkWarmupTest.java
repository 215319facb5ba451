package org.ovshighway.remapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkWarmupTest {

    private static Path scratch() throws IOException {
        return Files.createDirectory(Path.of("/dev/shm", "hw-warmup-test-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime()));
    }

    @Test
    void everyCycleEstablishesAndRevertsAScratchLinkAndNothingIsLeft() throws IOException {
        Path dir = scratch();
        RecordingAttacher attacher = new RecordingAttacher();
        assertEquals(6, LinkWarmup.run(dir, attacher, "g0", "g1", 6));
        List<String> expected = new ArrayList<>();
        for (String call : attacher.calls) {
            // each cycle: both guests get the region, both lose it again
            expected.add(call.replaceAll(" hwlink-[0-9]+", " hwlink"));
        }
        List<String> cycle = List.of("attach g0 hwlink", "attach g1 hwlink", "detach g0 hwlink", "detach g1 hwlink");
        assertEquals(24, expected.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(cycle, expected.subList(4 * i, 4 * i + 4), "cycle " + i);
        }
        assertFalse(Files.exists(dir), "scratch directory removed");
    }

    @Test
    void anAttacherThatFailsStopsItQuietlyAndTheScratchIsRemovedAnyway() throws IOException {
        Path dir = scratch();
        RegionAttacher failing = new RegionAttacher() {
            @Override
            public AttachedRegion attach(String guest, Path regionFile, String name) throws IOException {
                throw new IOException("no such guest=" + guest);
            }

            @Override
            public AttachedRegion adopt(String guest, Path regionFile, String name) throws IOException {
                throw new IOException("no such guest=" + guest);
            }

            @Override
            public void detach(AttachedRegion attached) {
            }
        };
        assertEquals(0, LinkWarmup.run(dir, failing, "g0", "g1", 3));
        assertFalse(Files.exists(dir));
    }

    @Test
    void anInterruptedThreadRunsNoCycle() throws IOException {
        Path dir = scratch();
        Thread.currentThread().interrupt();
        try {
            assertEquals(0, LinkWarmup.run(dir, new RecordingAttacher(), "g0", "g1", 3));
        } finally {
            Thread.interrupted();
        }
        assertFalse(Files.exists(dir));
    }
}
