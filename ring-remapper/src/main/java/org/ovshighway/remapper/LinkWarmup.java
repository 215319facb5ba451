package org.ovshighway.remapper;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.ovshighway.guest.abi.FenceFrameDescriptor;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * Takes a private {@link LinkSupervisor} through establish and revert cycles of a scratch link
 * between two scratch ports, in a scratch directory, playing both guests' part through the shared
 * words (mapped, fence acknowledgements, revertReady, request acknowledgements), so that the JIT
 * has compiled the agent's establish path (spare claim, attach through the agent's own
 * {@link RegionAttacher}, ATTACH publication, the supervisor's steps, detach, counter folding,
 * region deletion, spare refill) before the first real link. An agent establishes a link a few
 * times a minute at most: without this, that code runs interpreted, and the JIT compiles it while
 * the traffic waits for the link (docs/benchmarks.md, bypass).
 *
 * <p>Nothing here touches the agent's real ports, links or region directory: the caller gives a
 * scratch directory (removed again, whatever happens) and an attacher whose two guests are scratch
 * guests (e.g. sysfs-shaped roots in that directory). The supervisor's ticks run on the caller's
 * thread; the caller decides which thread that is and whether its log lines are wanted.
 */
public final class LinkWarmup {
    /** Names of the two scratch ports (and the link's ends). */
    public static final String PORT0 = "warmup-0";
    public static final String PORT1 = "warmup-1";
    private static final System.Logger LOG = System.getLogger(LinkWarmup.class.getName());
    /** Generous: a cycle never waits for a deadline, it only must not hit one on a slow machine. */
    private static final RemapDeadlines DEADLINES = new RemapDeadlines(Duration.ofMinutes(1), Duration.ofMinutes(1),
            Duration.ofMinutes(1), Duration.ofMinutes(1));

    private LinkWarmup() {
    }

    /**
     * Runs {@code cycles} cycles in {@code scratch} (an existing, empty directory, deleted with
     * everything in it at the end), attaching through {@code attacher} to guests {@code guest0} and
     * {@code guest1}. Returns the cycles that completed: fewer when the thread is interrupted or a
     * cycle does not go as the protocol says (logged; the warm-up is never an error).
     */
    public static int run(Path scratch, RegionAttacher attacher, String guest0, String guest1, int cycles) {
        Objects.requireNonNull(scratch, "scratch");
        Objects.requireNonNull(attacher, "attacher");
        int done = 0;
        RegionFiles files = RegionFiles.in(scratch);
        try (PortRegion port0 = PortRegion.create(files, "warmup-port-0", PORT0, guest0);
             PortRegion port1 = PortRegion.create(files, "warmup-port-1", PORT1, guest1);
             LinkSupervisor supervisor = new LinkSupervisor(files, attacher, DEADLINES, System::nanoTime, s -> { })) {
            supervisor.keepSpareRegions();
            supervisor.tick();   // makes the spares
            PortEnd end0 = PortEnd.of(port0);
            PortEnd end1 = PortEnd.of(port1);
            for (; done < cycles && !Thread.currentThread().isInterrupted(); done++) {
                if (!cycle(supervisor, scratch, end0, end1, port0.segment(), port1.segment(), done % 4 == 3)) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "link warm-up stopped after cycles=" + done + ": " + e);
        } finally {
            deleteTree(scratch);
        }
        return done;
    }

    /** One establish/revert cycle, one-way or two-way; false (logged) when the link did not follow the protocol. */
    private static boolean cycle(LinkSupervisor supervisor, Path scratch, PortEnd end0, PortEnd end1,
                                 MemorySegment port0, MemorySegment port1, boolean twoWay) throws IOException {
        CompletableFuture<LinkStatus> established = supervisor.establish(end0, end1, twoWay);
        supervisor.tick();
        LinkStatus opened = supervisor.linkOf(PORT0);
        if (opened == null) {
            return stopped("the link did not open: " + established.getNow(null));
        }
        long generation = opened.generation();
        Path path = scratch.resolve(LinkSupervisor.LINK_FILE_PREFIX + opened.linkId());
        try (MappedRegion mapping = MappedRegion.map(path)) {
            MemorySegment link = mapping.segment();
            for (int end = 0; end < 2; end++) {
                LinkControl.releaseMapped(link, end, generation);
            }
            acknowledge(port0);
            acknowledge(port1);
            supervisor.tick();
            for (int d = 0; d < (twoWay ? 2 : 1); d++) {
                LinkControl.releaseFenceAck(link, d, FenceFrameDescriptor.SEQUENCE_IN);
            }
            supervisor.tick();
            if (established.getNow(null) == null || established.join().state() != LinkState.ACTIVE) {
                return stopped("the link did not become active: " + supervisor.linkOf(PORT0));
            }
            CompletableFuture<LinkStatus> reverted = supervisor.revert(opened.linkId());
            supervisor.tick();
            for (int d = 0; d < (twoWay ? 2 : 1); d++) {
                LinkControl.releaseRevertReady(link, d, generation);
                LinkControl.releaseFenceAck(link, d, FenceFrameDescriptor.SEQUENCE_OUT);
            }
            for (int end = 0; end < 2; end++) {
                LinkControl.releaseMapped(link, end, 0);
            }
            acknowledge(port0);
            acknowledge(port1);
            supervisor.tick();
            if (reverted.getNow(null) == null || reverted.join().outcome() != LinkOutcome.REVERTED) {
                return stopped("the link was not reverted: " + supervisor.linkOf(PORT0));
            }
        }
        supervisor.tick();   // refills the spare it used
        return true;
    }

    /** The guest's acknowledgement of the port's current request. */
    private static void acknowledge(MemorySegment port) {
        PortControl.acknowledge(port, PortControl.acquireRequestWord(port), PortControl.STATUS_DONE);
    }

    private static boolean stopped(String why) {
        LOG.log(System.Logger.Level.WARNING, "link warm-up stopped: " + why);
        return false;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove the link warm-up's scratch directory path=" + dir + ": " + e);
        }
    }
}
