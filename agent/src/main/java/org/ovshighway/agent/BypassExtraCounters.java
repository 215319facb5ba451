package org.ovshighway.agent;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.ovshighway.proxy.stats.ExtraCounters;
import org.ovshighway.proxy.stats.FlowExtra;
import org.ovshighway.proxy.stats.PortExtra;
import org.ovshighway.remapper.BypassCounters;

/**
 * What the OpenFlow proxy adds to OVS's statistics: the link traffic of each ring port, by
 * OpenFlow port number, from the remapper's {@link BypassCounters} (cumulative, ended links
 * folded in, so the controller's counters stay monotonic).
 *
 * <p>Flow counters are not supplied yet: which of a port's rules a bypassed frame would have hit
 * depends on the frame, and the agent does not classify link traffic. A controller sees port
 * counters that include bypassed traffic and flow counters that do not (docs/operations.md).
 */
final class BypassExtraCounters implements ExtraCounters {
    private final BypassCounters counters;
    private final Map<Long, String> portNames;
    private final LinkFlowCounters flows;

    /**
     * @param portNames ring-port names by OpenFlow number
     * @param flows     link traffic per flow, or null for none (flow statistics pass unchanged)
     */
    BypassExtraCounters(BypassCounters counters, Map<Long, String> portNames, LinkFlowCounters flows) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.portNames = Map.copyOf(portNames);
        this.flows = flows;
    }

    @Override
    public PortExtra port(long portNo) {
        String name = portNames.get(portNo);
        if (name == null) {
            return PortExtra.NONE;
        }
        BypassCounters.PortCounters port = counters.port(name);
        return new PortExtra(port.rxPackets(), port.rxBytes(), port.txPackets(), port.txBytes());
    }

    @Override
    public List<FlowExtra> flows() {
        return flows == null ? List.of() : flows.flows();
    }
}
