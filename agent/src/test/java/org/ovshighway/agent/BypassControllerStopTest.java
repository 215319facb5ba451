package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ovshighway.hotplug.LocalRegionAttacher;
import org.ovshighway.remapper.LinkSupervisor;
import org.ovshighway.remapper.RegionFiles;
import org.ovshighway.remapper.RemapDeadlines;

/** Stopping a bypass controller on the agent's failed-start path. */
class BypassControllerStopTest {

    @Test
    void aControllerThatNeverStartedStopsWithoutWaitingOutItsDeadline(@TempDir Path dir) throws Exception {
        RemapDeadlines deadlines = new RemapDeadlines(Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofSeconds(20), Duration.ofSeconds(5));
        LinkSupervisor supervisor = new LinkSupervisor(RegionFiles.in(Files.createDirectory(dir.resolve("regions"))),
                new LocalRegionAttacher(), deadlines, System::nanoTime, s -> { });
        try {
            BypassController bypass = new BypassController(supervisor, (from, to) -> false, Map.of(), Map.of(),
                    Duration.ZERO, System::nanoTime);
            // before the fix its stop command waited in a queue no thread served: the whole wait, then again forcing
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> bypass.revertAllAndStop(Duration.ofSeconds(60)));
            assertEquals(List.of(), supervisor.links());
        } finally {
            supervisor.close();
        }
    }
}
