package org.ovshighway.agent;

import java.time.Instant;
import java.util.Locale;

import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.hotplug.libvirt.LibvirtAttacher;

/**
 * The text of {@code highway status}: the agent's connections to what it depends on, and each
 * ring port's memif connection.
 * <pre>
 * agent: bridge=br0 pid=4242 started=2026-11-23T21:30:00Z bypass=true controller_proxy=false
 * ovsdb: endpoint=unix:/var/run/openvswitch/db.sock connected=true reconnects=0
 * openflow: target=unix:/var/run/openvswitch/br0.mgmt flow_tables=synced
 * libvirt: uri=qemu:///system connected=true reconnects=0          (with VM guests only)
 * ring-port pa: connection=UP/generation=2 ofport=11 guest=vm1 outages=1 last_outage_ms=2104.3
 * </pre>
 */
final class StatusReport {
    private StatusReport() {
    }

    static String render(AgentConfig config, RingPortAgent ringPorts, PointToPointWatch watch, Instant started) {
        StringBuilder text = new StringBuilder();
        text.append("agent: bridge=").append(config.bridge()).append(" pid=").append(ProcessHandle.current().pid())
                .append(" started=").append(started).append(" bypass=").append(config.bypass())
                .append(" controller_proxy=").append(config.controllerProxy()).append('\n');
        text.append("ovsdb: ").append(ringPorts.ovsdb().describe()).append('\n');
        text.append("openflow: target=").append(config.openflow()).append(" flow_tables=")
                .append(watch.synced() ? "synced" : "dumping").append('\n');
        ringPorts.libvirt().map(LibvirtAttacher::describe).ifPresent(l -> text.append("libvirt: ").append(l).append('\n'));
        for (ManagedRingPort port : ringPorts.ports()) {
            long outage = port.lastOutageNanos();
            text.append("ring-port ").append(port.name()).append(": connection=")
                    .append(PortConnection.describe(port.connectionWord()))
                    .append(" ofport=").append(port.ofport().isPresent() ? Long.toString(port.ofport().getAsLong()) : "?")
                    .append(" guest=").append(port.config().guest())
                    .append(" outages=").append(port.outages())
                    .append(outage < 0 ? "" : String.format(Locale.ROOT, " last_outage_ms=%.1f", outage / 1e6))
                    .append('\n');
        }
        return text.toString();
    }
}
