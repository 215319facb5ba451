package org.ovshighway.ovs.openflow;

import java.util.List;
import org.ovshighway.p2p.flow.FlowEvent;

/**
 * A {@link FlowEventListener} that takes the flow events of one message from the switch (one
 * flow monitor reply: part of a dump, or the live updates OVS sent together) as one list, so it
 * can defer work to the end of the burst ({@code P2pDetector.acceptAll}). Other events (resync
 * markers, group changes) still arrive through {@link #onFlowEvent}. Same thread and error rules as
 * {@link FlowEventListener}: an exception is logged and the stream continues with the next message.
 */
public interface FlowEventBatchListener extends FlowEventListener {

    /** The events of one message, in the order the switch applied them; never empty. */
    void onFlowEvents(List<FlowEvent> events);
}
