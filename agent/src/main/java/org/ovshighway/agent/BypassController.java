package org.ovshighway.agent;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.proxy.BundleMessage;
import org.ovshighway.proxy.HoldDecider;
import org.ovshighway.proxy.impact.FlowChangeClassifier;
import org.ovshighway.proxy.impact.FlowChangeImpact;
import org.ovshighway.proxy.stats.FlowAddition;
import org.ovshighway.remapper.LinkOutcome;
import org.ovshighway.remapper.LinkState;
import org.ovshighway.remapper.LinkStatus;
import org.ovshighway.remapper.LinkSupervisor;
import org.ovshighway.remapper.PortEnd;

/**
 * Turns point-to-point verdicts into links: for every pair of ring ports it keeps the link the
 * flow tables allow ({@link LinkShape}), establishing, reverting and re-shaping through the
 * {@link LinkSupervisor}, and it holds a controller's flow change that may break a live link until
 * that link is reverted ({@link #holdDecider}).
 *
 * <p>Threads: one thread ({@value #THREAD}) owns every pair's state; verdict changes, link
 * completions and hold requests reach it as commands. {@link #snapshot} and the hold decider read
 * only volatile immutable snapshots.
 *
 * <p>Safety rules: a pair gets a link only while the detector says so; only once the mirror holds
 * every flow change the proxy forwarded (OVS may not have applied it, nor the flow monitor reported
 * it, when the detector was asked): either the controller's barrier replies and a barrier on the
 * monitor connection say so ({@code relayedChangesMirrored}, {@link MirrorCatchUp}), or
 * {@code quiet} has passed since the last one; never within {@link #HOLD_COOLDOWN} of a revert a
 * held flow change caused (the change must reach the detector first); a failed link backs off
 * before it is tried again. The quiet margin is a heuristic, used only for controllers that send
 * no barrier after their changes: a forwarded flow change that OVS takes longer than that to apply
 * and report can meet a link that is being established; the detector then sees it and the link is
 * reverted.
 *
 * <p>Standby links ({@link #keepStandbyLinks}): a pair whose link was reverted keeps a standby link
 * of the same shape ({@link LinkSupervisor#standby}: mapped by both guests, usable withheld, nothing
 * on it) while it is not point-to-point, and activates it when that shape is wanted again; the
 * same safety rules gate the activation as an establish. A standby never holds a port another
 * pair wants a link on: that pair drops it first, and its pair keeps none until its next link is
 * reverted. An absent guest, a re-shaping and the agent's stop drop it too. A standby link an
 * earlier agent left ({@link #adopted}) is kept as its pair's standby link, or rolled back when
 * standby links are off or the pair or its ports hold another link.
 */
final class BypassController implements AutoCloseable {
    static final String THREAD = "highway-bypass";
    /** Default of {@code quiet}: no link is established within this time of a flow change the proxy forwarded. */
    static final Duration DEFAULT_QUIET = Duration.ofMillis(20);
    /** After a held revert the pair waits this long before it may be linked again. */
    static final Duration HOLD_COOLDOWN = Duration.ofMillis(500);
    /** First wait after a link failed; doubles up to {@link #MAX_BACKOFF}. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(BypassController.class.getName());
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** What the controller needs to know about the flow tables. */
    interface Verdicts {
        /** Whether all of {@code from}'s traffic goes to {@code to} alone now (port names). */
        boolean pointToPoint(String from, String to);

        /**
         * Whether the verdicts reflect the bridge's flow tables (not before the first full read,
         * not during a resync): until they do, no link is established or reverted on them, so a
         * restarted agent or a reconnecting flow monitor never tears down a live link by mistake.
         */
        default boolean known() {
            return true;
        }

        /**
         * The input ports of the rules {@code selected} picks in the current tables, empty while
         * the tables are not known; the default knows no tables.
         */
        default Optional<P2pDetector.RuleInPorts> inPortsOf(Predicate<FlowEntry> selected) {
            return Optional.empty();
        }

        /**
         * Whether {@code rule}, added now, may handle traffic that arrives on OpenFlow port
         * {@code from} ({@link P2pDetector#addedRuleMayHandle}); true while the tables are not
         * known, and by default.
         */
        default boolean addedRuleMayHandle(long from, FlowAddition rule) {
            return true;
        }

        /**
         * The rules all traffic of OpenFlow port {@code from} takes, one per table
         * ({@link P2pDetector#soleFlows}); empty when they cannot be told, and by default.
         */
        default Optional<List<FlowEntry>> soleFlows(long from) {
            return Optional.empty();
        }
    }

    /** What is known of the flow mirror and the changes the proxy relayed ({@link MirrorCatchUp}); any thread. */
    interface RelayedChanges {
        /** Whether the mirror holds every flow change the proxy relayed. */
        boolean mirrored();

        /**
         * Whether the mirror holds every flow change the proxy relayed before the one
         * {@code connection} is relaying now, its only unconfirmed change.
         */
        boolean mirroredBefore(String connection);

        /** Knows nothing: only the quiet margin counts. */
        RelayedChanges UNKNOWN = new RelayedChanges() {
            @Override
            public boolean mirrored() {
                return false;
            }

            @Override
            public boolean mirroredBefore(String connection) {
                return false;
            }
        };
    }

    /**
     * One pair's link as the controller sees it (linkId 0 while it is being established), and its
     * standby link (standbyLinkId 0: none ready); immutable.
     */
    record PairView(String a, String b, LinkShape shape, LinkState state, long linkId, String lastProblem,
                    LinkShape standbyShape, long standbyLinkId) {
    }

    private final LinkSupervisor links;
    private final Verdicts verdicts;
    private final Map<String, PortEnd> ends;
    private final Map<String, Long> ofports;
    private final LongSupplier clock;
    private final LinkedBlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    /** Thread-owned. */
    private final Map<String, Pair> pairs = new TreeMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile List<PairView> snapshot = List.of();
    private final long quietNanos;
    private final RelayedChanges relayedChanges;
    private final OpenBundles bundles = new OpenBundles();
    /** Nanos of the last flow change the proxy forwarded. */
    private volatile long lastForwardedChange;
    /** Thread-owned: ports whose guest cannot use links now (VM without its port device), and why. */
    private final Map<String, String> absentGuests = new TreeMap<>();
    /** Keep a standby link for each pair whose link was reverted; set before {@link #start}. */
    private volatile boolean standbyLinks;
    /** Thread-owned: the agent is stopping, no standby link is made any more. */
    private boolean stopping;

    /** Thread-owned state of one pair. */
    private static final class Pair {
        final String a;
        final String b;
        /** What the open link carries (NONE when none is open or asked for). */
        LinkShape current = LinkShape.NONE;
        long linkId;
        LinkState state = LinkState.CLOSED;
        /** An establish or revert is in flight: wait for its completion. */
        boolean busy;
        /** Not before this (backoff after a failure, cool-down after a held revert). */
        long notBefore;
        Duration backoff = FIRST_BACKOFF;
        String lastProblem = "";
        final List<CompletableFuture<Void>> revertWaiters = new ArrayList<>();
        /** The shape to keep a standby link for (its last link's, once reverted); NONE: none wanted. */
        LinkShape standbyWanted = LinkShape.NONE;
        /** The standby link ready (STANDBY) for this pair, 0 when none; its shape. */
        long standbyId;
        LinkShape standbyShape = LinkShape.NONE;
        /** A standby link is being made or dropped: wait for that. */
        boolean standbyBusy;
        final List<CompletableFuture<Void>> standbyWaiters = new ArrayList<>();

        Pair(String a, String b) {
            this.a = a;
            this.b = b;
        }
    }

    /**
     * @param ends    the ring ports that may be linked, by name
     * @param ofports their OpenFlow numbers, by name (for matching flow changes)
     */
    BypassController(LinkSupervisor links, Verdicts verdicts, Map<String, PortEnd> ends, Map<String, Long> ofports,
                     Duration quiet, LongSupplier clock) {
        this(links, verdicts, ends, ofports, quiet, clock, RelayedChanges.UNKNOWN);
    }

    /**
     * @param relayedChanges whether the mirror is known to hold the flow changes the proxy relayed
     *                       (then no quiet margin is waited)
     */
    BypassController(LinkSupervisor links, Verdicts verdicts, Map<String, PortEnd> ends, Map<String, Long> ofports,
                     Duration quiet, LongSupplier clock, RelayedChanges relayedChanges) {
        this.quietNanos = quiet.toNanos();
        this.relayedChanges = Objects.requireNonNull(relayedChanges, "relayedChanges");
        this.links = Objects.requireNonNull(links, "links");
        this.verdicts = Objects.requireNonNull(verdicts, "verdicts");
        this.ends = Map.copyOf(ends);
        this.ofports = Map.copyOf(ofports);
        this.clock = Objects.requireNonNull(clock, "clock");
        List<String> names = new ArrayList<>(new TreeMap<>(ends).keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                pairs.put(key(names.get(i), names.get(j)), new Pair(names.get(i), names.get(j)));
            }
        }
        this.lastForwardedChange = clock.getAsLong() - quietNanos;
        this.thread = Thread.ofPlatform().name(THREAD).daemon().unstarted(this::loop);
        publishSnapshot();
    }

    private static String key(String a, String b) {
        return a + "\u0000" + b;
    }

    /** From now on each pair whose link is reverted keeps a standby link (see the class comment). Before {@link #start}. */
    void keepStandbyLinks() {
        standbyLinks = true;
    }

    void start() {
        start(() -> { });
    }

    /** Starts the controller's thread, which runs {@code onThreadStart} first (e.g. to set its priority). */
    void start(Runnable onThreadStart) {
        commands.add(onThreadStart);
        thread.start();
    }

    /**
     * A link the supervisor re-adopted from an earlier agent. An ACTIVE one: its pair has it now. A
     * STANDBY one: its pair keeps it as its standby link, as if it had made it, when standby links
     * are on and nothing else holds the pair or its ports; else it is rolled back. The others end
     * by themselves. Any thread.
     */
    void adopted(LinkStatus status) {
        if (status.state() == LinkState.ACTIVE) {
            commands.add(() -> adoptActive(status));
        } else if (status.state() == LinkState.STANDBY) {
            commands.add(() -> adoptStandby(status));
        }
    }

    /** The pair of a link's two ports (in either order), or null when they are not a pair of candidates. */
    private Pair pairOf(LinkStatus status) {
        String first = status.end0().compareTo(status.end1()) < 0 ? status.end0() : status.end1();
        String second = first.equals(status.end0()) ? status.end1() : status.end0();
        return pairs.get(key(first, second));
    }

    private static LinkShape shapeOf(Pair pair, LinkStatus status) {
        return status.twoWay() ? LinkShape.BOTH : status.end0().equals(pair.a) ? LinkShape.A_TO_B : LinkShape.B_TO_A;
    }

    private void adoptActive(LinkStatus status) {
        Pair pair = pairOf(status);
        if (pair == null || pair.busy || pair.current != LinkShape.NONE) {
            LOG.log(System.Logger.Level.WARNING, "re-adopted link linkId=" + status.linkId() + " has no free pair"
                    + " of bypass candidates: " + status);
            return;
        }
        pair.current = shapeOf(pair, status);
        pair.linkId = status.linkId();
        pair.state = LinkState.ACTIVE;
        LOG.log(System.Logger.Level.INFO, "re-adopted link linkId=" + status.linkId() + " " + status.end0()
                + (status.twoWay() ? " <-> " : " -> ") + status.end1() + " carries on");
        publishSnapshot();
    }

    /**
     * Keeps a re-adopted STANDBY link as its pair's standby link (from then on it is one like those
     * {@link #keepStandby} makes), or rolls it back, saying why.
     */
    private void adoptStandby(LinkStatus status) {
        Pair pair = pairOf(status);
        String refused = whyNotKept(pair, status.linkId());
        if (refused != null) {
            rollBackAdoptedStandby(pair, status, refused);
            return;
        }
        LinkShape shape = shapeOf(pair, status);
        pair.standbyId = status.linkId();
        pair.standbyShape = shape;
        pair.standbyWanted = shape;
        LOG.log(System.Logger.Level.INFO, "re-adopted standby link linkId=" + status.linkId() + " " + pair.a + "<->"
                + pair.b + " (" + shape + ")");
        publishSnapshot();
    }

    /** Why a re-adopted standby link {@code linkId} cannot be {@code pair}'s standby link, or null when it can. */
    private String whyNotKept(Pair pair, long linkId) {
        if (!standbyLinks) {
            return "standby links are off (link-standby=false)";
        }
        if (stopping) {
            return "agent stopping";
        }
        if (pair == null) {
            return "its ports are not a pair of bypass candidates";
        }
        if (pair.busy || pair.current != LinkShape.NONE) {
            return "the pair has a link";
        }
        if (pair.standbyId != 0 || pair.standbyBusy) {
            return "the pair has a standby link";
        }
        if (!portsFreeFor(pair, linkId)) {
            return "a port is on another link";
        }
        return null;
    }

    private void rollBackAdoptedStandby(Pair pair, LinkStatus status, String why) {
        String reason = "re-adopted standby link not kept: " + why;
        if (pair != null && pair.standbyId == 0 && !pair.standbyBusy) {
            // the pair's own drop: until it is closed the pair, the pairs on its ports and the stop wait for it
            pair.standbyId = status.linkId();
            pair.standbyShape = shapeOf(pair, status);
            dropStandby(pair, reason);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "rolling back link linkId=" + status.linkId() + " " + status.end0()
                + (status.twoWay() ? "<->" : "->") + status.end1() + ": " + reason);
        links.revert(status.linkId());
    }

    /**
     * Hears the guest watch: while a port's guest is absent (its VM stopped, or started anew without
     * its port device) no link has it as an end, and a live one is reverted (a guest that went away
     * cannot fence, so its revert ends forced at the revert deadline). Any thread.
     */
    GuestDeviceWatch.Listener guestWatchListener() {
        return new GuestDeviceWatch.Listener() {
            @Override
            public void guestAbsent(String port, String why) {
                commands.add(() -> absentGuests.put(port, why));
            }

            @Override
            public void guestPresent(String port) {
                commands.add(() -> absentGuests.remove(port));
            }
        };
    }

    /** The detector's verdicts may have changed (flow monitor): look at the pairs now. Any thread. */
    void verdictsChanged() {
        commands.add(() -> { });
    }

    /**
     * The link supervisor's state changes (its listener; any thread): a link that ended by itself
     * (a guest went away, a forced revert) is forgotten, and the pair backs off before it is
     * linked again.
     */
    void linkChanged(LinkStatus status) {
        if (status.state() != LinkState.CLOSED) {
            return;
        }
        commands.add(() -> {
            for (Pair pair : pairs.values()) {
                if (!pair.standbyBusy && pair.standbyId == status.linkId()) {
                    LOG.log(System.Logger.Level.WARNING, "standby link linkId=" + status.linkId() + " " + pair.a + "<->"
                            + pair.b + " ended without being asked (" + status.outcome() + "); the pair keeps none until"
                            + " its next link is reverted");
                    pair.standbyId = 0;
                    pair.standbyShape = LinkShape.NONE;
                    pair.standbyWanted = LinkShape.NONE;
                    finishStandbyWaiters(pair);
                }
                if (!pair.busy && pair.current != LinkShape.NONE && pair.linkId == status.linkId()) {
                    pair.current = LinkShape.NONE;
                    pair.state = LinkState.CLOSED;
                    pair.lastProblem = "link ended by itself: " + status.outcome();
                    pair.notBefore = clock.getAsLong() + pair.backoff.toNanos();
                    LOG.log(System.Logger.Level.WARNING, "link linkId=" + status.linkId() + " " + pair.a + "<->"
                            + pair.b + " ended without being asked (" + status.outcome() + "); next attempt in "
                            + pair.backoff.toMillis() + " ms");
                    pair.backoff = pair.backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
                            : pair.backoff.multipliedBy(2);
                    finishWaiters(pair);
                }
            }
        });
    }

    /** The proxy's hold hook: holds a flow change that may break a live or starting link until it is reverted. */
    HoldDecider holdDecider() {
        return new HoldDecider() {
            @Override
            public CompletionStage<?> holdBefore(String connection, ByteBuf frame) {
                return holdBefore(connection, frame, false);
            }

            @Override
            public CompletionStage<?> holdBefore(String connection, ByteBuf frame, boolean earlierChangesApplied) {
                return BypassController.this.holdBefore(connection, frame, earlierChangesApplied);
            }
        };
    }

    private CompletionStage<?> holdBefore(String connection, ByteBuf frame, boolean earlierChangesApplied) {
        Optional<BundleMessage> bundle = BundleMessage.of(frame);
        boolean commit = bundle.filter(b -> b.isControl(BundleMessage.COMMIT_REQUEST)).isPresent();
        if (bundle.isPresent() && !commit) {
            // an add changes nothing until its bundle is committed; the copy is judged then
            bundles.seen(connection, frame, bundle.get());
            return null;
        }
        if (!FlowChangeClassifier.mayChangeForwarding(frame)) {
            return null;
        }
        long now = clock.getAsLong();
        // a modify is judged against the mirror only once it holds what was relayed before (ModificationImpact)
        boolean mirrorSettled = now - lastForwardedChange >= quietNanos
                || (earlierChangesApplied && relayedChanges.mirroredBefore(connection));
        lastForwardedChange = now;
        Optional<List<ByteBuf>> bundled = commit ? bundles.committed(connection, bundle.get()) : Optional.empty();
        try {
            if (!anyLink()) {
                return null;   // no link to break: the FLOW_MOD is not parsed (the proxy's relay rate)
            }
            Judgement judged = bundled.isPresent() ? judgeBundle(bundled.get(), mirrorSettled) : judge(frame, mirrorSettled);
            if (judged.affected().isEmpty()) {
                return null;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            commands.add(() -> revertForHold(judged.affected(), judged.why(), connection, done));
            return done;
        } finally {
            bundled.ifPresent(messages -> messages.forEach(ByteBuf::release));
        }
    }

    /** The live pairs a flow change may break, and how that was judged (for the hold's log line). */
    private record Judgement(List<PairView> affected, String why) {
    }

    /**
     * The pairs one flow change may break: by its ports (the classifier), closer by the tables where
     * they can tell. {@code mirrorSettled}: the mirror holds every change relayed before this one.
     */
    private Judgement judge(ByteBuf frame, boolean mirrorSettled) {
        FlowChangeImpact impact = FlowChangeClassifier.classify(frame);
        List<PairView> affected = affected(impact::mayAffect);
        String judged = "by its ports";
        if (!affected.isEmpty()) {
            // the classifier judges by ports alone; the tables can tell a delete's or an add's reach closer
            Optional<DirectionTest> closer = DeletionImpact.of(frame, verdicts)
                    .or(() -> AdditionImpact.of(frame, impact, verdicts))
                    .or(() -> mirrorSettled ? ModificationImpact.of(frame, impact, verdicts) : Optional.empty());
            if (closer.isPresent()) {
                // both over-approximate "may break": so does their conjunction
                DirectionTest tables = closer.get();
                affected = affected((from, to) -> impact.mayAffect(from, to) && tables.mayAffect(from, to));
                judged = "by the tables";
            }
        }
        if (!affected.isEmpty() && mirrorSettled && AdditionImpact.reinstallsAMirroredRule(frame, verdicts)) {
            // a controller re-installing a rule exactly as OVS holds it: nothing forwards otherwise
            return new Judgement(List.of(), "a re-install of a rule the tables hold unchanged");
        }
        return new Judgement(affected, impact + ", judged " + judged);
    }

    /**
     * The pairs a bundle's commit may break: those any of its messages may break, each judged as if
     * relayed alone in the bundle's order (the judgements of adds and deletes hold against rules
     * relayed before them and not yet in the mirror; a modify is judged by the tables only as the
     * bundle's first message, when the mirror held everything before the commit).
     */
    private Judgement judgeBundle(List<ByteBuf> messages, boolean mirrorSettled) {
        Set<PairView> affected = new LinkedHashSet<>();
        List<String> whys = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Judgement one = judge(messages.get(i), mirrorSettled && i == 0);
            if (!one.affected().isEmpty()) {
                affected.addAll(one.affected());
                whys.add(one.why());
            }
        }
        return new Judgement(List.copyOf(affected), "bundle commit of " + messages.size() + " messages, of which "
                + whys.size() + " may break a link: " + (whys.size() > 3 ? whys.subList(0, 3) + " ..." : whys));
    }

    /** A relayed connection closed: its open bundles end without effect. Any thread. */
    void connectionClosed(String connection) {
        bundles.closed(connection);
    }

    private boolean anyLink() {
        for (PairView view : snapshot) {
            if (view.shape() != LinkShape.NONE) {
                return true;
            }
        }
        return false;
    }

    private List<PairView> affected(DirectionTest test) {
        List<PairView> affected = new ArrayList<>();
        for (PairView view : snapshot) {
            if (view.shape() != LinkShape.NONE && mayAffect(test, view)) {
                affected.add(view);
            }
        }
        return affected;
    }

    private boolean mayAffect(DirectionTest test, PairView view) {
        long a = ofports.getOrDefault(view.a(), -1L);
        long b = ofports.getOrDefault(view.b(), -1L);
        return (view.shape().aToB() && test.mayAffect(a, b)) || (view.shape().bToA() && test.mayAffect(b, a));
    }

    private void revertForHold(List<PairView> affected, String impact, String connection,
                               CompletableFuture<Void> done) {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (PairView view : affected) {
            Pair pair = pairs.get(key(view.a(), view.b()));
            if (pair.current == LinkShape.NONE) {
                continue;   // no link, or one whose guests are off it already (guestsOff)
            }
            LOG.log(System.Logger.Level.INFO, "holding a flow change from connection=" + connection + " until link "
                    + pair.a + "<->" + pair.b + " is reverted (" + impact + ")");
            pair.notBefore = Math.max(pair.notBefore, clock.getAsLong() + HOLD_COOLDOWN.toNanos());
            CompletableFuture<Void> wait = new CompletableFuture<>();
            pair.revertWaiters.add(wait);
            waits.add(wait);
            if (!pair.busy) {
                revert(pair, "a held flow change may break it");
            }
        }
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> done.complete(null));
    }

    private void loop() {
        while (running) {
            try {
                Runnable command = commands.poll(TICK_NANOS, TimeUnit.NANOSECONDS);
                while (command != null) {
                    command.run();
                    command = commands.poll();
                }
                for (Pair pair : pairs.values()) {
                    reconcile(pair);
                }
                publishSnapshot();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "bypass controller step failed: " + e, e);
            }
        }
    }

    private void reconcile(Pair pair) {
        if (pair.busy || !verdicts.known()) {
            return;
        }
        // asked before the verdicts are read: what the mirror held then, the verdicts include
        long now = clock.getAsLong();
        boolean mirrored = mirrorHoldsRelayedChanges(now);
        String absent = absentGuests.containsKey(pair.a) ? pair.a : absentGuests.containsKey(pair.b) ? pair.b : null;
        LinkShape wanted = absent != null ? LinkShape.NONE
                : LinkShape.of(verdicts.pointToPoint(pair.a, pair.b), verdicts.pointToPoint(pair.b, pair.a));
        if (absent != null) {
            pair.lastProblem = "guest of port " + absent + " absent: " + absentGuests.get(absent);
        }
        if (absent != null) {
            dropStandby(pair, pair.lastProblem);
        }
        if (wanted == pair.current) {
            finishWaiters(pair);
            if (wanted == LinkShape.NONE && absent == null) {
                keepStandby(pair);
            }
            return;
        }
        if (pair.current != LinkShape.NONE) {
            revert(pair, absent != null ? pair.lastProblem
                    : wanted == LinkShape.NONE ? "no longer point-to-point" : "re-shaping to " + wanted);
            return;
        }
        finishWaiters(pair);
        if (now < pair.notBefore || !mirrored) {
            return;
        }
        establish(pair, wanted);
    }

    /**
     * Makes the pair's standby link when it wants one, has none, and neither of its ports is on
     * another pair's link or standby (nor on any link the supervisor knows).
     */
    private void keepStandby(Pair pair) {
        if (!standbyLinks || stopping || pair.standbyWanted == LinkShape.NONE || pair.standbyId != 0
                || pair.standbyBusy || !portsFreeFor(pair)) {
            return;
        }
        LinkShape shape = pair.standbyWanted;
        PortEnd end0 = shape == LinkShape.B_TO_A ? ends.get(pair.b) : ends.get(pair.a);
        PortEnd end1 = shape == LinkShape.B_TO_A ? ends.get(pair.a) : ends.get(pair.b);
        pair.standbyBusy = true;
        LOG.log(System.Logger.Level.INFO, "making a standby link " + end0.port()
                + (shape == LinkShape.BOTH ? " <-> " : " -> ") + end1.port() + " (its last link was reverted)");
        links.standby(end0, end1, shape == LinkShape.BOTH).whenComplete((status, error) ->
                commands.add(() -> standingBy(pair, shape, status, error)));
    }

    private boolean portsFreeFor(Pair pair) {
        return portsFreeFor(pair, 0);
    }

    /** {@link #portsFreeFor(Pair)}, but for link {@code ownLinkId} (0: none), which is the pair's own. */
    private boolean portsFreeFor(Pair pair, long ownLinkId) {
        for (Pair other : pairs.values()) {
            if (other != pair && sharesAPort(pair, other) && (other.busy || other.current != LinkShape.NONE
                    || other.standbyId != 0 || other.standbyBusy)) {
                return false;
            }
        }
        for (LinkStatus open : links.links()) {
            if (open.linkId() != ownLinkId && (isEnd(open, pair.a) || isEnd(open, pair.b))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isEnd(LinkStatus link, String port) {
        return link.end0().equals(port) || link.end1().equals(port);
    }

    private static boolean sharesAPort(Pair p, Pair q) {
        return p.a.equals(q.a) || p.a.equals(q.b) || p.b.equals(q.a) || p.b.equals(q.b);
    }

    private void standingBy(Pair pair, LinkShape shape, LinkStatus status, Throwable error) {
        pair.standbyBusy = false;
        if (error == null && status.outcome() == LinkOutcome.OPEN && status.state() == LinkState.STANDBY) {
            pair.standbyId = status.linkId();
            pair.standbyShape = shape;
            LOG.log(System.Logger.Level.INFO, "standby link ready: linkId=" + status.linkId() + " " + status.end0()
                    + (status.twoWay() ? " <-> " : " -> ") + status.end1());
            if (stopping) {
                dropStandby(pair, "agent stopping");
            }
        } else {
            pair.standbyWanted = LinkShape.NONE;
            LOG.log(System.Logger.Level.WARNING, "standby link " + pair.a + "<->" + pair.b + " (" + shape + ") not made: "
                    + (error != null ? error.getMessage() : "it ended " + status.outcome())
                    + "; the pair keeps none until its next link is reverted");
        }
        publishSnapshot();
        finishStandbyWaiters(pair);
    }

    /** Rolls the pair's standby link back (it carries nothing); the pair keeps none until its next link is reverted. */
    private void dropStandby(Pair pair, String why) {
        pair.standbyWanted = LinkShape.NONE;
        if (pair.standbyId == 0 || pair.standbyBusy) {
            return;
        }
        long id = pair.standbyId;
        pair.standbyBusy = true;
        LOG.log(System.Logger.Level.INFO, "dropping standby link linkId=" + id + " " + pair.a + "<->" + pair.b + ": " + why);
        links.revert(id).whenComplete((status, error) -> commands.add(() -> {
            pair.standbyBusy = false;
            pair.standbyId = 0;
            pair.standbyShape = LinkShape.NONE;
            publishSnapshot();
            finishStandbyWaiters(pair);
        }));
    }

    private void finishStandbyWaiters(Pair pair) {
        if (pair.standbyId == 0 && !pair.standbyBusy) {
            pair.standbyWaiters.forEach(w -> w.complete(null));
            pair.standbyWaiters.clear();
        }
    }

    /**
     * Whether a standby link stands in the way of establishing {@code shape} for {@code pair}:
     * the pair's own while it is being made or dropped, or of another shape (dropped now), or
     * another pair's on one of its ports (dropped now). Wait and look again when it is gone.
     */
    private boolean standbyInTheWay(Pair pair, LinkShape shape) {
        boolean inTheWay = pair.standbyBusy;
        if (pair.standbyId != 0 && pair.standbyShape != shape) {
            dropStandby(pair, "re-shaping to " + shape);
            inTheWay = true;
        }
        for (Pair other : pairs.values()) {
            if (other != pair && sharesAPort(pair, other) && (other.standbyId != 0 || other.standbyBusy)) {
                dropStandby(other, "a port is wanted by link " + pair.a + "<->" + pair.b);
                inTheWay = true;
            }
        }
        return inTheWay;
    }

    /** Activates the pair's standby link of {@code shape}: the link goes on from both ends mapped. */
    private void activate(Pair pair, LinkShape shape) {
        long id = pair.standbyId;
        pair.standbyId = 0;
        pair.standbyShape = LinkShape.NONE;
        pair.busy = true;
        pair.current = shape;
        pair.state = LinkState.USABLE;
        pair.linkId = id;
        publishSnapshot();
        LOG.log(System.Logger.Level.INFO, "activating standby link linkId=" + id + " " + pair.a
                + (shape == LinkShape.BOTH ? " <-> " : shape == LinkShape.A_TO_B ? " -> " : " <- ") + pair.b);
        links.activate(id).whenComplete((status, error) -> commands.add(() -> {
            if (error != null) {
                // it ended before it could be activated (a guest went away): establish as usual next time
                pair.busy = false;
                pair.current = LinkShape.NONE;
                pair.state = LinkState.CLOSED;
                pair.lastProblem = "standby link gone before its activation: " + error.getMessage();
                LOG.log(System.Logger.Level.WARNING, "link " + pair.a + "<->" + pair.b + ": " + pair.lastProblem);
                finishWaiters(pair);
            } else {
                established(pair, shape, status, null);
            }
        }));
    }

    private boolean mirrorHoldsRelayedChanges(long now) {
        return now - lastForwardedChange >= quietNanos || relayedChanges.mirrored();
    }

    private void establish(Pair pair, LinkShape shape) {
        if (standbyInTheWay(pair, shape)) {
            return;
        }
        if (pair.standbyId != 0) {
            activate(pair, shape);
            return;
        }
        PortEnd end0 = shape == LinkShape.B_TO_A ? ends.get(pair.b) : ends.get(pair.a);
        PortEnd end1 = shape == LinkShape.B_TO_A ? ends.get(pair.a) : ends.get(pair.b);
        pair.busy = true;
        pair.current = shape;
        pair.state = LinkState.ATTACHING;
        pair.linkId = 0; // known once the supervisor answers
        publishSnapshot();
        LOG.log(System.Logger.Level.INFO, "establishing link " + end0.port() + (shape == LinkShape.BOTH ? " <-> " : " -> ")
                + end1.port());
        links.establish(end0, end1, shape == LinkShape.BOTH).whenComplete((status, error) ->
                commands.add(() -> established(pair, shape, status, error)));
    }

    private void established(Pair pair, LinkShape shape, LinkStatus status, Throwable error) {
        pair.busy = false;
        if (error == null && status.outcome() == LinkOutcome.OPEN && status.state() == LinkState.ACTIVE) {
            pair.linkId = status.linkId();
            pair.state = LinkState.ACTIVE;
            pair.backoff = FIRST_BACKOFF;
            pair.lastProblem = "";
            LOG.log(System.Logger.Level.INFO, "link active: linkId=" + status.linkId() + " " + status.end0()
                    + (status.twoWay() ? " <-> " : " -> ") + status.end1());
            if (!pair.revertWaiters.isEmpty()) {
                // a flow change that may break it was held while it was being established: revert it
                // now (the verdicts cannot say so: the held change has not reached OVS)
                revert(pair, "a held flow change may break it");
            }
            return;
        }
        pair.current = LinkShape.NONE;
        pair.state = LinkState.CLOSED;
        pair.lastProblem = error != null ? "establish failed: " + error.getMessage()
                : "link ended " + status.outcome() + " before it was active";
        pair.notBefore = clock.getAsLong() + pair.backoff.toNanos();
        LOG.log(System.Logger.Level.WARNING, "link " + pair.a + "<->" + pair.b + " (" + shape + ") not established: "
                + pair.lastProblem + "; next attempt in " + pair.backoff.toMillis() + " ms");
        pair.backoff = pair.backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : pair.backoff.multipliedBy(2);
        finishWaiters(pair);
    }

    private void revert(Pair pair, String why) {
        LinkStatus open = links.linkOf(pair.a);
        if (open == null) {
            pair.current = LinkShape.NONE;
            pair.state = LinkState.CLOSED;
            finishWaiters(pair);
            return;
        }
        pair.busy = true;
        pair.state = LinkState.REVERTING;
        LinkShape shape = pair.current;
        publishSnapshot();
        LOG.log(System.Logger.Level.INFO, "reverting link linkId=" + open.linkId() + " " + pair.a + "<->" + pair.b
                + ": " + why);
        long linkId = open.linkId();
        pair.linkId = linkId;
        links.revert(linkId, outcome -> commands.add(() -> guestsOff(pair, linkId)))
                .whenComplete((status, error) -> commands.add(() -> reverted(pair, shape, status, error)));
    }

    /**
     * The guests of the link being reverted no longer use it: its traffic goes through OVS again,
     * so a flow change held for it may go on now, while the supervisor still detaches the devices
     * (a VM's unplug takes a guest round trip of tens to hundreds of milliseconds). The pair stays
     * busy until the link is closed: it is not linked again before that.
     */
    private void guestsOff(Pair pair, long linkId) {
        if (!pair.busy || pair.linkId != linkId || pair.current == LinkShape.NONE) {
            return;
        }
        pair.current = LinkShape.NONE;
        publishSnapshot();
        finishWaiters(pair);
    }

    private void reverted(Pair pair, LinkShape shape, LinkStatus status, Throwable error) {
        pair.busy = false;
        pair.current = LinkShape.NONE;
        pair.state = LinkState.CLOSED;
        if (error == null && status.outcome() == LinkOutcome.REVERTED && standbyLinks && !stopping) {
            // a pair linked once is likely to be linked again (a controller re-installing its rules)
            pair.standbyWanted = shape;
        }
        if (error != null || status.outcome() != LinkOutcome.REVERTED) {
            pair.lastProblem = "revert ended " + (error != null ? error.getMessage() : status.outcome().toString());
            LOG.log(System.Logger.Level.WARNING, "link " + pair.a + "<->" + pair.b + ": " + pair.lastProblem);
        }
        finishWaiters(pair);
    }

    private void finishWaiters(Pair pair) {
        // a pair still busy here is a revert whose guests are off the link (guestsOff)
        if (pair.current != LinkShape.NONE) {
            return;
        }
        if (pair.revertWaiters.isEmpty()) {
            return;
        }
        // readers of the snapshot must see the link gone before a held frame moves on
        publishSnapshot();
        // the held change reaches OVS only now: the cool-down and the quiet time count from here,
        // not from when it was held (a revert that outlasts the cool-down would otherwise relink
        // the pair at once, before OVS applied the change and the flow monitor reported it)
        long now = clock.getAsLong();
        pair.notBefore = Math.max(pair.notBefore, now + HOLD_COOLDOWN.toNanos());
        lastForwardedChange = now;
        pair.revertWaiters.forEach(w -> w.complete(null));
        pair.revertWaiters.clear();
    }

    private void publishSnapshot() {
        List<PairView> views = new ArrayList<>(pairs.size());
        for (Pair pair : pairs.values()) {
            views.add(new PairView(pair.a, pair.b, pair.current, pair.state, pair.linkId, pair.lastProblem,
                    pair.standbyShape, pair.standbyId));
        }
        snapshot = List.copyOf(views);
    }

    /** Every pair's link, as of the controller's last step. Any thread. */
    List<PairView> snapshot() {
        return snapshot;
    }

    /** Where {@code from}'s traffic to {@code to} goes now: on a link (true) or through OVS. Any thread. */
    boolean onLink(String from, String to) {
        for (PairView view : snapshot) {
            if (view.a().equals(from) && view.b().equals(to)) {
                return view.state() == LinkState.ACTIVE && view.shape().aToB();
            }
            if (view.b().equals(from) && view.a().equals(to)) {
                return view.state() == LinkState.ACTIVE && view.shape().bToA();
            }
        }
        return false;
    }

    /**
     * Reverts every open link and waits for that (at most {@code wait}), then stops the thread.
     * Used on a clean agent stop, before the ring ports go away. A controller whose thread never
     * started (the agent's start failed before it) has decided nothing: it returns at once, and the
     * links its supervisor re-adopted stay as they are, for the next agent to take over.
     */
    void revertAllAndStop(Duration wait) {
        if (thread.getState() == Thread.State.NEW) {
            running = false;
            LOG.log(System.Logger.Level.INFO, "bypass controller stopped before it started; links left as they are: "
                    + links.links());
            return;
        }
        CompletableFuture<Void> all = new CompletableFuture<>();
        commands.add(() -> {
            List<CompletableFuture<Void>> waits = new ArrayList<>();
            stopping = true;
            for (Pair pair : pairs.values()) {
                if (pair.standbyId != 0 || pair.standbyBusy) {
                    CompletableFuture<Void> w = new CompletableFuture<>();
                    pair.standbyWaiters.add(w);
                    waits.add(w);
                    dropStandby(pair, "agent stopping");
                }
                pair.notBefore = Long.MAX_VALUE;
                if (pair.current != LinkShape.NONE || pair.busy) {
                    CompletableFuture<Void> w = new CompletableFuture<>();
                    pair.revertWaiters.add(w);
                    waits.add(w);
                    if (!pair.busy) {
                        revert(pair, "agent stopping");
                    } else if (pair.state == LinkState.ATTACHING) {
                        // do not wait out the map deadline: roll the new link back now
                        LinkStatus starting = links.linkOf(pair.a);
                        if (starting != null) {
                            LOG.log(System.Logger.Level.INFO, "rolling back link linkId=" + starting.linkId() + " "
                                    + pair.a + "<->" + pair.b + ": agent stopping");
                            links.revert(starting.linkId());
                        }
                    }
                }
            }
            CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> all.complete(null));
        });
        try {
            all.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            // the waiters above complete when the guests are off a link, while the supervisor still
            // closes it: stopping returns with every link closed, its region gone
            links.afterPendingWork().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // a guest that stopped responding: force what is left so no region or device outlives the agent
            LOG.log(System.Logger.Level.WARNING, "links not all reverted within " + wait.toMillis() + " ms, forcing: "
                    + links.links());
            try {
                links.forceAll().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception forced) {
                LOG.log(System.Logger.Level.ERROR, "links still open after forcing them: " + links.links());
            }
        }
        close();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
