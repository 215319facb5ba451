package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.FakeMemifSwitch;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.SequencedTestGuest;
import org.ovshighway.hotplug.LocalPublisher;
import org.ovshighway.hotplug.LocalRegionAttacher;
import org.ovshighway.remapper.AttachedRegion;
import org.ovshighway.remapper.LinkState;
import org.ovshighway.remapper.LinkSupervisor;
import org.ovshighway.remapper.PortEnd;
import org.ovshighway.remapper.PortRegion;
import org.ovshighway.remapper.RegionAttacher;
import org.ovshighway.remapper.RegionFiles;
import org.ovshighway.remapper.RemapDeadlines;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The bypass controller over a real {@link LinkSupervisor}, real {@link GuestPort}s (one polling
 * thread each, sequence-numbered frames both ways) and the local publisher; the old path is a
 * {@link FakeMemifSwitch} standing in for OVS-DPDK (testbed's AgentBypassOvsDpdkTest runs the same
 * through the real one with the agent's own flow monitor). Verdicts are set by the test.
 *
 * <p>Asserted: both directions point-to-point give a two-way link; one direction withdrawn
 * reshapes it to one way; a held flow change that may touch the live direction is released only
 * once the link is reverted, and the pair is linked again after the cool-down; a flow change that
 * touches no live direction is not held; a port whose guest the guest watch reports absent loses its
 * link and gets none until it is back; stop reverts everything; every frame arrives once and in
 * order, no FENCE reaches the application, and switch traffic plus link counters equal what was sent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BypassControllerFakeSwitchTest {

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(2);
        }
    }

    private static ByteBuf flowMod(long inPort, long outPort) {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        OFMessage message = f.buildFlowAdd().setPriority(100)
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of((int) inPort)).build())
                .setInstructions(List.of(f.instructions().applyActions(List.of(f.actions().output(OFPort.of((int) outPort), 0xffff)))))
                .build();
        ByteBuf buf = Unpooled.buffer();
        message.writeTo(buf);
        return buf;
    }

    @Test
    void verdictsBecomeLinksAndAHeldFlowChangeWaitsForTheRevert() throws Exception {
        Path dir = Files.createDirectory(Path.of("/dev/shm", "hw-bypass-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        Path rootX = Files.createDirectory(dir.resolve("root-x"));
        Path rootY = Files.createDirectory(dir.resolve("root-y"));
        RegionFiles files = RegionFiles.in(dir);
        PortRegion portX = PortRegion.create(files, "port-x", "x", "guest-x");
        PortRegion portY = PortRegion.create(files, "port-y", "y", "guest-y");
        for (PortRegion p : new PortRegion[] {portX, portY}) {
            p.nextGeneration();
            p.publishUp();
        }
        new LocalPublisher(rootX).publish(portX.file().path());
        new LocalPublisher(rootY).publish(portY.file().path());
        GatedAttacher attacher = new GatedAttacher(new LocalRegionAttacher().guest("guest-x", rootX).guest("guest-y", rootY));
        RemapDeadlines deadlines = new RemapDeadlines(Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofSeconds(20), Duration.ofSeconds(5));
        Map<String, Boolean> verdicts = new ConcurrentHashMap<>();
        AtomicBoolean switching = new AtomicBoolean(true);
        // the controller's clock: real time plus what the test adds to jump over a cool-down
        java.util.concurrent.atomic.AtomicLong jumped = new java.util.concurrent.atomic.AtomicLong();
        try (GuestPort x = GuestPort.open(DeviceSource.sysfs(rootX), "x");
             GuestPort y = GuestPort.open(DeviceSource.sysfs(rootY), "y");
             FakeMemifSwitch xToY = new FakeMemifSwitch(portX.file().path(), portY.file().path());
             FakeMemifSwitch yToX = new FakeMemifSwitch(portY.file().path(), portX.file().path());
             LinkSupervisor supervisor = new LinkSupervisor(files, attacher, deadlines, System::nanoTime, s -> { })) {
            SequencedTestGuest gx = new SequencedTestGuest(x);
            SequencedTestGuest gy = new SequencedTestGuest(y);
            Thread tx = Thread.ofPlatform().name("guest-x").start(gx);
            Thread ty = Thread.ofPlatform().name("guest-y").start(gy);
            Thread sw = Thread.ofPlatform().name("fake-switch").start(() -> {
                while (switching.get()) {
                    xToY.forward();
                    yToX.forward();
                    LockSupport.parkNanos(20_000);
                }
            });
            supervisor.startTicking(100_000);
            BypassController bypass = new BypassController(supervisor,
                    (from, to) -> verdicts.getOrDefault(from + ">" + to, false),
                    Map.of("x", PortEnd.of(portX), "y", PortEnd.of(portY)), Map.of("x", 11L, "y", 12L),
                    Duration.ZERO, () -> System.nanoTime() + jumped.get());
            bypass.start();
            try {
                verdicts.put("x>y", true);
                verdicts.put("y>x", true);
                bypass.verdictsChanged();
                await(() -> bypass.onLink("x", "y") && bypass.onLink("y", "x"), "a two-way link");
                long before = supervisor.direction("x", "y").packets();
                await(() -> supervisor.direction("x", "y").packets() > before + 100, "traffic x -> y on the link");

                verdicts.put("x>y", false);
                bypass.verdictsChanged();
                await(() -> !bypass.onLink("x", "y") && bypass.onLink("y", "x"), "reshaped to y -> x alone");

                assertNull(bypass.holdDecider().holdBefore("test", flowMod(99, 98)), "touches no live direction");
                assertNull(bypass.holdDecider().holdBefore("test", flowMod(11, 98)), "x -> y is not on a link");
                // the unplug of the link's devices is slow (a VM's takes a guest round trip): the held change
                // goes on once the guests are off the link, not when the devices are gone
                attacher.holdDetaches();
                CompletionStage<?> held = bypass.holdDecider().holdBefore("test", flowMod(12, 13));
                assertNotNull(held, "y's traffic may change: held");
                held.toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertTrue(bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE),
                        "released only once reverted: " + bypass.snapshot());
                assertEquals(1, supervisor.links().size(), "released while the link's devices were still being"
                        + " detached: " + supervisor.links());
                assertTrue(attacher.detachWaiting(), "the supervisor is in the unplug");
                attacher.releaseDetaches();
                await(() -> supervisor.links().isEmpty(), "the link closed after the unplug");
                // the verdict (set by the test) still says y -> x: linked again after the cool-down; a change
                // held while that link is being established is released once it is established and reverted
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (bypass.snapshot().stream().noneMatch(v -> v.state() == LinkState.ATTACHING)
                        && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                assertTrue(bypass.snapshot().stream().anyMatch(v -> v.state() == LinkState.ATTACHING),
                        "y -> x being linked again: " + bypass.snapshot());
                CompletionStage<?> heldWhileStarting = bypass.holdDecider().holdBefore("test", flowMod(12, 13));
                assertNotNull(heldWhileStarting, "a link being established is held for too");
                AtomicBoolean releaseSawJump = new AtomicBoolean();
                heldWhileStarting.whenComplete((v, e) -> releaseSawJump.set(jumped.get() > 0));
                // a revert that outlasts the cool-down (a loaded machine): once the controller took the hold
                // (the link moved on), as if the rest took a second and more
                await(() -> heldWhileStarting.toCompletableFuture().isDone()
                        || bypass.snapshot().stream().noneMatch(v -> v.state() == LinkState.ATTACHING), "the link moving on");
                jumped.addAndGet(BypassController.HOLD_COOLDOWN.toNanos() + TimeUnit.SECONDS.toNanos(1));
                heldWhileStarting.toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertTrue(bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE),
                        "released only once the new link was reverted: " + bypass.snapshot());
                // the released change reaches OVS only now: no new link before the cool-down from the release;
                // checked when the release came after the jump (a quick revert may release it before: then the
                // jump itself ends the cool-down)
                long quietUntil = System.nanoTime() + BypassController.HOLD_COOLDOWN.toNanos() * 3 / 5;
                while (releaseSawJump.get() && System.nanoTime() < quietUntil) {
                    assertTrue(bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE),
                            "linked again within the cool-down after the held change was released: " + bypass.snapshot());
                    Thread.sleep(1);
                }
                await(() -> bypass.onLink("y", "x"), "y -> x linked again");

                // the guest watch says y's VM lost its port device: y's link goes, none while it is absent
                GuestDeviceWatch.Listener guests = bypass.guestWatchListener();
                guests.guestAbsent("y", "port device gone from its domain");
                await(() -> bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE && v.state() == LinkState.CLOSED),
                        "y's link reverted while its guest is absent");
                jumped.addAndGet(TimeUnit.SECONDS.toNanos(60));
                for (int i = 0; i < 50; i++) {
                    Thread.sleep(2);
                    assertTrue(bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE),
                            "linked while y's guest is absent: " + bypass.snapshot());
                }
                assertTrue(bypass.snapshot().getFirst().lastProblem().contains("guest of port y absent"),
                        bypass.snapshot().toString());
                guests.guestPresent("y");
                await(() -> bypass.onLink("y", "x"), "y -> x linked once y's guest is back");
            } finally {
                bypass.revertAllAndStop(Duration.ofSeconds(30));
                gx.stopSending();
                gy.stopSending();
            }
            assertTrue(bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE), bypass.snapshot().toString());
            assertEquals(List.of(), supervisor.links(), "no link open after stop");
            for (int i = 0; i < 20_000 && (gy.received.get() < gx.sent.get() || gx.received.get() < gy.sent.get()); i++) {
                Thread.sleep(1);
            }
            gx.running.set(false);
            gy.running.set(false);
            tx.join();
            ty.join();
            switching.set(false);
            sw.join();
            if (gx.failure != null || gy.failure != null) {
                throw new AssertionError("a guest failed", gx.failure != null ? gx.failure : gy.failure);
            }
            assertEquals(0, gx.fencesSeen.get() + gy.fencesSeen.get(), "FENCE frames reached the application");
            assertEquals(0, gx.outOfOrder.get() + gy.outOfOrder.get(), "lost, reordered or duplicated frames");
            assertEquals(gx.sent.get(), gy.received.get(), "frames x sent and y received");
            assertEquals(gy.sent.get(), gx.received.get(), "frames y sent and x received");
            assertEquals(gx.sent.get(), xToY.forwarded - xToY.fencesForwarded + supervisor.direction("x", "y").packets());
            assertEquals(gy.sent.get(), yToX.forwarded - yToX.fencesForwarded + supervisor.direction("y", "x").packets());
            assertTrue(supervisor.reverts() >= 3, "two-way, reshape, held revert, stop: reverts=" + supervisor.reverts());
            // what the proxy adds to OVS's port statistics: x's rx is what x sent on links, y's tx what y got
            BypassExtraCounters extras = new BypassExtraCounters(supervisor, Map.of(11L, "x", 12L, "y"), null);
            assertEquals(supervisor.direction("x", "y").packets(), extras.port(11).rxPackets());
            assertEquals(supervisor.direction("y", "x").packets(), extras.port(11).txPackets());
            assertEquals(supervisor.direction("x", "y").packets(), extras.port(12).txPackets());
            assertEquals(supervisor.direction("x", "y").bytes(), extras.port(12).txBytes());
            assertTrue(extras.port(13).isZero(), "not a ring port");
            assertEquals(0, supervisor.forcedReverts() + supervisor.rollbacks());
        } finally {
            switching.set(false);
            portX.delete();
            portY.delete();
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A guest attacher whose unplugs can be held back, as a VM's wait for the guest's ACPI answer. */
    private static final class GatedAttacher implements RegionAttacher {
        private final RegionAttacher inner;
        private volatile CountDownLatch gate;
        private volatile boolean waiting;

        GatedAttacher(RegionAttacher inner) {
            this.inner = inner;
        }

        void holdDetaches() {
            gate = new CountDownLatch(1);
        }

        void releaseDetaches() {
            gate.countDown();
        }

        boolean detachWaiting() {
            return waiting;
        }

        @Override
        public AttachedRegion attach(String guest, Path regionFile, String name) throws IOException {
            return inner.attach(guest, regionFile, name);
        }

        @Override
        public AttachedRegion adopt(String guest, Path regionFile, String name) throws IOException {
            return inner.adopt(guest, regionFile, name);
        }

        @Override
        public void detach(AttachedRegion attached) throws IOException {
            CountDownLatch g = gate;
            if (g != null) {
                waiting = true;
                try {
                    if (!g.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("test never released the unplug");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted in a held unplug", e);
                } finally {
                    waiting = false;
                }
            }
            inner.detach(attached);
        }

        @Override
        public void prepare() {
            inner.prepare();
        }
    }
}
