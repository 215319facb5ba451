package org.ovshighway.testbed.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.ovshighway.ovs.openflow.BridgeEndpoint;
import org.ovshighway.ovs.openflow.BridgeFlowMonitor;
import org.ovshighway.ovs.openflow.FlowEventBatchListener;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Side by side on a real private OVS: how long {@code ovs-ofctl --bundle add-flows} takes to install
 * a {@link SyntheticTable}, how long until a {@link P2pDetector} fed by a {@link BridgeFlowMonitor}
 * holds every rule, and how long the detector alone takes to consume the same events replayed from
 * memory: in the batches the monitor delivered (one per monitor reply, {@code detector_s}) and one
 * by one ({@code detector_per_event_s}). The bridge and its dummy ports 1..ports must exist (testbed/benchmarks/detector.sh makes
 * them); OVS_RUNDIR must point ovs-ofctl at the instance.
 *
 * <p>Usage: {@code DetectorInstallBench MGMT_SOCKET BRIDGE RULES PORTS WORKDIR}. Prints
 * {@code key=value} lines on stdout; progress on stderr.
 */
public final class DetectorInstallBench {

    private static final long DEADLINE_SECONDS = 600;
    private static final int REPLAYS = 5;

    /**
     * Events seen by the monitor's thread, as the batches it delivered (one monitor reply each; a
     * single event is a batch of one), and how long the live detector spent on them.
     */
    private static final class Recorder implements FlowEventBatchListener {
        final P2pDetector detector;
        final List<List<FlowEvent>> batches = new ArrayList<>();
        volatile int flows;
        volatile boolean resyncing;
        volatile boolean dumped;
        volatile long firstEventNanos;
        volatile long lastEventNanos;
        long busyNanos;
        /** Flow count that ends the measurement; -1 until the install starts. */
        volatile int target = -1;
        /** Batches consumed when the detector first held {@link #target} flows with no resync open, and when. */
        volatile int completeIndex = -1;
        volatile long completeNanos;

        Recorder(Set<PortNo> candidates) {
            detector = new P2pDetector(e -> { });
            detector.setCandidatePorts(candidates);
        }

        /** The batches consumed up to the measurement's end (later ones, e.g. a resync on close, excluded). */
        synchronized List<List<FlowEvent>> consumed() {
            return List.copyOf(batches.subList(0, completeIndex));
        }

        @Override
        public void onFlowEvent(FlowEvent event) {
            onFlowEvents(List.of(event));
        }

        @Override
        public synchronized void onFlowEvents(List<FlowEvent> events) {
            long start = System.nanoTime();
            if (dumped) {
                if (batches.isEmpty()) {
                    firstEventNanos = start;
                }
                batches.add(events);
            }
            if (events.size() == 1) {
                detector.accept(events.getFirst());
            } else {
                detector.acceptAll(events);
            }
            long end = System.nanoTime();
            busyNanos += end - start;
            lastEventNanos = end;
            if (events.getLast() instanceof FlowEvent.ResyncCompleted) {
                dumped = true;
            }
            resyncing = detector.isResyncing();
            flows = detector.flowCount();
            if (completeIndex < 0 && target >= 0 && flows == target && !resyncing) {
                completeNanos = end;
                completeIndex = batches.size();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: DetectorInstallBench MGMT_SOCKET BRIDGE RULES PORTS WORKDIR");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        String bridge = args[1];
        int rules = Integer.parseInt(args[2]);
        int ports = Integer.parseInt(args[3]);
        Path work = Path.of(args[4]);

        SyntheticTable table = new SyntheticTable(rules, ports);
        List<SyntheticTable.Rule> generated = table.rules();
        Path file = work.resolve("flows.txt");
        Files.write(file, generated.stream().map(SyntheticTable.Rule::ofctl).toList());
        Set<PortNo> candidates = new TreeSet<>();
        for (int p = 1; p <= ports; p++) {
            candidates.add(PortNo.of(p));
        }

        Recorder live = new Recorder(candidates);
        try (BridgeFlowMonitor monitor = BridgeFlowMonitor.start(new BridgeEndpoint.UnixSocket(bridge, socket), live)) {
            waitUntil(() -> live.dumped, "initial dump of " + bridge);
            if (live.flows != 0) {
                throw new IllegalStateException("bridge must start empty: bridge=" + bridge + " flows=" + live.flows);
            }
            System.err.println("installing " + rules + " rules with ovs-ofctl --bundle add-flows");
            live.target = rules;
            long t0 = System.nanoTime();
            Process ofctl = new ProcessBuilder("ovs-ofctl", "-O", "OpenFlow14", "--bundle", "add-flows", bridge, file.toString())
                    .inheritIO().start();
            if (!ofctl.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS) || ofctl.exitValue() != 0) {
                throw new IllegalStateException("ovs-ofctl add-flows failed or timed out: file=" + file);
            }
            long tInstalled = System.nanoTime();
            // A big bundle overflows the switch's monitor buffer; the monitor then resynchronises
            // (a new connection and a full dump), so "done" is: all rules and no resync open.
            waitUntil(() -> live.completeIndex >= 0, "detector to hold rules=" + rules);
            long tAll = live.completeNanos;
            long resyncs = monitor.resyncCount() - 1;
            List<List<FlowEvent>> consumed = live.consumed();
            List<FlowEvent> events = consumed.stream().flatMap(List::stream).toList();
            // close() stops the event loop: nothing touches the live detector afterwards.
            monitor.close();
            int p2p = live.detector.pointToPointDirections().size();
            if (p2p != ports / 2) {
                throw new IllegalStateException("live detector found p2pDirections=" + p2p + ", expected " + ports / 2);
            }
            double installS = (tInstalled - t0) / 1e9;
            System.out.printf("ovs_install_s=%.3f%n", installS);
            System.out.printf("end_to_end_s=%.3f%n", (tAll - t0) / 1e9);
            System.out.printf("monitor_first_to_last_event_s=%.3f%n", (tAll - live.firstEventNanos) / 1e9);
            System.out.printf("live_detector_busy_s=%.3f%n", live.busyNanos / 1e9);
            System.out.printf("events=%d%n", events.size());
            System.out.printf("batches=%d%n", consumed.size());
            System.out.printf("monitor_resyncs=%d%n", resyncs);
            System.out.printf("event_kinds=%s%n", events.stream()
                    .collect(java.util.stream.Collectors.groupingBy(e -> e.getClass().getSimpleName(), java.util.TreeMap::new,
                            java.util.stream.Collectors.counting())).toString().replace(" ", ""));
            System.out.printf("p2p_directions=%d%n", p2p);

            // Alternated so that JIT warm-up and machine noise fall on both alike.
            double[] batched = new double[REPLAYS];
            double[] perEvent = new double[REPLAYS];
            for (int i = 0; i < REPLAYS; i++) {
                batched[i] = replay(consumed, candidates, rules, ports);
                perEvent[i] = replay(events.stream().map(List::of).toList(), candidates, rules, ports);
            }
            System.out.printf("replay_s=%s%n", Arrays.toString(batched).replaceAll("[\\[\\] ]", ""));
            System.out.printf("replay_per_event_s=%s%n", Arrays.toString(perEvent).replaceAll("[\\[\\] ]", ""));
            Arrays.sort(batched);
            Arrays.sort(perEvent);
            System.out.printf("detector_s=%.3f%n", batched[REPLAYS / 2]);
            System.out.printf("detector_per_event_s=%.3f%n", perEvent[REPLAYS / 2]);
        }
    }

    /**
     * Seconds a fresh detector takes to consume {@code batches} (the live stream, in order): a
     * batch of one through {@link P2pDetector#accept}, a longer one through {@link P2pDetector#acceptAll}.
     */
    private static double replay(List<List<FlowEvent>> batches, Set<PortNo> candidates, int rules, int ports) {
        P2pDetector detector = new P2pDetector(e -> { });
        detector.setCandidatePorts(candidates);
        detector.accept(new FlowEvent.ResyncStarted());
        detector.accept(new FlowEvent.ResyncCompleted());
        long start = System.nanoTime();
        for (List<FlowEvent> batch : batches) {
            if (batch.size() == 1) {
                detector.accept(batch.getFirst());
            } else {
                detector.acceptAll(batch);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (detector.flowCount() != rules || detector.isResyncing() || detector.pointToPointDirections().size() != ports / 2) {
            throw new IllegalStateException("replay ended with flows=" + detector.flowCount() + " resyncing=" + detector.isResyncing()
                    + " p2pDirections="
                    + detector.pointToPointDirections().size());
        }
        return seconds;
    }

    private static void waitUntil(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + DEADLINE_SECONDS + " s waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
