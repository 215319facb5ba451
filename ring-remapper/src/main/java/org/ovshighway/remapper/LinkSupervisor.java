package org.ovshighway.remapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.remapper.BypassCounters.PortCounters;
import org.ovshighway.remapper.BypassCounters.TrafficCounters;

/**
 * Drives every link of one agent through its lifecycle ({@link LinkState}) on a single thread:
 * {@link #tick} looks at each open link's shared words once and moves it on, or rolls it back /
 * forces it when its deadline passed. No thread per link; {@link #establish} and {@link #revert}
 * may be called from any thread and take effect on the next tick.
 *
 * <p>It is also the {@link BypassCounters} supplier: ended links are folded into a
 * {@link PortCounterBase} in the same critical section that removes them from the open set, so a
 * reader never misses or double-counts a link.
 */
public final class LinkSupervisor implements BypassCounters, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LinkSupervisor.class.getName());
    /** For the DEBUG timing line of {@link #open}: this thread's CPU time. */
    private static final ThreadMXBean THREAD_CPU = ManagementFactory.getThreadMXBean();

    private final RegionFiles files;
    private final RegionAttacher attacher;
    private final RemapDeadlines deadlines;
    private final LongSupplier clock;
    private final Consumer<LinkStatus> listener;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** Open links by id; guarded by {@link #base} for readers, changed only by the tick thread. */
    private final Map<Long, Link> links = new LinkedHashMap<>();
    private final PortCounterBase base = new PortCounterBase();
    private final AtomicLong nextLinkId;
    private final AtomicLong forcedReverts = new AtomicLong();
    private final AtomicLong rollbacks = new AtomicLong();
    private final AtomicLong reverts = new AtomicLong();
    /** Pre-initialised link regions, or null (every link creates its own); tick thread only. */
    private SpareLinkRegions spares;
    /**
     * The attacher readied its next attach since the last link was attached
     * ({@link RegionAttacher#prepare}); tick thread only.
     */
    private boolean attachPrepared;
    private long lastPrepare;
    /** Idle, the attacher is asked again this often (what it readied may have gone, a guest may be new). */
    private static final long PREPARE_AGAIN_NANOS = 1_000_000_000L;

    /**
     * @param files    where link regions are created
     * @param attacher how they reach the guests
     * @param deadlines how long each state may take
     * @param clock    nanosecond clock (System::nanoTime; tests pass their own)
     * @param listener told about every state change (on the tick thread; keep it short)
     */
    public LinkSupervisor(RegionFiles files, RegionAttacher attacher, RemapDeadlines deadlines, LongSupplier clock,
                          Consumer<LinkStatus> listener) {
        this.files = Objects.requireNonNull(files, "files");
        this.attacher = Objects.requireNonNull(attacher, "attacher");
        this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        // ids unique across agent restarts: a guest never confuses a new link with an old one
        this.nextLinkId = new AtomicLong(System.currentTimeMillis() * 1000);
    }

    /**
     * Asks for a link between {@code end0} and {@code end1}: direction 0 is end0 -> end1; with
     * {@code twoWay} also end1 -> end0. The future completes with the status once the link is
     * ACTIVE, or once it ended without becoming active (ROLLED_BACK, FORCED or FAILED).
     */
    public CompletableFuture<LinkStatus> establish(PortEnd end0, PortEnd end1, boolean twoWay) {
        return open(end0, end1, twoWay, false);
    }

    /**
     * Asks for a standby link between {@code end0} and {@code end1} (as {@link #establish}): made,
     * attached and mapped by both guests like any link, but {@code usable} is withheld, so both
     * guests keep sending and receiving on their ports' rings and nothing is on it. It waits in
     * STANDBY, without a deadline, until {@link #activate} (then it goes on as an established
     * link would from both ends mapped) or a {@link #revert} (rolled back). It takes the region,
     * the devices and the guests' mapping off the establish path of a pair expected to be linked
     * again. The future completes once the link is STANDBY, or ended without getting there.
     */
    public CompletableFuture<LinkStatus> standby(PortEnd end0, PortEnd end1, boolean twoWay) {
        return open(end0, end1, twoWay, true);
    }

    private CompletableFuture<LinkStatus> open(PortEnd end0, PortEnd end1, boolean twoWay, boolean standby) {
        Objects.requireNonNull(end0, "end0");
        Objects.requireNonNull(end1, "end1");
        if (end0.port().equals(end1.port())) {
            throw new IllegalArgumentException("a link needs two ports: port=" + end0.port());
        }
        long linkId = nextLinkId.incrementAndGet();
        CompletableFuture<LinkStatus> result = new CompletableFuture<>();
        long asked = clock.getAsLong();
        submit(() -> open(linkId, end0, end1, twoWay, standby, result, asked));
        return result;
    }

    /**
     * Ends the standby of link {@code linkId} ({@link #standby}): usable is published on the
     * supervisor's next tick (once both ends mapped, when it is still ATTACHING). The future
     * completes as {@link #establish}'s does: once the link is ACTIVE, or ended without becoming
     * active; exceptionally when no such link is open or it is not a standby link.
     */
    public CompletableFuture<LinkStatus> activate(long linkId) {
        CompletableFuture<LinkStatus> result = new CompletableFuture<>();
        submit(() -> {
            Link link = links.get(linkId);
            if (link == null || !link.standingBy()) {
                result.completeExceptionally(new IllegalStateException("no standby link to activate: linkId=" + linkId
                        + " state=" + (link == null ? "none" : link.state())));
                return;
            }
            link.activate();
            link.established.whenComplete((status, e) -> result.complete(status));
            // now, not on the next tick: the traffic waits for usable
            step(link, clock.getAsLong());
        });
        return result;
    }

    /**
     * Asks for link {@code linkId} to be reverted (rolled back if not yet usable). The future
     * completes when it is CLOSED; exceptionally when no such link is open.
     */
    public CompletableFuture<LinkStatus> revert(long linkId) {
        return revert(linkId, outcome -> { });
    }

    /**
     * {@link #revert(long)}, telling {@code guestsOff} (on the supervisor thread; keep it short)
     * once no guest uses the link any more, before its devices are detached (a VM's unplug takes
     * the guest's ACPI round trip) and its region is deleted: from then on the link's traffic goes
     * through the switch. Not called when there is no such link.
     */
    public CompletableFuture<LinkStatus> revert(long linkId, Consumer<LinkOutcome> guestsOff) {
        CompletableFuture<LinkStatus> result = new CompletableFuture<>();
        submit(() -> {
            Link link = links.get(linkId);
            if (link == null) {
                result.completeExceptionally(new IllegalArgumentException("no open link: linkId=" + linkId));
                return;
            }
            link.requestRevert();
            link.guestsOff.thenAccept(guestsOff);
            link.closed.whenComplete((status, e) -> result.complete(status));
        });
        return result;
    }

    /**
     * Forces every open link now (rolls back those not usable yet), for an agent that stops and
     * could not revert them in time: the guests get DETACH with {@code usable} cleared and the
     * grace time to unmap, then the devices are detached and the regions deleted. The future
     * completes when every link open at that moment is CLOSED.
     */
    public CompletableFuture<Void> forceAll() {
        CompletableFuture<Void> all = new CompletableFuture<>();
        submit(() -> {
            List<CompletableFuture<LinkStatus>> closing = new ArrayList<>();
            long now = clock.getAsLong();
            for (Link link : links.values()) {
                link.requestRevert();
                link.forceNow(now, deadlines);
                closing.add(link.closed);
            }
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> all.complete(null));
        });
        return all;
    }

    /**
     * From now on keeps one initialised spare region per link shape and gives new links a spare
     * instead of creating their region on the establish path (see {@link SpareLinkRegions}).
     * Spares are made on the tick thread while no link is being established or reverted, and
     * deleted by {@link #close}. Call before {@link #startTicking}.
     */
    public void keepSpareRegions() {
        if (spares == null) {
            spares = new SpareLinkRegions(files);
        }
    }

    /** Links that got a spare region, and links that had to create theirs (0, 0 without spares). */
    public long[] spareRegionUse() {
        SpareLinkRegions s = spares;
        return s == null ? new long[] {0, 0} : new long[] {s.claimed(), s.missed()};
    }

    /**
     * Completes on the supervisor thread once the tick in progress and every command submitted
     * before this one are done. A caller told that a link's guests left it ({@code guestsOff} of
     * {@link #revert(long, Consumer)}, which fires as the link starts to close) then also sees the
     * link closed: devices detached, region deleted, counters folded, outcome counted.
     */
    public CompletableFuture<Void> afterPendingWork() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(() -> done.complete(null));
        return done;
    }

    private void submit(Runnable command) {
        commands.add(command);
        // the ticker parks between ticks: a command takes effect now, not a period later
        Thread t = ticker;
        if (t != null) {
            java.util.concurrent.locks.LockSupport.unpark(t);
        }
    }

    /** Prefix of every link region file name ({@code hwlink-<linkId>}). */
    public static final String LINK_FILE_PREFIX = "hwlink-";

    /**
     * Takes over the link regions an earlier agent left for these ports (agent restart, e.g.
     * after kill -9): links whose two ends are in {@code ends} are adopted in the state their
     * shared words show (see Link#adopt; an ACTIVE link keeps carrying traffic and is never
     * interrupted; a STANDBY one stands by again as a standby link, for {@link #activate} or
     * {@link #revert}). A region naming one known port and one that is not configured is not
     * adopted: the known end is asked to DETACH and the region is reported. Regions of other
     * agents' ports are left alone; unreadable ones are reported and left alone. Completes, on the
     * supervisor thread's next tick, with the adopted links' status.
     */
    public CompletableFuture<List<LinkStatus>> adoptLeftovers(Map<String, PortEnd> ends) {
        CompletableFuture<List<LinkStatus>> result = new CompletableFuture<>();
        submit(() -> {
            List<LinkStatus> adopted = new ArrayList<>();
            List<Path> candidates;
            try {
                candidates = files.existingWithPrefix(LINK_FILE_PREFIX);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot list link regions to re-adopt: " + e, e);
                result.complete(adopted);
                return;
            }
            for (Path path : candidates) {
                Link link = adoptOne(path, ends);
                if (link != null) {
                    adopted.add(link.status());
                }
            }
            result.complete(adopted);
        });
        return result;
    }

    private Link adoptOne(Path path, Map<String, PortEnd> ends) {
        MappedRegion mapping;
        try {
            mapping = MappedRegion.map(path);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot map link region path=" + path + " to re-adopt it: " + e);
            return null;
        }
        ValidatedRegion validated;
        try {
            validated = RegionValidator.validate(mapping.segment());
        } catch (RegionFormatException e) {
            mapping.close();
            LOG.log(System.Logger.Level.WARNING, "not re-adopting path=" + path + ": not a valid region: " + e.getMessage());
            return null;
        }
        RegionIdentity id = validated.identity();
        PortEnd end0 = ends.get(id.name0());
        PortEnd end1 = ends.get(id.name1());
        if (id.kind() != RegionKind.LINK || (end0 == null && end1 == null)
                || !path.getFileName().toString().equals(LINK_FILE_PREFIX + id.linkId())) {
            mapping.close();
            return null;   // another agent's link, or not a link region this agent names
        }
        if (end0 == null || end1 == null) {
            mapping.close();
            LOG.log(System.Logger.Level.WARNING, "not re-adopting link region path=" + path + ": it names port "
                    + (end0 == null ? id.name0() : id.name1()) + ", which is not configured; the other end gets DETACH"
                    + " (remove the region, and a VM's hwlink device, by hand once its guest left it)");
            PortEnd known = end0 != null ? end0 : end1;
            PortControl.Request request = known.currentRequest();
            if (request != null && request.opcode() == PortControl.OP_ATTACH && request.linkId() == id.linkId()) {
                known.requestDetach();
            }
            return null;
        }
        synchronized (base) {
            for (Link other : links.values()) {
                if (other.linkId == id.linkId()) {
                    mapping.close();
                    return null;
                }
            }
        }
        boolean twoWay = validated.layout().find(1, 0) != null;
        RegionFile file = new RegionFile(path, validated.layout(), id, files.onHugetlbfs(path));
        Link link = new Link(id.linkId(), id.generation(), end0, end1, twoWay, file, mapping);
        try {
            for (PortEnd end : List.of(end0, end1)) {
                link.attachments.add(attacher.adopt(end.guest(), path, LINK_FILE_PREFIX + id.linkId()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot re-adopt the attachments of link region path=" + path
                    + "; forcing the link (rolling it back when not usable): " + e);
        }
        link.adopt(clock.getAsLong(), deadlines, end0.currentRequest(), end1.currentRequest());
        // only a link whose two devices were taken over is kept (this agent detaches them when it ends)
        if (link.attachments.size() != 2 && (link.state() == LinkState.ACTIVE || link.state() == LinkState.STANDBY)) {
            link.forceNow(clock.getAsLong(), deadlines);
        }
        synchronized (base) {
            links.put(link.linkId, link);
        }
        listener.accept(link.status());
        return link;
    }

    /** The link (open) a port belongs to, or null. Any thread. */
    public LinkStatus linkOf(String port) {
        synchronized (base) {
            for (Link link : links.values()) {
                if (link.end0.port().equals(port) || link.end1.port().equals(port)) {
                    return link.status();
                }
            }
            return null;
        }
    }

    /** Snapshots of the open links. Any thread. */
    public List<LinkStatus> links() {
        synchronized (base) {
            List<LinkStatus> out = new ArrayList<>();
            for (Link link : links.values()) {
                out.add(link.status());
            }
            return out;
        }
    }

    /** One step of every link; runs queued commands first. Supervisor thread only. */
    public void tick() {
        for (Runnable command = commands.poll(); command != null; command = commands.poll()) {
            command.run();
        }
        long now = clock.getAsLong();
        for (Link link : List.copyOf(links.values())) {
            step(link, now);
        }
        if (spares != null && spares.wantsRefill() && commands.isEmpty() && settled()) {
            spares.refill();
        }
        if ((!attachPrepared || now - lastPrepare > PREPARE_AGAIN_NANOS) && commands.isEmpty() && settled()) {
            attachPrepared = true;
            lastPrepare = now;
            attacher.prepare();
        }
    }

    private void step(Link link, long now) {
        LinkState before = link.state();
        boolean done;
        try {
            done = link.step(now, deadlines);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "link=" + link.linkId + " step failed; closing it: " + e, e);
            done = true;
        }
        if (done) {
            close(link, link.outcome() == LinkOutcome.OPEN ? LinkOutcome.FORCED : link.outcome());
        } else if (link.state() != before) {
            listener.accept(link.status());
        }
    }

    /** No link is on its way up or down (making a spare then delays nobody's state change). */
    private boolean settled() {
        for (Link link : links.values()) {
            if (link.state() != LinkState.ACTIVE && link.state() != LinkState.STANDBY) {
                return false;
            }
        }
        return true;
    }

    private void open(long linkId, PortEnd end0, PortEnd end1, boolean twoWay, boolean standby,
                      CompletableFuture<LinkStatus> result, long asked) {
        long started = clock.getAsLong();
        boolean timed = LOG.isLoggable(System.Logger.Level.DEBUG);
        long cpuStarted = timed ? THREAD_CPU.getCurrentThreadCpuTime() : 0;
        LinkStatus failed = new LinkStatus(linkId, 1, end0.port(), end1.port(), twoWay, LinkState.CLOSED, LinkOutcome.FAILED);
        synchronized (base) {
            for (Link other : links.values()) {
                for (PortEnd end : List.of(end0, end1)) {
                    if (other.end0.port().equals(end.port()) || other.end1.port().equals(end.port())) {
                        result.completeExceptionally(new IllegalStateException("port already on a link: port="
                                + end.port() + " linkId=" + other.linkId));
                        return;
                    }
                }
            }
        }
        long generation = 1;
        RegionIdentity identity = RegionIdentity.link(linkId, generation, end0.port(), end1.port());
        SpareLinkRegions.Claimed spare = spares == null ? null : spares.claim(LINK_FILE_PREFIX + linkId, identity, twoWay);
        RegionFile file;
        MappedRegion mapping;
        if (spare != null) {
            file = spare.file();
            mapping = spare.mapping();
        } else {
            try {
                file = files.create(LINK_FILE_PREFIX + linkId, RegionLayout.link(twoWay), identity);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot create link region linkId=" + linkId + ": " + e, e);
                result.complete(failed);
                return;
            }
            try {
                mapping = MappedRegion.map(file.path());
            } catch (IOException e) {
                RegionFiles.delete(file);
                LOG.log(System.Logger.Level.ERROR, "cannot map link region path=" + file.path() + ": " + e, e);
                result.complete(failed);
                return;
            }
        }
        long regionReady = clock.getAsLong();
        Link link = new Link(linkId, generation, end0, end1, twoWay, file, mapping);
        if (standby) {
            link.holdInStandby();
        }
        long[] attached = new long[2];
        try {
            for (PortEnd end : List.of(end0, end1)) {
                link.attachments.add(attacher.attach(end.guest(), file.path(), LINK_FILE_PREFIX + linkId));
                attached[link.attachments.size() - 1] = clock.getAsLong();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot attach link region linkId=" + linkId + ": " + e, e);
            detachAll(link);
            mapping.close();
            RegionFiles.delete(file);
            result.complete(failed);
            return;
        }
        long published = clock.getAsLong();
        attachPrepared = false;
        link.publishAttach(published, deadlines);
        if (timed) {
            // where the establish path spends its time on this thread (docs/benchmarks.md, bypass); cpu_us
            // far below total_us means it waited (for a core, for I/O), not that its code was slow
            long cpuUs = (THREAD_CPU.getCurrentThreadCpuTime() - cpuStarted) / 1000;
            LOG.log(System.Logger.Level.DEBUG, "link=" + linkId + " attach published: queued_us="
                    + (started - asked) / 1000 + " region_us=" + (regionReady - started) / 1000 + " spare="
                    + (spare != null) + " attach_us=" + (attached[0] - regionReady) / 1000 + ","
                    + (attached[1] - attached[0]) / 1000 + " total_us=" + (published - asked) / 1000 + " cpu_us=" + cpuUs);
        }
        (standby ? link.ready : link.established).whenComplete((status, e) -> result.complete(status));
        synchronized (base) {
            links.put(linkId, link);
        }
        listener.accept(link.status());
    }

    private void close(Link link, LinkOutcome outcome) {
        // the traffic is off the link already: what waits for that need not wait for the unplug
        link.guestsOff.complete(outcome);
        detachAll(link);
        String carried = link.carried();
        long left = link.framesLeft();
        synchronized (base) {
            // fold and forget in one step: readers see either the open link or its folded counters
            for (PortEnd end : List.of(link.end0, link.end1)) {
                base.foldPort(end.port(), link.portCounters(end.port()));
            }
            base.foldDirection(link.end0.port(), link.end1.port(), link.directionCounters(link.end0.port(), link.end1.port()));
            if (link.twoWay) {
                base.foldDirection(link.end1.port(), link.end0.port(),
                        link.directionCounters(link.end1.port(), link.end0.port()));
            }
            // counted with the removal: whoever no longer sees the link sees its outcome counted
            switch (outcome) {
                case FORCED -> forcedReverts.incrementAndGet();
                case ROLLED_BACK -> rollbacks.incrementAndGet();
                case REVERTED -> reverts.incrementAndGet();
                default -> {
                }
            }
            links.remove(link.linkId);
            link.mapping.close();
        }
        RegionFiles.delete(link.file);
        link.closedAs(outcome);
        // a revert drains the link (FENCE_OUT last): a frame left on it would be one lost
        boolean clean = outcome != LinkOutcome.REVERTED || left == 0;
        LOG.log(outcome == LinkOutcome.REVERTED && clean ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                () -> "link=" + link.linkId + " closed outcome=" + outcome + " " + carried
                        + (clean ? "" : " frames_left=" + left + " (the receiver did not take them)"));
        try {
            listener.accept(link.status());
        } finally {
            // last: whoever waits on the link's futures finds its close logged and reported
            link.announceClosed();
        }
    }

    private void detachAll(Link link) {
        for (AttachedRegion attached : link.attachments) {
            try {
                attacher.detach(attached);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot detach link region linkId=" + link.linkId + " guest="
                        + attached.guest() + " name=" + attached.name() + ": " + e, e);
            }
        }
        link.attachments.clear();
    }

    @Override
    public PortCounters port(String port) {
        synchronized (base) {
            PortCounters live = PortCounters.ZERO;
            for (Link link : links.values()) {
                live = live.plus(link.portCounters(port));
            }
            return base.port(port, live);
        }
    }

    @Override
    public TrafficCounters direction(String from, String to) {
        synchronized (base) {
            TrafficCounters live = TrafficCounters.ZERO;
            for (Link link : links.values()) {
                live = live.plus(link.directionCounters(from, to));
            }
            return base.direction(from, to, live);
        }
    }

    /** Links ended by force (a guest stopped after usable). */
    public long forcedReverts() {
        return forcedReverts.get();
    }

    /** Links rolled back before they became usable. */
    public long rollbacks() {
        return rollbacks.get();
    }

    /** Links reverted by the protocol. */
    public long reverts() {
        return reverts.get();
    }

    /**
     * Runs {@link #tick} every {@code periodNanos} on a daemon thread of its own until
     * {@link #close}; returns that thread.
     */
    public Thread startTicking(long periodNanos) {
        return startTicking(periodNanos, periodNanos);
    }

    /**
     * Runs {@link #tick} on a daemon thread of its own until {@link #close}: every
     * {@code periodNanos} while {@link #wantsFastTicks} (a link is on its way up or down and its
     * guests' words are polled), else every {@code idlePeriodNanos}; a command wakes it at once
     * either way. An agent whose links are all ACTIVE (or that has none) then no longer wakes
     * thousands of times a second on a core it shares with polling guests.
     */
    public Thread startTicking(long periodNanos, long idlePeriodNanos) {
        return startTicking(periodNanos, idlePeriodNanos, () -> { });
    }

    /**
     * As {@link #startTicking(long, long)}, running {@code onThreadStart} first on the new thread
     * (e.g. to set its scheduling priority); if it throws, the thread logs that and ticks anyway.
     */
    public Thread startTicking(long periodNanos, long idlePeriodNanos, Runnable onThreadStart) {
        Thread thread = Thread.ofPlatform().daemon().name("highway-link-supervisor").start(() -> {
            try {
                onThreadStart.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "supervisor thread start hook failed: " + e, e);
            }
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    tick();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "supervisor tick failed: " + e, e);
                }
                // a command submitted after this check unparks the thread: the park then returns at once
                java.util.concurrent.locks.LockSupport.parkNanos(wantsFastTicks() ? periodNanos : idlePeriodNanos);
            }
        });
        ticker = thread;
        return thread;
    }

    /**
     * Whether the next tick may have something to do soon: a command is queued, a link is not
     * ACTIVE or STANDBY (its state moves on guests' words or a deadline), or a spare region is
     * missing. An ACTIVE or STANDBY link moves on only by a command (revert, activate, forceAll). Supervisor thread only.
     */
    boolean wantsFastTicks() {
        return !commands.isEmpty() || !settled() || (spares != null && spares.wantsRefill());
    }

    private volatile Thread ticker;

    /**
     * Stops the ticking thread (if any) and deletes the spare regions. Open links stay as they
     * are: the link data path never depends on the agent.
     */
    @Override
    public void close() {
        Thread t = ticker;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (spares != null && (t == null || !t.isAlive())) {
            spares.close();
        }
    }
}
