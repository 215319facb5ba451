package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.remapper.RegionFile;
import org.ovshighway.remapper.RegionFiles;

/**
 * The traffic guest's worker, codec and checker end to end without a switch: both ports of one
 * worker are the two ends of a two-way link region, so every frame one sends the other must
 * receive once, in order.
 */
class TrafficGuestOnLinkRegionTest {
    private Path dir;
    private RegionFile region;

    @BeforeEach
    void createLink() throws Exception {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "hw-traffic-test");
        region = RegionFiles.in(dir).create("link", RegionLayout.link(true), RegionIdentity.link(7, 1, "a", "b"));
    }

    @AfterEach
    void deleteLink() throws Exception {
        RegionFiles.delete(region);
        Files.deleteIfExists(dir);
    }

    private TrafficPort port(String name, int stream, int peer) throws Exception {
        GuestPort port = GuestPort.open(DeviceSource.files(dir), name);
        return new TrafficPort(port, new TrafficFrame(TrafficFrame.mac(peer), TrafficFrame.mac(stream), stream, 64),
                peer, 32);
    }

    private static TrafficGuest.Settings settings(int rate, int seconds) {
        return settings(rate, seconds, 0);
    }

    private static TrafficGuest.Settings settings(int rate, int seconds, int warmupMs) {
        return new TrafficGuest.Settings(Path.of("/unused"), List.of("a", "b"), List.of(1, 2), List.of(2, 1), 64, 32,
                rate, seconds, warmupMs, 100, TrafficGuest.Idle.PARK, -1, 1000, true, 0, 1);
    }

    @Test
    void pacedStreamsBothWaysArriveCompleteAndInOrder() throws Exception {
        TrafficPort a = port("a", 1, 2);
        TrafficPort b = port("b", 2, 1);
        int status = TrafficGuest.run(settings(200_000, 1), List.of(a, b));
        assertEquals(0, status, "exit status");
        for (TrafficPort[] pair : new TrafficPort[][] {{a, b}, {b, a}}) {
            TrafficPort sender = pair[0];
            TrafficPort receiver = pair[1];
            StreamChecker c = receiver.checker();
            assertTrue(sender.sentFrames() > 100_000, "paced at 200k/s for 1 s, sent=" + sender.sentFrames());
            assertTrue(sender.sentFrames() <= 200_000 + 32, "pacing holds the rate, sent=" + sender.sentFrames());
            assertEquals(0, c.baseline(), "a link ring keeps every frame, so the first is number 0");
            assertEquals(sender.sentFrames(), c.received(), "received by " + receiver.name());
            assertEquals(0, c.lost() + c.reordered() + c.duplicated(), "errors at " + receiver.name());
        }
    }

    @Test
    void flatOutSenderIsHeldBackByTheRingNotCountedAsLoss() throws Exception {
        TrafficPort a = port("a", 1, 2);
        TrafficPort b = port("b", 2, 1);
        assertEquals(0, TrafficGuest.run(settings(0, 1), List.of(a, b)));
        assertEquals(a.sentFrames(), b.checker().received());
        assertEquals(b.sentFrames(), a.checker().received());
        assertTrue(a.sentFrames() > 0 && b.sentFrames() > 0);
    }

    @Test
    void checkingStartsAfterTheWarmupButReceivedCountsEveryFrame() throws Exception {
        TrafficPort a = port("a", 1, 2);
        TrafficPort b = port("b", 2, 1);
        assertEquals(0, TrafficGuest.run(settings(100_000, 1, 300), List.of(a, b)));
        StreamChecker c = b.checker();
        assertEquals(a.sentFrames(), b.streamFrames(), "received counts warm-up frames too");
        assertTrue(c.baseline() > 0, "first checked frame is after the warm-up: " + c.baseline());
        assertEquals(a.sentFrames() - c.baseline(), c.received(), "every frame from the first checked one on");
        assertTrue(b.summaryLine().contains(" first_checked=" + c.baseline() + " "), b.summaryLine());
    }

    @Test
    void wrongPeerStreamIsForeignAndTheRunIsNotClean() throws Exception {
        TrafficPort a = port("a", 1, 3);
        TrafficPort b = port("b", 2, 1);
        assertEquals(1, TrafficGuest.run(settings(100_000, 1), List.of(a, b)), "a never sees stream 3");
        assertEquals(0, a.checker().received());
        assertTrue(a.summaryLine().contains(" foreign=" + b.sentFrames() + " "), a.summaryLine());
        assertTrue(a.summaryLine().contains(" clean=false "), a.summaryLine());
    }
}
