package org.ovshighway.p2p;

import java.util.Optional;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.p2p.flow.PortNo;

/**
 * A flow entry held by the mirror, with what the detector derived from it. {@code reach} depends on
 * the groups the entry references and is refreshed when they change; everything else is fixed.
 */
final class Rule {
    final FlowEntry entry;
    final FlowKey key;
    /** The exact input port, or {@code null} when in_port is wildcarded or masked. */
    final PortNo inPort;
    Reach reach = Reach.NONE;

    Rule(FlowEntry entry) {
        this.entry = entry;
        this.key = entry.key();
        Optional<PortNo> in = entry.match().inPort();
        this.inPort = in.orElse(null);
    }

    int table() {
        return key.tableId();
    }

    int priority() {
        return key.priority();
    }

    @Override
    public String toString() {
        return entry.toString();
    }
}
