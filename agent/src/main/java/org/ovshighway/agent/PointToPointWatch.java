package org.ovshighway.agent;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.ovshighway.ovs.openflow.BridgeEndpoint;
import org.ovshighway.ovs.openflow.BridgeFlowMonitor;
import org.ovshighway.ovs.openflow.FlowEventBatchListener;
import org.ovshighway.p2p.LinkEvent;
import org.ovshighway.p2p.LinkListener;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;

/**
 * The agent's live view of which ring-port directions are point-to-point: the bridge's flow
 * tables come from Highway's own flow monitor connection, a {@link P2pDetector} decides, and
 * every verdict change is logged and passed on to the registered {@link LinkListener}s.
 *
 * <p>Threads: the monitor's event loop feeds the detector; {@link #verdicts} is called from other
 * threads (the control socket). Both hold the detector's monitor, so a reader never sees a batch
 * half applied. Listeners run on the event loop and must not block.
 */
final class PointToPointWatch implements FlowEventBatchListener, LinkListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PointToPointWatch.class.getName());

    private final SortedMap<PortNo, String> candidates;
    private final P2pDetector detector;
    private final Clock clock;
    private final List<LinkListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Set<FlowKey>>> flowChangeListeners = new CopyOnWriteArrayList<>();
    /** Guarded by detector: when each candidate's verdict last changed. */
    private final Map<PortNo, Instant> since = new TreeMap<>();
    /** Guarded by detector: true once the first complete dump was consumed. */
    private boolean synced;
    private volatile BridgeFlowMonitor monitor;

    PointToPointWatch(SortedMap<PortNo, String> candidates, Clock clock) {
        this.candidates = new TreeMap<>(candidates);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.detector = new P2pDetector(this);
        detector.setCandidatePorts(this.candidates.keySet());
        Instant now = clock.instant();
        this.candidates.keySet().forEach(port -> since.put(port, now));
    }

    /**
     * Starts monitoring {@code endpoint}, its thread running {@code onThreadStart} first (e.g. to
     * set its priority); verdicts exist once the first dump is consumed.
     */
    void start(BridgeEndpoint endpoint, Runnable onThreadStart) {
        monitor = BridgeFlowMonitor.start(endpoint, this);
        monitor.runOnEventLoop(onThreadStart);
        LOG.log(System.Logger.Level.INFO, "watching flow tables: bridge=" + endpoint.bridge() + " openflow=" + endpoint
                + " candidates=" + candidates);
    }

    /**
     * A barrier on the monitor's connection ({@link BridgeFlowMonitor#barrier}): completes once the
     * detector holds every flow change OVS had applied when it read the barrier. Fails before
     * {@link #start}, while the monitor is not connected with a complete mirror, and after close.
     */
    CompletionStage<Void> barrier() {
        BridgeFlowMonitor m = monitor;
        return m == null ? CompletableFuture.failedFuture(new IllegalStateException("flow monitor not started"))
                : m.barrier();
    }

    /** Adds a receiver of verdict changes (called on the monitor's event loop). */
    void addListener(LinkListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void onFlowEvents(List<FlowEvent> events) {
        synchronized (detector) {
            detector.acceptAll(events);
        }
        notifyFlowChanges(events);
    }

    @Override
    public void onFlowEvent(FlowEvent event) {
        synchronized (detector) {
            detector.accept(event);
            if (event instanceof FlowEvent.ResyncCompleted && !synced) {
                synced = true;
                LOG.log(System.Logger.Level.INFO, "flow tables read: flows=" + detector.flowCount() + " groups="
                        + detector.groupCount() + " point-to-point=" + names(detector.pointToPointDirections()));
            }
        }
        notifyFlowChanges(List.of(event));
    }

    /** Runs inside {@link P2pDetector#accept} (detector's monitor held). */
    @Override
    public void onLinkEvent(LinkEvent event) {
        since.put(event.from(), clock.instant());
        switch (event) {
            case LinkEvent.DirectionUp up -> LOG.log(System.Logger.Level.INFO, "point-to-point: "
                    + name(up.from()) + " -> " + name(up.to()));
            case LinkEvent.DirectionDown down -> LOG.log(System.Logger.Level.INFO, "no longer point-to-point: "
                    + name(down.from()) + " -> " + name(down.to()) + " (" + down.reason() + ")");
        }
        for (LinkListener listener : listeners) {
            listener.onLinkEvent(event);
        }
    }

    /** The verdict of every candidate port, empty until the first dump was consumed. */
    List<DirectionVerdict> verdicts() {
        synchronized (detector) {
            if (!synced) {
                return List.of();
            }
            List<DirectionVerdict> verdicts = new ArrayList<>();
            for (PortNo port : candidates.keySet()) {
                Optional<PortNo> peer = detector.pointToPointPeer(port);
                Optional<String> reason = peer.isPresent() ? Optional.empty()
                        : Optional.of(detector.explain(port).orElse("no verdict yet"));
                verdicts.add(new DirectionVerdict(port, peer, reason, since.get(port)));
            }
            return verdicts;
        }
    }

    /** Whether all of {@code from}'s traffic goes to {@code to} alone now; false before the first dump. Any thread. */
    boolean pointToPoint(PortNo from, PortNo to) {
        synchronized (detector) {
            return tablesKnown() && detector.isPointToPoint(from, to);
        }
    }

    /** Whether the verdicts reflect the flow tables: the first dump was consumed and no resync is under way. */
    boolean settled() {
        synchronized (detector) {
            return tablesKnown();
        }
    }

    /** The first dump was consumed and no resync is under way. Caller holds detector's monitor. */
    private boolean tablesKnown() {
        return synced && !detector.isResyncing();
    }

    /**
     * The input ports of the rules {@code selected} picks in the tables as read so far
     * ({@link P2pDetector#inPortsOf}); empty before the first dump and during a resync. Any thread.
     */
    Optional<P2pDetector.RuleInPorts> inPortsOf(Predicate<FlowEntry> selected) {
        synchronized (detector) {
            if (!tablesKnown()) {
                return Optional.empty();
            }
            return Optional.of(detector.inPortsOf(selected));
        }
    }

    /**
     * Whether a rule added now to {@code tableId} ({@link P2pDetector#ANY_TABLE}: some table) at
     * {@code priority} with {@code match} may handle {@code from}'s traffic
     * ({@link P2pDetector#addedRuleMayHandle}); true before the first dump and during a resync. Any thread.
     */
    boolean addedRuleMayHandle(PortNo from, int tableId, int priority, Match match) {
        synchronized (detector) {
            return !tablesKnown() || detector.addedRuleMayHandle(from, tableId, priority, match);
        }
    }

    /**
     * The rules all of {@code from}'s traffic takes, one per table ({@link P2pDetector#soleFlows});
     * empty when they cannot be told, before the first dump and during a resync. Any thread.
     */
    Optional<List<FlowEntry>> soleFlows(PortNo from) {
        synchronized (detector) {
            if (!tablesKnown()) {
                return Optional.empty();
            }
            return detector.soleFlows(from);
        }
    }

    /**
     * The flows {@code from}'s traffic stands for when it goes to {@code to} alone
     * (P2pDetector#soleFlows): {@link FlowAttribution.Sole} when the tables leave it no choice,
     * {@link FlowAttribution.Shared} when several rules share it, {@link FlowAttribution.Unknown}
     * before the first dump, during a resync, or when {@code from -> to} is not point-to-point.
     * Any thread.
     */
    FlowAttribution attribution(PortNo from, PortNo to) {
        synchronized (detector) {
            if (!tablesKnown() || !detector.isPointToPoint(from, to)) {
                return new FlowAttribution.Unknown();
            }
            Optional<List<FlowEntry>> flows = detector.soleFlows(from);
            return flows.<FlowAttribution>map(FlowAttribution.Sole::new).orElseGet(FlowAttribution.Shared::new);
        }
    }

    /**
     * Adds a receiver of flow table changes: called on the monitor's event loop after the detector
     * took each batch of events, with the keys of the flows the batch removed (often none).
     */
    void addFlowChangeListener(Consumer<Set<FlowKey>> listener) {
        flowChangeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void notifyFlowChanges(List<FlowEvent> events) {
        Set<FlowKey> removed = new HashSet<>();
        for (FlowEvent event : events) {
            if (event instanceof FlowEvent.FlowRemoved r) {
                removed.add(r.key());
            }
        }
        for (Consumer<Set<FlowKey>> listener : flowChangeListeners) {
            listener.accept(removed);
        }
    }

    /** Whether the first complete dump of the flow tables has been consumed. */
    boolean synced() {
        synchronized (detector) {
            return synced;
        }
    }

    /** The name of candidate port {@code port}, null when it is not one. */
    String candidateName(PortNo port) {
        return candidates.get(port);
    }

    /** The port name of {@code port}, or its number when it is not a candidate. */
    String name(PortNo port) {
        String name = candidates.get(port);
        return name == null ? port.toString() : name + "(" + port + ")";
    }

    private List<String> names(Map<PortNo, PortNo> directions) {
        return directions.entrySet().stream().map(e -> name(e.getKey()) + "->" + name(e.getValue())).toList();
    }

    @Override
    public void close() {
        if (monitor != null) {
            monitor.close();
        }
    }
}
