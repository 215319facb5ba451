package org.ovshighway.ovs.openflow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.GroupEntry;

/**
 * What outlives a single connection of a {@link BridgeFlowMonitor}: the listener, the connection
 * state, the last group table reported (to report group changes as differences) and whether a
 * resynchronisation is open. Touched only from the monitor's event loop, except {@link #state()}.
 *
 * <p>Invariant: between a {@link FlowEvent.ResyncStarted} and the next {@link FlowEvent.ResyncCompleted}
 * the listener receives only one complete dump; if a dump breaks off, the next one starts with a
 * fresh ResyncStarted so no flow of the broken dump can survive unseen.
 */
public final class MirrorSession {

    private static final System.Logger LOG = System.getLogger(MirrorSession.class.getName());

    private final String bridge;
    private final FlowEventListener listener;
    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private boolean resyncOpen;
    private int deliveredSinceResyncStarted;
    private Map<Long, GroupEntry> groups = Map.of();
    private long resyncs;

    public MirrorSession(String bridge, FlowEventListener listener) {
        this.bridge = Objects.requireNonNull(bridge, "bridge");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public ConnectionState state() {
        return state;
    }

    /** Completed resynchronisations, the first dump included. */
    public long resyncCount() {
        return resyncs;
    }

    void state(ConnectionState next) {
        state = next;
    }

    void dumpStarting(OpenFlowVersion version) {
        state = ConnectionState.DUMPING;
        if (!resyncOpen || deliveredSinceResyncStarted > 0) {
            startResync();
        }
        LOG.log(System.Logger.Level.INFO, "flow dump starting: bridge={0} version={1}", bridge, version);
    }

    void deliver(FlowEvent event) {
        if (resyncOpen) {
            deliveredSinceResyncStarted++;
        }
        try {
            listener.onFlowEvent(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "flow event listener failed, continuing: bridge=" + bridge + " event=" + event, e);
        }
    }

    /**
     * The events of one message: as one list to a {@link FlowEventBatchListener}, else one by one
     * (an exception then skips only its own event, as with {@link #deliver}).
     */
    void deliverAll(List<FlowEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        if (!(listener instanceof FlowEventBatchListener batches)) {
            events.forEach(this::deliver);
            return;
        }
        if (resyncOpen) {
            deliveredSinceResyncStarted += events.size();
        }
        try {
            batches.onFlowEvents(List.copyOf(events));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "flow event listener failed on a batch, continuing: bridge=" + bridge + " events="
                    + events.size() + " first=" + events.getFirst(), e);
        }
    }

    /** A complete group table read from the switch: all of it during a resync, else the difference. */
    void groupTable(Map<Long, GroupEntry> now) {
        if (resyncOpen) {
            now.values().forEach(g -> deliver(new FlowEvent.GroupAdded(g)));
        } else {
            for (GroupEntry g : now.values()) {
                GroupEntry before = groups.get(g.groupId());
                if (before == null) {
                    deliver(new FlowEvent.GroupAdded(g));
                } else if (!before.equals(g)) {
                    deliver(new FlowEvent.GroupModified(g));
                }
            }
            for (Long id : groups.keySet()) {
                if (!now.containsKey(id)) {
                    deliver(new FlowEvent.GroupDeleted(id));
                }
            }
        }
        groups = Map.copyOf(now);
    }

    void dumpCompleted() {
        state = ConnectionState.MONITORING;
        resyncOpen = false;
        resyncs++;
        deliver(new FlowEvent.ResyncCompleted());
        LOG.log(System.Logger.Level.INFO, "flow dump complete, monitoring: bridge={0} groups={1}", bridge, groups.size());
    }

    /** The mirror no longer reflects the switch (connection lost, bad update, pause...). */
    void resyncNeeded(String why) {
        if (!resyncOpen) {
            LOG.log(System.Logger.Level.INFO, "flow mirror out of sync: bridge={0} why={1}", bridge, why);
            startResync();
        }
    }

    private void startResync() {
        resyncOpen = true;
        deliveredSinceResyncStarted = 0;
        groups = new HashMap<>();
        deliver(new FlowEvent.ResyncStarted());
    }
}
