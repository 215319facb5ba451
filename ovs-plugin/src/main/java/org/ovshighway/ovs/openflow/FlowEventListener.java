package org.ovshighway.ovs.openflow;

import org.ovshighway.p2p.flow.FlowEvent;

/**
 * Receives a bridge's flow and group events in the order the switch applied them. Called on the
 * connection's event-loop thread, one event at a time; it must not block. An exception it throws
 * is logged and the stream continues.
 */
@FunctionalInterface
public interface FlowEventListener {
    void onFlowEvent(FlowEvent event);
}
