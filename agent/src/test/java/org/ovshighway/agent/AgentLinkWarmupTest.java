package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class AgentLinkWarmupTest {

    private static List<Path> scratchDirs() throws IOException {
        try (var files = Files.list(Path.of("/dev/shm"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("highway-warmup-")).toList();
        }
    }

    /** Collects the messages of records it is asked to publish (its filter applies first). */
    private static final class Collecting extends Handler {
        final List<String> messages = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                messages.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void scratchLinksThroughSysfsShapedRootsAreEstablishedRevertedAndRemoved() throws IOException {
        List<Path> before = scratchDirs();
        assertEquals(5, AgentLinkWarmup.run(5));
        assertEquals(before, scratchDirs(), "no scratch directory left in /dev/shm");
    }

    @Test
    void detectionCyclesRunThroughTheFlowMonitorPipelineIntoAScratchWatch() {
        assertEquals(50, AgentLinkWarmup.detectionWarmup(50));
    }

    @Test
    void scratchOfAgentsThatNoLongerRunIsDeletedOthersAreKept(@org.junit.jupiter.api.io.TempDir Path parent)
            throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path orphan = Files.createDirectories(parent.resolve(AgentLinkWarmup.PREFIX + ended.pid() + "-123")
                .resolve("guest-0-sysfs"));
        Files.writeString(orphan.resolve("vendor"), "0x1af4");
        Path live = Files.createDirectory(parent.resolve(AgentLinkWarmup.PREFIX + ProcessHandle.current().pid() + "-456"));
        Path unrelated = Files.createDirectory(parent.resolve(AgentLinkWarmup.PREFIX + "notapid"));
        assertEquals(1, AgentLinkWarmup.deleteOrphans(parent));
        assertTrue(Files.notExists(orphan.getParent()), "the dead agent's scratch is gone");
        assertTrue(Files.isDirectory(live), "a running agent's scratch is kept");
        assertTrue(Files.isDirectory(unrelated), "a name that is not ours is not touched");
    }

    @Test
    void aMutedThreadsRecordsAreDroppedOthersPassAndTheFiltersComeBack() throws Exception {
        Logger root = Logger.getLogger("");
        Collecting target = new Collecting();
        target.setFilter(record -> !record.getMessage().contains("filtered"));
        root.addHandler(target);
        Logger logger = Logger.getLogger("org.ovshighway.agent.AgentLinkWarmupTest");
        try {
            Thread other;
            try (ThreadLogMute mute = ThreadLogMute.mute(Thread.currentThread())) {
                logger.log(Level.WARNING, "muted");
                other = Thread.ofPlatform().start(() -> {
                    logger.log(Level.WARNING, "from another thread");
                    logger.log(Level.WARNING, "filtered by the handler's own filter");
                });
                other.join();
            }
            logger.log(Level.WARNING, "after");
            logger.log(Level.WARNING, "filtered again");
            assertEquals(List.of("from another thread", "after"), target.messages);
            assertTrue(target.getFilter() != null && !target.getFilter().isLoggable(new LogRecord(Level.INFO, "filtered")));
        } finally {
            root.removeHandler(target);
        }
    }
}
