package org.ovshighway.testbed.jmh;

import java.util.ArrayList;
import java.util.List;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;

/**
 * The benchmark's flow table: {@code rules} rules spread evenly over ports 1..{@code ports}, every
 * port a candidate ring port. The lower half of the ports is point-to-point in pairs (1↔2, 3↔4...):
 * each has {@code in_port=X actions=output:peer} at priority 100 and, at priority 200, per-flow rules
 * {@code in_port=X,tcp,nw_dst=…,tp_dst=… actions=output:peer} (as a controller installing per-flow
 * rules for accounting would). The upper half routes: per-destination rules
 * {@code in_port=X,ip,nw_dst=… actions=output:Z} towards other upper-half ports, over a priority-1
 * {@code in_port=X actions=drop}; so nothing of the upper half reaches the lower half and exactly
 * {@code ports / 2} directions are point-to-point. Every rule has a distinct key.
 */
public final class SyntheticTable {

    /** One rule in both forms: the detector's model and an ovs-ofctl line producing the same flow. */
    public record Rule(FlowEntry entry, String ofctl) {
    }

    private final int ports;
    private final int rulesPerPort;

    public SyntheticTable(int rules, int ports) {
        if (ports < 4 || ports % 4 != 0) {
            throw new IllegalArgumentException("ports must be a positive multiple of 4: ports=" + ports);
        }
        if (rules < ports || rules % ports != 0) {
            throw new IllegalArgumentException("rules must be a positive multiple of ports: rules=" + rules + " ports=" + ports);
        }
        if (rules / ports > 60_000) {
            throw new IllegalArgumentException("at most 60000 rules per port: rules=" + rules + " ports=" + ports);
        }
        this.ports = ports;
        this.rulesPerPort = rules / ports;
    }

    public int ports() {
        return ports;
    }

    /** True for the lower half, whose ports are point-to-point with {@link #peer}. */
    public boolean isPointToPoint(int port) {
        return port <= ports / 2;
    }

    /** The peer of a lower-half port (1↔2, 3↔4...). */
    public int peer(int port) {
        return port % 2 == 1 ? port + 1 : port - 1;
    }

    /** Another upper-half port for routing rules of upper-half port {@code port}. */
    public int route(int port, int k) {
        int half = ports / 2;
        int z = half + 1 + (port - half + k) % half;
        return z == port ? half + 1 + (z - half) % half : z;
    }

    public List<Rule> rules() {
        List<Rule> rules = new ArrayList<>(ports * rulesPerPort);
        for (int port = 1; port <= ports; port++) {
            if (isPointToPoint(port)) {
                int peer = peer(port);
                rules.add(rule(0, 100, port, null, -1, peer));
                for (int k = 1; k < rulesPerPort; k++) {
                    rules.add(rule(0, 200, port, TCP, k, peer));
                }
            } else {
                rules.add(rule(0, 1, port, null, -1, -1));
                for (int k = 1; k < rulesPerPort; k++) {
                    rules.add(rule(0, 100, port, IP, k, route(port, k)));
                }
            }
        }
        return rules;
    }

    static final String TCP = "tcp";
    static final String IP = "ip";

    /**
     * A rule {@code in_port=port[,proto,nw_dst=10.x.y.z[,tp_dst=…]] actions=output:out} ({@code out < 0}: drop);
     * {@code k} (>= 0) makes the match distinct, {@code proto == null} leaves only in_port.
     */
    public static Rule rule(int table, int priority, int port, String proto, int k, int out) {
        List<FieldMatch> fields = new ArrayList<>();
        fields.add(FieldMatch.inPort(PortNo.of(port)));
        StringBuilder text = new StringBuilder("table=" + table + ",priority=" + priority + ",in_port=" + port);
        if (proto != null) {
            long dst = 0x0a000000L | k;
            fields.add(FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2));
            fields.add(FieldMatch.exact(FieldId.IPV4_DST, dst, 4));
            text.append(',').append(proto).append(",nw_dst=10.").append((k >> 16) & 0xff).append('.')
                    .append((k >> 8) & 0xff).append('.').append(k & 0xff);
            if (TCP.equals(proto)) {
                int tpDst = 1 + k % 60_000;
                fields.add(FieldMatch.exact(FieldId.IP_PROTO, 6, 1));
                fields.add(FieldMatch.exact(FieldId.TCP_DST, tpDst, 2));
                text.append(",tp_dst=").append(tpDst);
            }
        }
        List<Action> actions = out < 0 ? List.of() : List.of(new Action.Output(PortNo.of(out)));
        text.append(",actions=").append(out < 0 ? "drop" : "output:" + out);
        return new Rule(FlowEntry.of(table, priority, Match.of(fields), actions), text.toString());
    }
}
