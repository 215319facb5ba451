package org.ovshighway.agent;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.ovshighway.ovs.ovsdb.BridgeInfo;
import org.ovshighway.ovs.ovsdb.InterfaceInfo;
import org.ovshighway.ovs.ovsdb.PortInfo;
import org.ovshighway.p2p.flow.PortNo;

/**
 * The ports of a bridge that Highway could bypass, by OpenFlow number: its ring ports
 * (marked in {@code external_ids}) and legacy {@code dpdkr} interfaces, or with
 * {@code allPorts} every interface that has a usable ofport. The bridge's LOCAL port and
 * interfaces OVS failed to open ({@code ofport=-1}) or has not numbered yet are never candidates.
 */
final class CandidatePorts {

    private CandidatePorts() {
    }

    /** Candidate OpenFlow port number to interface name, in port order. */
    static SortedMap<PortNo, String> of(BridgeInfo bridge, boolean allPorts) {
        SortedMap<PortNo, String> candidates = new TreeMap<>();
        for (PortInfo port : bridge.ports()) {
            for (InterfaceInfo iface : port.interfaces()) {
                if (iface.ofport().isEmpty() || iface.failed()) {
                    continue;
                }
                long ofport = iface.ofport().getAsLong();
                if (ofport <= 0 || ofport >= 0xff00) {
                    continue;
                }
                if (allPorts || iface.isRingPort() || iface.type().equals("dpdkr")) {
                    candidates.put(PortNo.of(ofport), iface.name());
                }
            }
        }
        return Collections.unmodifiableSortedMap(candidates);
    }
}
