package org.ovshighway.remapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.FakeMemifSwitch;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.SequencedTestGuest;

/**
 * Two guests (real {@link GuestPort}s, one polling thread each, or one receiving and one
 * transmitting thread each) exchange sequence-numbered frames
 * both ways while the supervisor establishes and reverts links between them again and again. The
 * old path is a {@link FakeMemifSwitch} standing in for OVS-DPDK (a unit test cannot run it;
 * testbed's ViaOvsRemapTest does the same through the real one). Every frame must arrive exactly
 * once and in order, no FENCE frame may reach the application, and what the switch forwarded plus
 * what {@link BypassCounters} reports must be exactly what each guest sent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemapTwoGuestsFakeSwitchTest {
    private static final int CYCLES = 20;

    @Test
    void establishAndRevertCyclesUnderTrafficLoseReorderAndDuplicateNothing() throws Exception {
        cycles(false, false);
    }

    /** The same with each guest receiving on one thread and transmitting on another. */
    @Test
    void receiveAndTransmitOnTwoThreadsPerGuest() throws Exception {
        cycles(true, false);
    }

    /**
     * Each link first stands by (mapped by both guests, usable withheld) while the traffic keeps
     * going through the switch and nothing goes on it; then it is activated, or every third one
     * rolled back without ever carrying a frame.
     */
    @Test
    void standbyLinksCarryNothingUntilActivatedAndLoseNothingAfter() throws Exception {
        cycles(false, true);
    }

    private void cycles(boolean splitThreads, boolean standby) throws Exception {
        Path dir = Files.createDirectory(Path.of("/dev/shm", "hw-remap2-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        Path dirX = Files.createDirectory(dir.resolve("guest-x"));
        Path dirY = Files.createDirectory(dir.resolve("guest-y"));
        RegionFiles files = RegionFiles.in(dir);
        PortRegion portX = PortRegion.create(files, "port-x", "x", "guest-x");
        PortRegion portY = PortRegion.create(files, "port-y", "y", "guest-y");
        for (PortRegion p : new PortRegion[] {portX, portY}) {
            p.nextGeneration();
            p.publishUp();
        }
        Files.createSymbolicLink(dirX.resolve("port-x"), portX.file().path());
        Files.createSymbolicLink(dirY.resolve("port-y"), portY.file().path());
        RecordingAttacher attacher = new RecordingAttacher();
        attacher.guestDirs.put("guest-x", dirX);
        attacher.guestDirs.put("guest-y", dirY);
        RemapDeadlines deadlines = new RemapDeadlines(Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofSeconds(20), Duration.ofSeconds(5));
        AtomicBoolean switching = new AtomicBoolean(true);
        List<String> closedLines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Logger supervisorLog = java.util.logging.Logger.getLogger(LinkSupervisor.class.getName());
        java.util.logging.Handler closed = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getMessage() != null && r.getMessage().contains(" closed outcome=")) {
                    closedLines.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        supervisorLog.addHandler(closed);
        try (GuestPort x = GuestPort.open(DeviceSource.files(dirX), "x");
             GuestPort y = GuestPort.open(DeviceSource.files(dirY), "y");
             FakeMemifSwitch xToY = new FakeMemifSwitch(portX.file().path(), portY.file().path());
             FakeMemifSwitch yToX = new FakeMemifSwitch(portY.file().path(), portX.file().path());
             LinkSupervisor supervisor = new LinkSupervisor(files, attacher, deadlines, System::nanoTime, s -> { })) {
            SequencedTestGuest gx = new SequencedTestGuest(x);
            SequencedTestGuest gy = new SequencedTestGuest(y);
            List<Thread> threads = new ArrayList<>();
            for (SequencedTestGuest g : List.of(gx, gy)) {
                if (splitThreads) {
                    threads.add(Thread.ofPlatform().name(g.port.portName() + "-tx").start(() -> g.loop(true, false)));
                    threads.add(Thread.ofPlatform().name(g.port.portName() + "-rx").start(() -> g.loop(false, true)));
                } else {
                    threads.add(Thread.ofPlatform().name(g.port.portName()).start(g));
                }
            }
            Thread sw = Thread.ofPlatform().name("fake-switch").start(() -> {
                while (switching.get()) {
                    xToY.forward();
                    yToX.forward();
                    LockSupport.parkNanos(20_000);
                }
            });
            supervisor.startTicking(100_000);
            int rolledBack = 0;
            try {
                for (int cycle = 0; cycle < CYCLES; cycle++) {
                    boolean twoWay = cycle % 2 == 0;
                    LinkStatus up;
                    if (standby) {
                        LinkStatus waiting = supervisor.standby(PortEnd.of(portX), PortEnd.of(portY), twoWay)
                                .get(60, TimeUnit.SECONDS);
                        assertEquals(LinkState.STANDBY, waiting.state(), "cycle=" + cycle + " " + waiting);
                        long onLinks = supervisor.direction("x", "y").packets() + supervisor.direction("y", "x").packets();
                        long before = gy.received.get();
                        while (gy.received.get() < before + 50) {
                            Thread.sleep(1);
                        }
                        assertEquals(onLinks, supervisor.direction("x", "y").packets()
                                + supervisor.direction("y", "x").packets(), "cycle=" + cycle + ": a frame on a standby link");
                        if (cycle % 3 == 2) {
                            LinkStatus gone = supervisor.revert(waiting.linkId()).get(60, TimeUnit.SECONDS);
                            assertEquals(LinkOutcome.ROLLED_BACK, gone.outcome(), "cycle=" + cycle + " " + gone);
                            rolledBack++;
                            continue;
                        }
                        up = supervisor.activate(waiting.linkId()).get(60, TimeUnit.SECONDS);
                    } else {
                        up = supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), twoWay).get(60, TimeUnit.SECONDS);
                    }
                    assertEquals(LinkState.ACTIVE, up.state(), "cycle=" + cycle + " " + up);
                    long before = gy.received.get();
                    while (gy.received.get() < before + 50) {
                        Thread.sleep(1);
                    }
                    LinkStatus down = supervisor.revert(up.linkId()).get(60, TimeUnit.SECONDS);
                    assertEquals(LinkOutcome.REVERTED, down.outcome(), "cycle=" + cycle + " " + down);
                }
            } finally {
                gx.stopSending();
                gy.stopSending();
            }
            // drain: everything sent arrives
            for (int i = 0; i < 20_000 && (gy.received.get() < gx.sent.get() || gx.received.get() < gy.sent.get()); i++) {
                Thread.sleep(1);
            }
            gx.running.set(false);
            gy.running.set(false);
            for (Thread t : threads) {
                t.join();
            }
            switching.set(false);
            sw.join();
            if (gx.failure != null || gy.failure != null) {
                throw new AssertionError("a guest failed", gx.failure != null ? gx.failure : gy.failure);
            }
            assertEquals(0, gx.fencesSeen.get() + gy.fencesSeen.get(), "FENCE frames reached the application");
            assertEquals(0, gx.outOfOrder.get() + gy.outOfOrder.get(), "lost, reordered or duplicated frames");
            assertEquals(gx.sent.get(), gy.received.get(), "frames X sent and Y received");
            assertEquals(gy.sent.get(), gx.received.get(), "frames Y sent and X received");
            assertTrue(gx.sent.get() > 1000, "traffic flowed: sent=" + gx.sent.get());
            // exact counters: what OVS (here the switch) forwarded plus what went on links
            long viaSwitchX = xToY.forwarded - xToY.fencesForwarded;
            long viaSwitchY = yToX.forwarded - yToX.fencesForwarded;
            assertEquals(gx.sent.get(), viaSwitchX + supervisor.direction("x", "y").packets());
            assertEquals(gy.sent.get(), viaSwitchY + supervisor.direction("y", "x").packets());
            assertEquals(supervisor.direction("x", "y").packets(), supervisor.port("x").rxPackets());
            assertEquals(supervisor.direction("x", "y").packets(), supervisor.port("y").txPackets());
            assertTrue(supervisor.direction("x", "y").packets() > 0, "traffic went over links");
            assertEquals(CYCLES - rolledBack, supervisor.reverts());
            assertEquals(rolledBack, supervisor.rollbacks());
            // each revert's log line shows the receiver took every frame its sender put on the link
            assertEquals(CYCLES, closedLines.size(), closedLines.toString());
            long carriedXy = 0;
            for (String line : closedLines) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("x->y sent=(\\d+) received=(\\d+)")
                        .matcher(line);
                assertTrue(m.find() && m.group(1).equals(m.group(2)) && !line.contains("frames_left"), line);
                carriedXy += Long.parseLong(m.group(1));
            }
            assertEquals(supervisor.direction("x", "y").packets(), carriedXy, "the lines add up to the counters");
            assertEquals(CYCLES, x.remapStats().linksFinished());
            assertEquals(0, x.remapStats().forcedReverts() + y.remapStats().forcedReverts());
        } finally {
            supervisorLog.removeHandler(closed);
            switching.set(false);
            portX.delete();
            portY.delete();
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
