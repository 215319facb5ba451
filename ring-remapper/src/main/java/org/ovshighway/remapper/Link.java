package org.ovshighway.remapper;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.ovshighway.guest.abi.FenceFrameDescriptor;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.abi.RingCounters;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.remapper.BypassCounters.PortCounters;
import org.ovshighway.remapper.BypassCounters.TrafficCounters;

/**
 * One link between two ring ports and the host side of its remap protocol. Only the
 * {@link LinkSupervisor} thread calls the state-changing methods; {@link #status} and the counter
 * readers may be called under the supervisor's counter lock from any thread.
 *
 * <p>Invariants: the region stays mapped and attached until CLOSED; DETACH is published before
 * usable is cleared (a guest that sees usable cleared finds DETACH on its next look and never maps
 * the link again); the guests' requests are never ATTACH for a CLOSED link.
 */
final class Link {
    private static final System.Logger LOG = System.getLogger(Link.class.getName());

    final long linkId;
    final long generation;
    final PortEnd end0;
    final PortEnd end1;
    final boolean twoWay;
    final RegionFile file;
    final MappedRegion mapping;
    final MemorySegment region;
    final List<AttachedRegion> attachments = new ArrayList<>();
    /** Completes when the link is ACTIVE or ended (whichever first). */
    final CompletableFuture<LinkStatus> established = new CompletableFuture<>();
    /** Completes when a standby link is STANDBY, or when the link is ACTIVE or ended (whichever first). */
    final CompletableFuture<LinkStatus> ready = new CompletableFuture<>();
    /** Completes when the link is CLOSED. */
    final CompletableFuture<LinkStatus> closed = new CompletableFuture<>();
    /**
     * Completed with the outcome once no guest uses the link any more (reverted: every frame taken
     * and both unmapped; forced or rolled back: the grace time is over), before its devices are
     * detached and its region deleted.
     */
    final CompletableFuture<LinkOutcome> guestsOff = new CompletableFuture<>();

    private volatile LinkState state = LinkState.ATTACHING;
    private volatile LinkOutcome outcome = LinkOutcome.OPEN;
    private long deadline;
    private boolean revertRequested;
    /** Once both ends mapped, wait in STANDBY for {@link #activate} instead of publishing usable. */
    private boolean standby;
    private long detachWord0;
    private long detachWord1;
    private boolean detachPublished;

    Link(long linkId, long generation, PortEnd end0, PortEnd end1, boolean twoWay, RegionFile file,
         MappedRegion mapping) {
        this.linkId = linkId;
        this.generation = generation;
        this.end0 = end0;
        this.end1 = end1;
        this.twoWay = twoWay;
        this.file = file;
        this.mapping = mapping;
        this.region = mapping.segment();
    }

    /** Makes it a standby link: once both ends mapped it waits in STANDBY for {@link #activate}. Before the first step. */
    void holdInStandby() {
        standby = true;
    }

    /** Whether it is a standby link not activated yet. */
    boolean standingBy() {
        return standby;
    }

    /**
     * Ends the standby: usable is published on the next step once both ends mapped (at once in
     * STANDBY). A link that is not a standby one, or is already on its way down, is left as is.
     */
    void activate() {
        standby = false;
    }

    LinkState state() {
        return state;
    }

    LinkOutcome outcome() {
        return outcome;
    }

    LinkStatus status() {
        return new LinkStatus(linkId, generation, end0.port(), end1.port(), twoWay, state, outcome);
    }

    /**
     * ATTACHING, once the region is attached to both guests ({@link #attachments} in end order):
     * publishes ATTACH on both ports, each naming its guest's device when the attacher knows its
     * address; the map deadline starts.
     */
    void publishAttach(long now, RemapDeadlines deadlines) {
        end0.requestAttach(linkId, generation, attachments.get(0).addressWord());
        end1.requestAttach(linkId, generation, attachments.get(1).addressWord());
        deadline = now + deadlines.map().toNanos();
    }

    /**
     * A link an earlier agent left (its region file, its guests' words and requests still there):
     * takes it over in the state its shared words show, deadlines starting now. A link that was
     * ACTIVE (usable, every fence acknowledged, both ports still asked to ATTACH it) stays up; one
     * that was STANDBY (not usable, both ports still asked to ATTACH it, both ends mapped) stands
     * by again, as a standby link, until {@link #activate} or a revert; one that was reverting goes
     * on reverting; any other one not usable yet (an end not mapped, a request that names
     * something else) is rolled back; anything else (a fence never acknowledged, a forced revert,
     * requests that name another link) is forced.
     *
     * @param request0 / request1 the ports' current request words, as PortControl reads them
     */
    void adopt(long now, RemapDeadlines deadlines, PortControl.Request request0, PortControl.Request request1) {
        long usable = LinkControl.acquireUsable(region);
        boolean attached0 = attachRequest(request0);
        boolean attached1 = attachRequest(request1);
        boolean detaching = detachRequest(request0) && detachRequest(request1);
        if (usable == generation && attached0 && attached1 && fencesAcknowledged(FenceFrameDescriptor.SEQUENCE_IN)) {
            state = LinkState.ACTIVE;
            ready.complete(status());
            established.complete(status());
        } else if (usable == generation && detaching) {
            // the revert was under way: its DETACH words are the ones the guests acknowledge
            detachWord0 = request0.word();
            detachWord1 = request1.word();
            detachPublished = true;
            revertRequested = true;
            state = LinkState.REVERTING;
            deadline = now + deadlines.revert().toNanos();
        } else if (usable == 0 && attached0 && attached1 && bothMapped()) {
            // Also what an agent killed between both ends mapped and publishing usable leaves of an
            // ordinary link: the same words. Standing it by is safe either way: nothing is on it and
            // both guests keep their ports' rings; this agent's controller activates, keeps or drops it.
            standby = true;
            state = LinkState.STANDBY;
            deadline = Long.MAX_VALUE;
            ready.complete(status());
        } else if (usable == 0) {
            revertRequested = true;
            publishDetach();
            state = LinkState.ROLLING_BACK;
            deadline = now + deadlines.grace().toNanos();
        } else {
            revertRequested = true;
            state = LinkState.USABLE;
            force(now, deadlines);
        }
        LOG.log(System.Logger.Level.INFO, () -> "adopted link=" + linkId + " " + end0.port() + (twoWay ? "<->" : "->")
                + end1.port() + " as " + state + " (usable=" + usable + " requests " + request0 + " / " + request1 + ")");
    }

    private boolean bothMapped() {
        // pairs with the guests' release in LinkControl.releaseMapped: their ring objects exist
        return LinkControl.acquireMapped(region, 0) == generation && LinkControl.acquireMapped(region, 1) == generation;
    }

    private boolean attachRequest(PortControl.Request request) {
        return request != null && request.opcode() == PortControl.OP_ATTACH && request.linkId() == linkId
                && request.generation() == generation;
    }

    private static boolean detachRequest(PortControl.Request request) {
        return request != null && request.opcode() == PortControl.OP_DETACH;
    }

    /** Asks for the revert; it starts once the link is ACTIVE (or rolls back before usable). */
    void requestRevert() {
        revertRequested = true;
    }

    /**
     * One supervisor step. Returns true when the link is ready to be closed (the supervisor then
     * detaches, folds and deletes, and calls {@link #closedAs}).
     */
    boolean step(long now, RemapDeadlines deadlines) {
        switch (state) {
            case ATTACHING -> {
                boolean mapped = bothMapped();
                if (revertRequested || (!mapped && now - deadline >= 0)) {
                    publishDetach();
                    moveTo(LinkState.ROLLING_BACK, now + deadlines.grace().toNanos());
                } else if (mapped && standby) {
                    moveTo(LinkState.STANDBY, Long.MAX_VALUE);
                    ready.complete(status());
                } else if (mapped) {
                    publishUsable(now, deadlines);
                }
            }
            case STANDBY -> {
                // no deadline: nothing is on a standby link and both guests keep using their old rings
                if (revertRequested) {
                    publishDetach();
                    moveTo(LinkState.ROLLING_BACK, now + deadlines.grace().toNanos());
                } else if (!standby) {
                    publishUsable(now, deadlines);
                }
            }
            case USABLE -> {
                if (fencesAcknowledged(FenceFrameDescriptor.SEQUENCE_IN)) {
                    moveTo(LinkState.ACTIVE, now);
                    ready.complete(status());
                    established.complete(status());
                    if (revertRequested) {
                        startRevert(now, deadlines);
                    }
                } else if (now - deadline >= 0) {
                    force(now, deadlines);
                }
            }
            case ACTIVE -> {
                if (revertRequested) {
                    startRevert(now, deadlines);
                }
            }
            case REVERTING -> {
                if (fencesAcknowledged(FenceFrameDescriptor.SEQUENCE_OUT) && unmapped()) {
                    outcome = LinkOutcome.REVERTED;
                    return true;
                }
                if (now - deadline >= 0) {
                    force(now, deadlines);
                }
            }
            case FORCING -> {
                if (unmapped() || now - deadline >= 0) {
                    outcome = LinkOutcome.FORCED;
                    return true;
                }
            }
            case ROLLING_BACK -> {
                if (unmapped() || now - deadline >= 0) {
                    outcome = LinkOutcome.ROLLED_BACK;
                    return true;
                }
            }
            case CLOSED -> {
            }
        }
        return false;
    }

    /**
     * The agent is stopping and the link did not revert in time: force it now (roll it back when
     * it is not usable yet). Links already forcing, rolling back or closed are left as they are.
     */
    void forceNow(long now, RemapDeadlines deadlines) {
        switch (state) {
            case ATTACHING, STANDBY -> {
                publishDetach();
                moveTo(LinkState.ROLLING_BACK, now + deadlines.grace().toNanos());
            }
            case USABLE, ACTIVE, REVERTING -> force(now, deadlines);
            default -> {
            }
        }
    }

    private void publishUsable(long now, RemapDeadlines deadlines) {
        // pairs with the guests' acquire of usable: both ends mapped, the sender may fence
        LinkControl.releaseUsable(region, generation);
        moveTo(LinkState.USABLE, now + deadlines.fence().toNanos());
    }

    private void startRevert(long now, RemapDeadlines deadlines) {
        publishDetach();
        moveTo(LinkState.REVERTING, now + deadlines.revert().toNanos());
    }

    private void force(long now, RemapDeadlines deadlines) {
        publishDetach();
        // after DETACH (see the class invariant); pairs with the guests' acquire of usable
        LinkControl.releaseUsable(region, LinkControl.USABLE_FORCED);
        LOG.log(System.Logger.Level.WARNING, () -> "forcing the revert of link=" + linkId + " state=" + state
                + " mapped0=" + LinkControl.acquireMapped(region, 0) + " mapped1=" + LinkControl.acquireMapped(region, 1)
                + " fenceAck0=" + LinkControl.acquireFenceAck(region, 0) + " fenceAck1="
                + LinkControl.acquireFenceAck(region, 1));
        moveTo(LinkState.FORCING, now + deadlines.grace().toNanos());
    }

    private void publishDetach() {
        if (!detachPublished) {
            detachWord0 = end0.requestDetach();
            detachWord1 = end1.requestDetach();
            detachPublished = true;
        }
    }

    private boolean unmapped() {
        return LinkControl.acquireMapped(region, 0) == 0 && LinkControl.acquireMapped(region, 1) == 0
                && end0.acknowledged(detachWord0) && end1.acknowledged(detachWord1);
    }

    private boolean fencesAcknowledged(long sequence) {
        // pairs with the receivers' release in LinkControl.releaseFenceAck
        return LinkControl.acquireFenceAck(region, 0) >= sequence
                && (!twoWay || LinkControl.acquireFenceAck(region, 1) >= sequence);
    }

    private void moveTo(LinkState next, long newDeadline) {
        LinkState from = state;
        state = next;
        deadline = newDeadline;
        LOG.log(System.Logger.Level.INFO, () -> "link=" + linkId + " " + end0.port() + (twoWay ? "<->" : "->")
                + end1.port() + " " + from + " -> " + next);
    }

    /** The supervisor closed it (devices detached, counters folded, region deleted). */
    void closedAs(LinkOutcome how) {
        outcome = how;
        state = LinkState.CLOSED;
    }

    /** Completes the link's futures with its final status; after {@link #closedAs}, as the last step of a close. */
    void announceClosed() {
        LinkStatus status = status();
        ready.complete(status);
        established.complete(status);
        closed.complete(status);
    }

    // ------------------------------------------------------------------ counters (under the counter lock)

    /** The ring of {@code direction}, or null on a one-way link's direction 1. */
    private RingLayout ring(int direction) {
        return file.layout().find(direction, 0);
    }

    /**
     * What OVS would have counted for direction {@code direction} had the link not existed: the
     * sender's produced frames, less the FENCE_OUT it put on the link (acknowledged or not yet).
     */
    TrafficCounters sent(int direction) {
        RingLayout ring = ring(direction);
        if (ring == null) {
            return TrafficCounters.ZERO;
        }
        RingCounters c = RingCounters.read(region, ring);
        long fences = fenceOutOnLink(direction);
        return new TrafficCounters(Math.max(0, c.producedPackets() - fences),
                Math.max(0, c.producedBytes() - fences * FenceFrameDescriptor.SIZE));
    }

    /** Frames the receiver of {@code direction} took from the link, less the FENCE_OUT it consumed. */
    TrafficCounters received(int direction) {
        RingLayout ring = ring(direction);
        if (ring == null) {
            return TrafficCounters.ZERO;
        }
        RingCounters c = RingCounters.read(region, ring);
        long fences = LinkControl.acquireFenceAck(region, direction) >= FenceFrameDescriptor.SEQUENCE_OUT ? 1 : 0;
        return new TrafficCounters(Math.max(0, c.consumedPackets() - fences),
                Math.max(0, c.consumedBytes() - fences * FenceFrameDescriptor.SIZE));
    }

    /** 1 once the sender may have put FENCE_OUT on the link (its receiver was ready), else 0. */
    private long fenceOutOnLink(int direction) {
        return LinkControl.acquireRevertReady(region, direction) == generation ? 1 : 0;
    }

    /**
     * What each direction carried, for the log: {@code A->B sent=N received=M} per direction (the
     * guests' own ring counters, less the FENCE_OUT), so a link that ends by revert shows the
     * receiver took every frame its sender put on it.
     */
    String carried() {
        String out = end0.port() + "->" + end1.port() + " sent=" + sent(0).packets() + " received=" + received(0).packets();
        if (twoWay) {
            out += " " + end1.port() + "->" + end0.port() + " sent=" + sent(1).packets() + " received="
                    + received(1).packets();
        }
        return out;
    }

    /** Frames put on the link that its receivers did not take, both directions (never below 0). */
    long framesLeft() {
        long left = Math.max(0, sent(0).packets() - received(0).packets());
        if (twoWay) {
            left += Math.max(0, sent(1).packets() - received(1).packets());
        }
        return left;
    }

    /** Extra counters of {@code port} from this link (zero for a port not on it). */
    PortCounters portCounters(String port) {
        PortCounters sum = PortCounters.ZERO;
        if (port.equals(end0.port())) {
            sum = sum.plus(portSide(0));
        }
        if (port.equals(end1.port())) {
            sum = sum.plus(portSide(1));
        }
        return sum;
    }

    private PortCounters portSide(int end) {
        TrafficCounters sent = sent(end);
        TrafficCounters got = received(1 - end);
        return new PortCounters(sent.packets(), sent.bytes(), got.packets(), got.bytes());
    }

    /** Traffic of direction {@code from} -> {@code to} on this link. */
    TrafficCounters directionCounters(String from, String to) {
        if (from.equals(end0.port()) && to.equals(end1.port())) {
            return sent(0);
        }
        if (twoWay && from.equals(end1.port()) && to.equals(end0.port())) {
            return sent(1);
        }
        return TrafficCounters.ZERO;
    }
}
