package org.ovshighway.testbed.jmh;

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
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.p2p.flow.RemovalReason;

/**
 * Where {@link DetectorEventBenchmark#addRemovePortRule}'s growth with the table size comes from:
 * the same add + remove of a top-priority port rule, over the same {@link SyntheticTable}, with the
 * cache kept warm or not.
 * <ul>
 * <li>{@code samePort}: always port 1, so everything the event touches stays in the CPU cache:
 *     what is left is work that grows with the table (there should be none).</li>
 * <li>{@code rotatingPorts}: ports 1, 2, ... 1000 in turn, prebuilt events, as {@code addRemovePortRule}.</li>
 * <li>{@code rotatingPortsFreshEvent}: the same ports, but each event's flow entry is built just
 *     before it is applied, as a decoder would deliver it (in cache), so only the detector's own
 *     structures can be cold.</li>
 * </ul>
 * Diagnostic, not part of {@code testbed/bench detector}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DetectorLocalityBenchmark {

    private static final int PORTS = DetectorEventBenchmark.PORTS;

    @Param({"1000", "100000"})
    public int rules;

    private SyntheticTable table;
    private P2pDetector detector;
    private long linkEvents;
    private FlowEntry[] portRules;
    private int portCursor;

    @Setup(Level.Trial)
    public void fill() {
        table = new SyntheticTable(rules, PORTS);
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
                    + " p2pDirections=" + detector.pointToPointDirections().size());
        }
        portRules = new FlowEntry[PORTS];
        for (int p = 1; p <= PORTS; p++) {
            portRules[p - 1] = DetectorEventBenchmark.probe(300, p, out(p));
        }
    }

    private int out(int port) {
        return table.isPointToPoint(port) ? table.peer(port) : table.route(port, 1);
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public int samePort() {
        return addRemove(portRules[0]);
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public int rotatingPorts() {
        FlowEntry rule = portRules[portCursor];
        portCursor = portCursor + 1 == PORTS ? 0 : portCursor + 1;
        return addRemove(rule);
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public int rotatingPortsFreshEvent() {
        int port = portCursor + 1;
        portCursor = portCursor + 1 == PORTS ? 0 : portCursor + 1;
        return addRemove(DetectorEventBenchmark.probe(300, port, out(port)));
    }

    private int addRemove(FlowEntry rule) {
        detector.accept(new FlowEvent.FlowAdded(rule));
        detector.accept(new FlowEvent.FlowRemoved(rule.key(), RemovalReason.DELETE));
        return detector.flowCount() + (int) linkEvents;
    }
}
