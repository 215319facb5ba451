package org.ovshighway.testbed.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.p2p.flow.RemovalReason;

/**
 * Cost of one flow event in a {@link P2pDetector} holding a {@link SyntheticTable} of
 * {@code rules} rules over 1000 candidate ports (500 point-to-point directions). Every invocation
 * adds one rule and removes it again (two events), so the table and the verdicts are the same
 * before and after; ports rotate so no single port stays hot in the cache.
 * <ul>
 * <li>{@code addRemovePortRule}: a rule of one port at the top priority ({@code in_port=X,udp,udp_dst=9999}),
 *     to the port's own destination: the port is re-analysed and keeps its verdict. The flow entry
 *     and the removal's key are built just before each invocation (not timed), separately, as the
 *     flow monitor's decoder delivers them: fresh objects, in the CPU cache, the removal's match
 *     equal to the stored one but not the same object.</li>
 * <li>{@code addRemovePrebuiltPortRule}: the same events taken from 1000 entries built at setup
 *     (the measurement before 2026-11-22). At 100k rules those entries have left the CPU cache by
 *     the time their port comes round again, which a decoded event never has; kept for comparison.</li>
 * <li>{@code mix}: a fixed random sequence of port-local events: the above (30%), a rule that
 *     breaks a direction and restores it on removal (20%), a shadowed low-priority rule (20%), a
 *     rule of a routing port (15%), a rule of a routing port outputting to a point-to-point port,
 *     which breaks the direction into it (15%).</li>
 * <li>{@code addRemoveWildcardRule}: the worst case, a top-priority rule with a wildcarded in_port
 *     ({@code udp,udp_dst=9999 actions=drop}): every candidate port is re-analysed. Reported, not targeted.</li>
 * </ul>
 * Average time per event in microseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DetectorEventBenchmark {

    static final int PORTS = 1000;
    private static final int MIX_LENGTH = 4096;

    @Param({"1000", "10000", "100000"})
    public int rules;

    private P2pDetector detector;
    private long linkEvents;
    private FlowEntry[] portRules;
    /** Output port of each port's probe rule, index port - 1. */
    private int[] portOut;
    private FlowEntry[] mixRules;
    private FlowEntry wildcardRule;
    private int portCursor;
    private int mixCursor;

    @Setup(Level.Trial)
    public void fill() {
        SyntheticTable table = new SyntheticTable(rules, PORTS);
        detector = new P2pDetector(event -> linkEvents++);
        Set<PortNo> candidates = new TreeSet<>();
        for (int p = 1; p <= PORTS; p++) {
            candidates.add(PortNo.of(p));
        }
        detector.setCandidatePorts(candidates);
        detector.accept(new FlowEvent.ResyncStarted());
        for (SyntheticTable.Rule r : table.rules()) {
            detector.accept(new FlowEvent.FlowAdded(r.entry()));
        }
        detector.accept(new FlowEvent.ResyncCompleted());
        if (detector.flowCount() != rules || detector.pointToPointDirections().size() != PORTS / 2) {
            throw new IllegalStateException("synthetic table not as designed: flows=" + detector.flowCount()
                    + " p2pDirections=" + detector.pointToPointDirections().size() + " expected flows=" + rules
                    + " p2pDirections=" + PORTS / 2);
        }
        portRules = new FlowEntry[PORTS];
        portOut = new int[PORTS];
        for (int p = 1; p <= PORTS; p++) {
            int out = table.isPointToPoint(p) ? table.peer(p) : table.route(p, 1);
            portOut[p - 1] = out;
            portRules[p - 1] = probe(300, p, out);
        }
        Random random = new Random(42);
        List<FlowEntry> mix = new ArrayList<>(MIX_LENGTH);
        int half = PORTS / 2;
        for (int i = 0; i < MIX_LENGTH; i++) {
            int roll = random.nextInt(100);
            int p2pPort = 1 + random.nextInt(half);
            int routingPort = half + 1 + random.nextInt(half);
            if (roll < 30) {
                mix.add(portRules[p2pPort - 1]);
            } else if (roll < 50) {
                mix.add(probe(300, p2pPort, routingPort));
            } else if (roll < 70) {
                mix.add(probe(5, p2pPort, routingPort));
            } else if (roll < 85) {
                mix.add(portRules[routingPort - 1]);
            } else {
                mix.add(probe(300, routingPort, p2pPort));
            }
        }
        mixRules = mix.toArray(FlowEntry[]::new);
        wildcardRule = FlowEntry.of(0, 400, Match.of(FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2),
                FieldMatch.exact(FieldId.IP_PROTO, 17, 1), FieldMatch.exact(FieldId.UDP_DST, 9999, 2)), List.of());
    }

    /** {@code in_port=port,udp,udp_dst=9999 actions=output:out} at {@code priority}. */
    static FlowEntry probe(int priority, int port, int out) {
        Match match = Match.of(FieldMatch.inPort(PortNo.of(port)), FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2),
                FieldMatch.exact(FieldId.IP_PROTO, 17, 1), FieldMatch.exact(FieldId.UDP_DST, 9999, 2));
        return FlowEntry.of(0, priority, match, List.of(new Action.Output(PortNo.of(out))));
    }

    /**
     * The next port's probe rule and, built separately, the key its removal names: what the flow
     * monitor's decoder hands the detector. Built before each invocation, outside the timing
     * (JMH's per-invocation timestamps cost some tens of ns, the same at every table size).
     */
    @State(Scope.Thread)
    public static class DecodedPortRule {
        FlowEntry rule;
        FlowKey removalKey;
        private int cursor;

        @Setup(Level.Invocation)
        public void decodeNext(DetectorEventBenchmark bench) {
            int port = cursor + 1;
            cursor = cursor + 1 == PORTS ? 0 : cursor + 1;
            int out = bench.portOut[port - 1];
            rule = probe(300, port, out);
            removalKey = probe(300, port, out).key();
        }
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public int addRemovePortRule(DecodedPortRule decoded) {
        detector.accept(new FlowEvent.FlowAdded(decoded.rule));
        detector.accept(new FlowEvent.FlowRemoved(decoded.removalKey, RemovalReason.DELETE));
        return detector.flowCount() + (int) linkEvents;
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public int addRemovePrebuiltPortRule() {
        FlowEntry rule = portRules[portCursor];
        portCursor = portCursor + 1 == portRules.length ? 0 : portCursor + 1;
        return addRemove(rule);
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public int mix() {
        FlowEntry rule = mixRules[mixCursor];
        mixCursor = mixCursor + 1 == mixRules.length ? 0 : mixCursor + 1;
        return addRemove(rule);
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public int addRemoveWildcardRule() {
        return addRemove(wildcardRule);
    }

    private int addRemove(FlowEntry rule) {
        detector.accept(new FlowEvent.FlowAdded(rule));
        detector.accept(new FlowEvent.FlowRemoved(rule.key(), RemovalReason.DELETE));
        return detector.flowCount() + (int) linkEvents;
    }
}
