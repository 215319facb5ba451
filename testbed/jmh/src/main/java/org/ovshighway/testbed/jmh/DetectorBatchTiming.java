package org.ovshighway.testbed.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.p2p.flow.RemovalReason;

/**
 * {@link DetectorEventBenchmark#addRemovePrebuiltPortRule}'s work timed in <em>thread CPU time</em>
 * per batch of one rotation over the 1000 ports (2000 events), all table sizes in one JVM, for a
 * machine too busy for JMH's wall-clock times: CPU time leaves out the time the thread waited for
 * a core, and the low percentiles of many batches are the batches other processes disturbed least.
 * Each size's batch runs twice in a row and only the second counts (the first brings the size's
 * working set back into the cache after the other sizes ran). Diagnostic, not a benchmark of record.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.ovshighway.testbed.jmh.DetectorBatchTiming SECONDS RULES... [--warm-probes] [--same-port]}.
 * {@code --warm-probes}: before each group of 50 ports (not timed), read those ports' prebuilt
 * entries, so that they are in the cache as freshly decoded events would be.
 * {@code --same-port}: every event of a batch is port 1's (its lines stay cached): what is left is work
 * that grows with the table itself, apart from the cache.
 * Prints min, p10 and p50 of µs per event for each size, and the ratio of the last size's p10 to the first's.
 */
public final class DetectorBatchTiming {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int PORTS = DetectorEventBenchmark.PORTS;
    private static final int WARM_GROUP = 50;

    private final int rules;
    private final boolean warmProbes;
    private final P2pDetector detector;
    private final FlowEntry[] probes = new FlowEntry[PORTS];
    private long linkEvents;
    private long touched;
    private final double[] samples = new double[1 << 16];
    private int sampleCount;

    private DetectorBatchTiming(int rules, boolean warmProbes, boolean samePort) {
        this.rules = rules;
        this.warmProbes = warmProbes;
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
                    + " p2pDirections=" + detector.pointToPointDirections().size());
        }
        for (int p = 1; p <= PORTS; p++) {
            int port = samePort ? 1 : p;
            probes[p - 1] = DetectorEventBenchmark.probe(300, port, table.isPointToPoint(port) ? table.peer(port) : table.route(port, 1));
        }
    }

    /** CPU nanoseconds of one add + remove per port, all ports. */
    private long batch() {
        long total = 0;
        for (int from = 0; from < PORTS; from += WARM_GROUP) {
            int to = Math.min(PORTS, from + WARM_GROUP);
            if (warmProbes) {
                for (int i = from; i < to; i++) {
                    touched += probes[i].key().hashCode() + probes[i].actions().hashCode();
                }
            }
            long start = THREADS.getCurrentThreadCpuTime();
            for (int i = from; i < to; i++) {
                FlowEntry rule = probes[i];
                detector.accept(new FlowEvent.FlowAdded(rule));
                detector.accept(new FlowEvent.FlowRemoved(rule.key(), RemovalReason.DELETE));
            }
            total += THREADS.getCurrentThreadCpuTime() - start;
        }
        return total;
    }

    private void measure() {
        batch();
        long nanos = batch();
        if (sampleCount < samples.length) {
            samples[sampleCount++] = nanos / (2.0 * PORTS) / 1000.0;
        }
    }

    public static void main(String[] args) {
        boolean warmProbes = Arrays.asList(args).contains("--warm-probes");
        boolean samePort = Arrays.asList(args).contains("--same-port");
        String[] numbers = Arrays.stream(args).filter(a -> !a.startsWith("--")).toArray(String[]::new);
        if (numbers.length < 2) {
            throw new IllegalArgumentException("usage: DetectorBatchTiming SECONDS RULES... [--warm-probes] [--same-port]: args=" + Arrays.toString(args));
        }
        double seconds = Double.parseDouble(numbers[0]);
        DetectorBatchTiming[] cases = new DetectorBatchTiming[numbers.length - 1];
        for (int i = 1; i < numbers.length; i++) {
            cases[i - 1] = new DetectorBatchTiming(Integer.parseInt(numbers[i]), warmProbes, samePort);
        }
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            for (DetectorBatchTiming c : cases) {
                c.batch();
            }
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            for (DetectorBatchTiming c : cases) {
                c.measure();
            }
        }
        double[] p10 = new double[cases.length];
        for (int i = 0; i < cases.length; i++) {
            DetectorBatchTiming c = cases[i];
            double[] s = Arrays.copyOf(c.samples, c.sampleCount);
            Arrays.sort(s);
            p10[i] = s[s.length / 10];
            System.out.printf("rules=%d batches=%d min=%.3f p10=%.3f p50=%.3f us/event (flows=%d linkEvents=%d touched=%d)%n",
                    c.rules, s.length, s[0], p10[i], s[s.length / 2], c.detector.flowCount(), c.linkEvents, c.touched & 1);
        }
        System.out.printf("ratio_p10_last_first=%.3f%n", p10[cases.length - 1] / p10[0]);
    }
}
