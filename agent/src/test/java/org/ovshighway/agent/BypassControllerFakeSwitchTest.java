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
import java.util.concurrent.CompletableFuture;
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
import org.ovshighway.remapper.LinkOutcome;
import org.ovshighway.remapper.LinkState;
import org.ovshighway.remapper.LinkStatus;
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
 * link and gets none until it is back; stop reverts everything; a standby link a killed agent left
 * is re-adopted and activated (standby links on) or rolled back (off); every frame arrives once and
 * in order, no FENCE reaches the application, and switch traffic plus link counters equal what was sent.
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
        try (Rig rig = new Rig(false)) {
            rig.verdicts.put("x>y", true);
            rig.verdicts.put("y>x", true);
            rig.bypass.verdictsChanged();
            await(() -> rig.bypass.onLink("x", "y") && rig.bypass.onLink("y", "x"), "a two-way link");
            long before = rig.supervisor.direction("x", "y").packets();
            await(() -> rig.supervisor.direction("x", "y").packets() > before + 100, "traffic x -> y on the link");

            rig.verdicts.put("x>y", false);
            rig.bypass.verdictsChanged();
            await(() -> !rig.bypass.onLink("x", "y") && rig.bypass.onLink("y", "x"), "reshaped to y -> x alone");

            assertNull(rig.bypass.holdDecider().holdBefore("test", flowMod(99, 98)), "touches no live direction");
            assertNull(rig.bypass.holdDecider().holdBefore("test", flowMod(11, 98)), "x -> y is not on a link");
            // the unplug of the link's devices is slow (a VM's takes a guest round trip): the held change
            // goes on once the guests are off the link, not when the devices are gone
            rig.attacher.holdDetaches();
            CompletionStage<?> held = rig.bypass.holdDecider().holdBefore("test", flowMod(12, 13));
            assertNotNull(held, "y's traffic may change: held");
            held.toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertTrue(rig.bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE),
                    "released only once reverted: " + rig.bypass.snapshot());
            assertEquals(1, rig.supervisor.links().size(), "released while the link's devices were still being"
                    + " detached: " + rig.supervisor.links());
            // the supervisor tells the guests' leaving first, then unplugs: it may not be in the unplug yet
            await(rig.attacher::detachWaiting, "the supervisor in the unplug");
            // the next link's plug waits for the test: it stays ATTACHING as long as the test needs
            rig.attacher.holdAttaches();
            rig.attacher.releaseDetaches();
            await(() -> rig.supervisor.links().isEmpty(), "the link closed after the unplug");
            // the verdict (set by the test) still says y -> x: linked again after the cool-down; a change
            // held while that link is being established is released once it is established and reverted
            await(() -> rig.bypass.snapshot().stream().anyMatch(v -> v.state() == LinkState.ATTACHING),
                    "y -> x being linked again");
            CompletionStage<?> heldWhileStarting = rig.bypass.holdDecider().holdBefore("test", flowMod(12, 13));
            assertNotNull(heldWhileStarting, "a link being established is held for too");
            // read on the thread that releases the hold, as it releases it
            CompletableFuture<Boolean> releaseSawJump = heldWhileStarting.toCompletableFuture()
                    .handle((v, e) -> rig.jumped.get() > 0);
            // a revert that outlasts the cool-down (a loaded machine), as if the rest took a second and more
            rig.jumped.addAndGet(BypassController.HOLD_COOLDOWN.toNanos() + TimeUnit.SECONDS.toNanos(1));
            rig.attacher.releaseAttaches();
            heldWhileStarting.toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertTrue(rig.bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE),
                    "released only once the new link was reverted: " + rig.bypass.snapshot());
            assertTrue(releaseSawJump.get(60, TimeUnit.SECONDS), "released after the jump");
            // the released change reaches OVS only now: no new link before the cool-down from the release
            long quietUntil = System.nanoTime() + BypassController.HOLD_COOLDOWN.toNanos() * 3 / 5;
            while (System.nanoTime() < quietUntil) {
                assertTrue(rig.bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE),
                        "linked again within the cool-down after the held change was released: " + rig.bypass.snapshot());
                Thread.sleep(1);
            }
            await(() -> rig.bypass.onLink("y", "x"), "y -> x linked again");

            // the guest watch says y's VM lost its port device: y's link goes, none while it is absent
            GuestDeviceWatch.Listener guests = rig.bypass.guestWatchListener();
            guests.guestAbsent("y", "port device gone from its domain");
            await(() -> rig.bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE && v.state() == LinkState.CLOSED),
                    "y's link reverted while its guest is absent");
            rig.jumped.addAndGet(TimeUnit.SECONDS.toNanos(60));
            for (int i = 0; i < 50; i++) {
                Thread.sleep(2);
                assertTrue(rig.bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE),
                        "linked while y's guest is absent: " + rig.bypass.snapshot());
            }
            assertTrue(rig.bypass.snapshot().getFirst().lastProblem().contains("guest of port y absent"),
                    rig.bypass.snapshot().toString());
            guests.guestPresent("y");
            await(() -> rig.bypass.onLink("y", "x"), "y -> x linked once y's guest is back");
            rig.stopAndCheck();
            assertTrue(rig.supervisor.reverts() >= 3, "two-way, reshape, held revert, stop: reverts=" + rig.supervisor.reverts());
            assertEquals(0, rig.supervisor.forcedReverts() + rig.supervisor.rollbacks());
        }
    }

    /**
     * With standby links: a reverted link leaves a standby one (mapped, carrying nothing while the
     * traffic goes through the switch) that the next point-to-point verdict activates; a re-shaping,
     * an absent guest, a link another pair wants on one of its ports, and the stop drop it.
     */
    @Test
    void aRevertedLinkLeavesAStandbyLinkThatTheNextVerdictActivates() throws Exception {
        try (Rig rig = new Rig(true)) {
            Map<String, Boolean> verdicts = rig.verdicts;
            BypassController bypass = rig.bypass;
            LinkSupervisor supervisor = rig.supervisor;
            verdicts.put("x>y", true);
            bypass.verdictsChanged();
            await(() -> bypass.onLink("x", "y"), "x -> y on a link");
            assertEquals(0, standbyOf(bypass), "no standby before a link was reverted");

            verdicts.put("x>y", false);
            bypass.verdictsChanged();
            await(() -> standbyOf(bypass) != 0, "a standby link once x -> y was reverted");
            long standby = standbyOf(bypass);
            assertEquals(LinkState.STANDBY, supervisor.linkOf("x").state());
            assertEquals(LinkShape.A_TO_B, bypass.snapshot().getFirst().standbyShape());
            long onLink = supervisor.direction("x", "y").packets();
            long received = rig.gy.received.get();
            await(() -> rig.gy.received.get() > received + 200, "traffic x -> y through the switch");
            assertEquals(onLink, supervisor.direction("x", "y").packets(), "nothing on a standby link");
            assertTrue(bypass.holdDecider().holdBefore("test", flowMod(11, 98)) == null,
                    "a flow change is not held for a standby link");

            verdicts.put("x>y", true);
            bypass.verdictsChanged();
            await(() -> bypass.onLink("x", "y"), "x -> y on a link again");
            assertEquals(standby, bypass.snapshot().getFirst().linkId(), "the standby link was activated");
            long activated = supervisor.direction("x", "y").packets();
            await(() -> supervisor.direction("x", "y").packets() > activated + 100, "traffic on the activated link");

            verdicts.put("x>y", false);
            bypass.verdictsChanged();
            await(() -> standbyOf(bypass) != 0 && standbyOf(bypass) != standby, "a new standby link");
            // re-shaping: the pair now wants y -> x; the x -> y standby goes, y -> x is established anew
            verdicts.put("y>x", true);
            bypass.verdictsChanged();
            await(() -> bypass.onLink("y", "x"), "y -> x on a link");
            assertEquals(0, standbyOf(bypass));
            assertEquals(1, supervisor.links().size(), supervisor.links().toString());

            verdicts.put("y>x", false);
            bypass.verdictsChanged();
            await(() -> standbyOf(bypass) != 0, "a y -> x standby link");
            assertEquals(LinkShape.B_TO_A, bypass.snapshot().getFirst().standbyShape());
            // x's guest goes away: the standby goes and is not made again when it is back
            GuestDeviceWatch.Listener guests = bypass.guestWatchListener();
            guests.guestAbsent("x", "port device gone from its domain");
            await(() -> supervisor.links().isEmpty() && standbyOf(bypass) == 0, "the standby dropped");
            guests.guestPresent("x");
            for (int i = 0; i < 50; i++) {
                Thread.sleep(2);
                assertTrue(supervisor.links().isEmpty(), "a standby made without a reverted link: " + supervisor.links());
            }

            // another pair wants a port of a standby link: the standby goes first, and is not made again
            verdicts.put("x>y", true);
            bypass.verdictsChanged();
            await(() -> bypass.onLink("x", "y"), "x -> y on a link");
            verdicts.put("x>y", false);
            bypass.verdictsChanged();
            await(() -> standbyOf(bypass) != 0, "an x -> y standby link");
            verdicts.put("z>y", true);
            bypass.verdictsChanged();
            await(() -> bypass.onLink("z", "y"), "z -> y linked, y taken from the x -> y standby");
            for (int i = 0; i < 50; i++) {
                Thread.sleep(2);
                assertEquals(1, supervisor.links().size(), "x <-> y made a standby again: " + supervisor.links());
            }
            verdicts.put("z>y", false);
            bypass.verdictsChanged();
            await(() -> bypass.snapshot().stream().anyMatch(v -> v.standbyLinkId() != 0 && v.a().equals("y")),
                    "a z -> y standby link");

            rig.stopAndCheck();
            assertEquals(List.of(), supervisor.links(), "the stop dropped the standby link");
            assertEquals(0, supervisor.forcedReverts());
            assertEquals(4, supervisor.rollbacks(), "re-shaping, absent guest, port wanted, stop: each drops one");
        }
    }

    /**
     * A restarted agent with standby links on: the standby link x -> y the killed agent left (both
     * guests mapped it) is its pair's standby link again, carries nothing, and is the link the next
     * point-to-point verdict activates; every frame arrives once and in order.
     */
    @Test
    void aReadoptedStandbyLinkIsKeptAndTheNextVerdictActivatesIt() throws Exception {
        try (Rig rig = new Rig(true, true)) {
            BypassController bypass = rig.bypass;
            LinkSupervisor supervisor = rig.supervisor;
            long leftover = rig.leftoverStandby;
            assertEquals(List.of(leftoverStandby(leftover)), rig.adopted);
            await(() -> standbyOf(bypass) == leftover, "the re-adopted standby link kept as x-y's");
            assertEquals(LinkShape.A_TO_B, bypass.snapshot().getFirst().standbyShape());
            assertEquals(LinkShape.NONE, bypass.snapshot().getFirst().shape());
            assertEquals(LinkState.STANDBY, supervisor.linkOf("x").state());
            Path region = rig.dir.resolve(LinkSupervisor.LINK_FILE_PREFIX + leftover);
            assertTrue(publishedIn(rig.dir.resolve("root-x"), region) && publishedIn(rig.dir.resolve("root-y"), region),
                    "the link device still published to both guests");
            long received = rig.gy.received.get();
            await(() -> rig.gy.received.get() > received + 200, "traffic x -> y through the switch");
            assertEquals(0, supervisor.direction("x", "y").packets(), "nothing on a standby link");

            rig.verdicts.put("x>y", true);
            bypass.verdictsChanged();
            await(() -> bypass.onLink("x", "y"), "x -> y on a link");
            assertEquals(leftover, bypass.snapshot().getFirst().linkId(), "the re-adopted standby link was activated");
            assertEquals(0, standbyOf(bypass));
            assertEquals(List.of(leftover), supervisor.links().stream().map(LinkStatus::linkId).toList());
            await(() -> supervisor.direction("x", "y").packets() > 100, "traffic on the activated link");

            rig.stopAndCheck();
            assertEquals(0, supervisor.rollbacks() + supervisor.forcedReverts());
            assertEquals(1, supervisor.reverts(), "the activated link reverted by the stop");
        }
    }

    /** Standby links off: the standby link a killed agent left is rolled back at once, and the pair linked anew. */
    @Test
    void aReadoptedStandbyLinkIsRolledBackWithStandbyLinksOff() throws Exception {
        try (Rig rig = new Rig(false, true)) {
            BypassController bypass = rig.bypass;
            LinkSupervisor supervisor = rig.supervisor;
            assertEquals(List.of(leftoverStandby(rig.leftoverStandby)), rig.adopted);
            Path region = rig.dir.resolve(LinkSupervisor.LINK_FILE_PREFIX + rig.leftoverStandby);
            await(() -> supervisor.links().isEmpty() && !Files.exists(region) && standbyOf(bypass) == 0,
                    "the re-adopted standby link rolled back");
            assertEquals(1, supervisor.rollbacks());
            for (String root : List.of("root-x", "root-y")) {
                assertTrue(!publishedIn(rig.dir.resolve(root), region), "the link device still published in " + root);
            }

            rig.verdicts.put("x>y", true);
            bypass.verdictsChanged();
            await(() -> bypass.onLink("x", "y"), "x -> y on a link");
            long linkId = bypass.snapshot().getFirst().linkId();
            assertTrue(linkId != rig.leftoverStandby, "a new link: " + linkId);
            await(() -> supervisor.direction("x", "y").packets() > 100, "traffic on the new link");
            rig.stopAndCheck();
            assertEquals(1, supervisor.rollbacks());
            assertEquals(0, supervisor.forcedReverts());
        }
    }

    /** The status a re-adopted standby link x -> y has (the earlier agent's, both guests mapped it). */
    private static LinkStatus leftoverStandby(long linkId) {
        return new LinkStatus(linkId, 1, "x", "y", false, LinkState.STANDBY, LinkOutcome.OPEN);
    }

    /** Whether a device under a guest's sysfs-shaped {@code root} is backed by {@code region}. */
    private static boolean publishedIn(Path root, Path region) throws IOException {
        try (var entries = Files.walk(root)) {
            for (Path p : entries.toList()) {
                if (Files.isSymbolicLink(p) && Files.readSymbolicLink(p).equals(region)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The standby link of pair x-y (the snapshot's first pair), 0 for none. */
    private static long standbyOf(BypassController bypass) {
        return bypass.snapshot().stream().filter(v -> v.a().equals("x") && v.b().equals("y")).findFirst()
                .orElseThrow().standbyLinkId();
    }

    /**
     * Two guests x and y sending sequence-numbered frames to each other through a fake switch, a
     * third guest z that only receives (nothing is sent to it), a supervisor over the local publisher
     * and a bypass controller whose verdicts the test sets.
     */
    private static final class Rig implements AutoCloseable {
        final Path dir;
        final PortRegion portX;
        final PortRegion portY;
        final PortRegion portZ;
        final GatedAttacher attacher;
        final Map<String, Boolean> verdicts = new ConcurrentHashMap<>();
        final AtomicBoolean switching = new AtomicBoolean(true);
        /** The controller's clock: real time plus what the test adds to jump over a cool-down. */
        final java.util.concurrent.atomic.AtomicLong jumped = new java.util.concurrent.atomic.AtomicLong();
        final GuestPort x;
        final GuestPort y;
        final GuestPort z;
        final FakeMemifSwitch xToY;
        final FakeMemifSwitch yToX;
        /** z sends nothing but FENCE frames on its own ring (its idle bursts): they reach y. */
        final FakeMemifSwitch zToY;
        final LinkSupervisor supervisor;
        final SequencedTestGuest gx;
        final SequencedTestGuest gy;
        final SequencedTestGuest gz;
        final List<Thread> threads = new java.util.ArrayList<>();
        final BypassController bypass;
        /** The standby link x -> y an earlier agent left and this rig's supervisor re-adopted; 0: none. */
        final long leftoverStandby;
        /** What this rig's supervisor re-adopted and the controller was handed. */
        final List<LinkStatus> adopted;
        private boolean stopped;

        Rig(boolean standby) throws Exception {
            this(standby, false);
        }

        /**
         * @param leftoverStandby an earlier agent (a supervisor of its own) makes a standby link
         *                        x -> y that both guests map and is killed; this rig's supervisor
         *                        re-adopts it and the controller is handed it, as the agent does
         */
        Rig(boolean standby, boolean leftoverStandby) throws Exception {
            dir = Files.createDirectory(Path.of("/dev/shm", "hw-bypass-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
            Path rootX = Files.createDirectory(dir.resolve("root-x"));
            Path rootY = Files.createDirectory(dir.resolve("root-y"));
            Path rootZ = Files.createDirectory(dir.resolve("root-z"));
            RegionFiles files = RegionFiles.in(dir);
            portX = PortRegion.create(files, "port-x", "x", "guest-x");
            portY = PortRegion.create(files, "port-y", "y", "guest-y");
            portZ = PortRegion.create(files, "port-z", "z", "guest-z");
            for (PortRegion p : new PortRegion[] {portX, portY, portZ}) {
                p.nextGeneration();
                p.publishUp();
            }
            new LocalPublisher(rootX).publish(portX.file().path());
            new LocalPublisher(rootY).publish(portY.file().path());
            new LocalPublisher(rootZ).publish(portZ.file().path());
            attacher = new GatedAttacher(new LocalRegionAttacher().guest("guest-x", rootX).guest("guest-y", rootY)
                    .guest("guest-z", rootZ));
            RemapDeadlines deadlines = new RemapDeadlines(Duration.ofSeconds(20), Duration.ofSeconds(20),
                    Duration.ofSeconds(20), Duration.ofSeconds(5));
            x = GuestPort.open(DeviceSource.sysfs(rootX), "x");
            y = GuestPort.open(DeviceSource.sysfs(rootY), "y");
            z = GuestPort.open(DeviceSource.sysfs(rootZ), "z");
            xToY = new FakeMemifSwitch(portX.file().path(), portY.file().path());
            yToX = new FakeMemifSwitch(portY.file().path(), portX.file().path());
            zToY = new FakeMemifSwitch(portZ.file().path(), portY.file().path());
            gx = new SequencedTestGuest(x);
            gy = new SequencedTestGuest(y);
            gz = new SequencedTestGuest(z);
            gz.sending.set(false);
            gz.idleBursts.set(true);
            threads.add(Thread.ofPlatform().name("guest-x").start(gx));
            threads.add(Thread.ofPlatform().name("guest-y").start(gy));
            threads.add(Thread.ofPlatform().name("guest-z").start(gz));
            threads.add(Thread.ofPlatform().name("fake-switch").start(() -> {
                while (switching.get()) {
                    xToY.forward();
                    yToX.forward();
                    zToY.forward();
                    LockSupport.parkNanos(20_000);
                }
            }));
            Map<String, PortEnd> ends = Map.of("x", PortEnd.of(portX), "y", PortEnd.of(portY), "z", PortEnd.of(portZ));
            this.leftoverStandby = leftoverStandby ? standbyOfAKilledAgent(files, deadlines, ends) : 0;
            supervisor = new LinkSupervisor(files, attacher, deadlines, System::nanoTime, s -> { });
            supervisor.startTicking(100_000);
            bypass = new BypassController(supervisor,
                    (from, to) -> verdicts.getOrDefault(from + ">" + to, false), ends,
                    Map.of("x", 11L, "y", 12L, "z", 14L), Duration.ZERO, () -> System.nanoTime() + jumped.get());
            if (standby) {
                bypass.keepStandbyLinks();
            }
            // as HighwayAgent.adoptLeftoverLinks: after the options are set, before the controller starts
            adopted = leftoverStandby ? supervisor.adoptLeftovers(ends).get(60, TimeUnit.SECONDS) : List.of();
            adopted.forEach(bypass::adopted);
            bypass.start();
        }

        /**
         * An earlier agent's supervisor makes a standby link x -> y, both guests map it, and the
         * agent is killed (its supervisor stops ticking; the link, its region and its devices stay).
         */
        private long standbyOfAKilledAgent(RegionFiles files, RemapDeadlines deadlines, Map<String, PortEnd> ends)
                throws Exception {
            LinkSupervisor earlier = new LinkSupervisor(files, attacher, deadlines, System::nanoTime, s -> { });
            earlier.startTicking(100_000);
            // STANDBY once both guests mapped it (the tests check the state it is re-adopted in)
            LinkStatus standing = earlier.standby(ends.get("x"), ends.get("y"), false).get(60, TimeUnit.SECONDS);
            earlier.close();
            return standing.linkId();
        }

        /**
         * Stops the controller (reverting every link) and the guests, and checks that every frame
         * arrived once and in order, no FENCE reached the application, and switch traffic plus link
         * counters equal what was sent (also as the proxy adds them to OVS's port statistics).
         */
        void stopAndCheck() throws InterruptedException {
            stopped = true;
            bypass.revertAllAndStop(Duration.ofSeconds(30));
            gx.stopSending();
            gy.stopSending();
            assertTrue(bypass.snapshot().stream().allMatch(v -> v.shape() == LinkShape.NONE), bypass.snapshot().toString());
            assertEquals(List.of(), supervisor.links(), "no link open after stop");
            for (int i = 0; i < 20_000 && (gy.received.get() < gx.sent.get() || gx.received.get() < gy.sent.get()); i++) {
                Thread.sleep(1);
            }
            stopThreads();
            for (SequencedTestGuest g : List.of(gx, gy, gz)) {
                if (g.failure != null) {
                    throw new AssertionError("a guest failed", g.failure);
                }
            }
            assertEquals(0, gx.fencesSeen.get() + gy.fencesSeen.get() + gz.fencesSeen.get(), "FENCE frames reached the application");
            assertEquals(0, gx.outOfOrder.get() + gy.outOfOrder.get(), "lost, reordered or duplicated frames");
            assertEquals(0, gz.received.get(), "z was sent nothing");
            assertEquals(zToY.fencesForwarded, zToY.forwarded, "z sent nothing but FENCE frames");
            assertEquals(gx.sent.get(), gy.received.get(), "frames x sent and y received");
            assertEquals(gy.sent.get(), gx.received.get(), "frames y sent and x received");
            assertEquals(gx.sent.get(), xToY.forwarded - xToY.fencesForwarded + supervisor.direction("x", "y").packets());
            assertEquals(gy.sent.get(), yToX.forwarded - yToX.fencesForwarded + supervisor.direction("y", "x").packets());
            BypassExtraCounters extras = new BypassExtraCounters(supervisor, Map.of(11L, "x", 12L, "y"), null);
            assertEquals(supervisor.direction("x", "y").packets(), extras.port(11).rxPackets());
            assertEquals(supervisor.direction("y", "x").packets(), extras.port(11).txPackets());
            assertEquals(supervisor.direction("x", "y").packets(), extras.port(12).txPackets());
            assertEquals(supervisor.direction("x", "y").bytes(), extras.port(12).txBytes());
            assertTrue(extras.port(13).isZero(), "not a ring port");
        }

        private void stopThreads() throws InterruptedException {
            for (SequencedTestGuest g : List.of(gx, gy, gz)) {
                g.running.set(false);
            }
            switching.set(false);
            for (Thread t : threads) {
                t.join();
            }
        }

        @Override
        public void close() throws Exception {
            try {
                if (!stopped) {
                    bypass.revertAllAndStop(Duration.ofSeconds(30));
                }
                stopThreads();
                supervisor.close();
                for (AutoCloseable c : List.<AutoCloseable>of(xToY, yToX, zToY, x, y, z)) {
                    c.close();
                }
            } finally {
                portX.delete();
                portY.delete();
                portZ.delete();
                try (var s = Files.walk(dir)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** A guest attacher whose unplugs can be held back, as a VM's wait for the guest's ACPI answer. */
    /** Holds unplugs, and plugs, until the test lets them go: a slow VM's, on a test's schedule. */
    private static final class GatedAttacher implements RegionAttacher {
        private final RegionAttacher inner;
        private volatile CountDownLatch gate;
        private volatile boolean waiting;
        private volatile CountDownLatch attachGate;

        GatedAttacher(RegionAttacher inner) {
            this.inner = inner;
        }

        void holdAttaches() {
            attachGate = new CountDownLatch(1);
        }

        void releaseAttaches() {
            attachGate.countDown();
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
            awaitGate(attachGate, "plug");
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
                    awaitGate(g, "unplug");
                } finally {
                    waiting = false;
                }
            }
            inner.detach(attached);
        }

        private static void awaitGate(CountDownLatch g, String what) throws IOException {
            if (g == null) {
                return;
            }
            try {
                if (!g.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("test never released the " + what);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted in a held " + what, e);
            }
        }

        @Override
        public void prepare() {
            inner.prepare();
        }
    }
}
