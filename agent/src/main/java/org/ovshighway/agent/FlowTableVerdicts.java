package org.ovshighway.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.ovshighway.ovs.openflow.FlowEventBatchListener;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Feeds a detector from a bridge's flow monitor and, once the first complete dump has been
 * consumed, renders one verdict line per candidate port. Runs on the monitor's event loop: the
 * detector is touched by that thread only.
 */
final class FlowTableVerdicts implements FlowEventBatchListener {

    private final P2pDetector detector = new P2pDetector(event -> { });
    private final List<PortNo> candidates;
    private final CompletableFuture<List<String>> lines = new CompletableFuture<>();

    FlowTableVerdicts(Set<PortNo> candidates) {
        this.candidates = List.copyOf(candidates);
        detector.setCandidatePorts(candidates);
    }

    /** Completes with the verdict lines after the first full dump of the flow tables. */
    CompletableFuture<List<String>> lines() {
        return lines;
    }

    /** The updates of one monitor reply: the detector re-analyses each touched port once. */
    @Override
    public void onFlowEvents(List<FlowEvent> events) {
        detector.acceptAll(events);
    }

    @Override
    public void onFlowEvent(FlowEvent event) {
        detector.accept(event);
        if (event instanceof FlowEvent.ResyncCompleted && !lines.isDone()) {
            lines.complete(render());
        }
    }

    /** {@code X -> Y p2p} or {@code X -> - not-p2p REASON}, ports as OpenFlow numbers. */
    private List<String> render() {
        List<String> rendered = new ArrayList<>(candidates.size());
        for (PortNo port : candidates) {
            rendered.add(detector.pointToPointPeer(port)
                    .map(peer -> port + " -> " + peer + " p2p")
                    .orElseGet(() -> port + " -> - not-p2p " + detector.explain(port).orElse("no verdict")));
        }
        return rendered;
    }
}
