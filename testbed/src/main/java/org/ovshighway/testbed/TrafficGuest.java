package org.ovshighway.testbed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

import org.ovshighway.guest.DeviceSource;
import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.PortNotFoundException;

/**
 * A small VNF-like guest process: opens one or more ports with
 * {@code GuestPort.open(DeviceSource.sysfs(root), port)}, sends its own sequence-numbered stream
 * on each (see {@link TrafficFrame}) at a given rate or flat out, in bursts, and checks the
 * peer's stream arriving on it (see {@link StreamChecker}).
 *
 * <p>Phases: <b>send</b> (transmit and receive) for {@code --seconds} or until SIGTERM/SIGINT,
 * the first {@code --warmup-ms} after a port's first frame from its peer are that port's warm-up
 * (its check of the peer's stream starts again from the first frame after it, so the peer's
 * start-up does not count; {@code received} counts every frame);
 * then <b>drain</b> (receive only) until nothing has arrived on any port for {@code --drain-ms},
 * so the peer's last frames are counted and the ring holds nothing when the summary is taken;
 * then one {@code TRAFFIC_SUMMARY} line per port on stdout. Every second a
 * {@code TRAFFIC_SECOND} line per port gives the rates.
 *
 * <p>All ports run on one worker thread (pinned with {@code --cpu}), round robin: a burst of
 * transmit then a burst of receive per port. Running two ports in one process on one core is
 * what {@code dpdk-testpmd} does with two memif ports, which makes the two comparable.
 *
 * <p>{@code --transmit false} makes a receive-only guest (its ports send nothing; a one-way
 * benchmark's receiver). {@code --gap-threshold-us N} (N > 0) measures the gaps between
 * arrivals of the peer's stream ({@link ArrivalGaps}, at most {@code --gap-capacity} recorded):
 * the summary line gets {@code max_gap_ns} (after the warm-up) and every gap of at least N us
 * follows the summaries as a {@code TRAFFIC_GAP port=P end_nanos=T gap_ns=G} line, T being
 * System.nanoTime (CLOCK_MONOTONIC) of the arrival that ended it.
 *
 * <p>Exit status: 0 when every port's peer stream was clean (something arrived, nothing lost,
 * reordered or duplicated), 1 otherwise, 2 on bad options or when a port never appeared.
 */
public final class TrafficGuest {
    private TrafficGuest() {
    }

    /** How the worker waits when a round found nothing to do. */
    enum Idle {
        /** PAUSE and poll again: lowest latency, a whole core (benchmarks). */
        SPIN,
        /** Park ~20 us after a run of empty rounds: leaves the core to others sharing it (tests, demos). */
        PARK
    }

    public static void main(String[] args) throws Exception {
        HarnessOptions options;
        Settings settings;
        try {
            options = HarnessOptions.parse("TrafficGuest", args, Map.ofEntries(
                    Map.entry("root", "/sys"),
                    Map.entry("ports", ""),
                    Map.entry("streams", "1"),
                    Map.entry("peer-streams", "2"),
                    Map.entry("length", Integer.toString(TrafficFrame.DEFAULT_LENGTH)),
                    Map.entry("burst", "32"),
                    Map.entry("rate", "0"),
                    Map.entry("seconds", "0"),
                    Map.entry("drain-ms", "500"),
                    Map.entry("warmup-ms", "0"),
                    Map.entry("idle", "spin"),
                    Map.entry("cpu", "none"),
                    Map.entry("transmit", "true"),
                    Map.entry("gap-threshold-us", "0"),
                    Map.entry("gap-capacity", "1000000"),
                    Map.entry("open-timeout-ms", "30000")));
            settings = Settings.from(options);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<TrafficPort> ports = new ArrayList<>();
        try {
            for (int i = 0; i < settings.ports.size(); i++) {
                GuestPort port = openWhenPublished(settings.root, settings.ports.get(i), settings.openTimeoutMs);
                int stream = settings.streams.get(i);
                int peer = settings.peerStreams.get(i);
                TrafficFrame frame = new TrafficFrame(TrafficFrame.mac(peer), TrafficFrame.mac(stream), stream,
                        settings.length);
                ArrivalGaps gaps = settings.gapThresholdUs == 0 ? null
                        : new ArrivalGaps(settings.gapThresholdUs * 1000L, settings.gapCapacity);
                ports.add(new TrafficPort(port, frame, peer, settings.burst, gaps));
            }
        } catch (PortNotFoundException | IllegalArgumentException e) {
            System.err.println("TrafficGuest: " + e.getMessage());
            ports.forEach(TrafficPort::close);
            System.exit(2);
            return;
        }
        int status = run(settings, ports);
        ports.forEach(TrafficPort::close);
        System.exit(status);
    }

    private static GuestPort openWhenPublished(Path root, String name, long timeoutMs) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            try {
                return GuestPort.open(DeviceSource.sysfs(root), name);
            } catch (PortNotFoundException e) {
                if (System.nanoTime() > deadline) {
                    System.err.println("TrafficGuest: port=" + name + " not published within timeoutMs=" + timeoutMs);
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Runs worker and reporter, prints the summary lines; returns the exit status. The caller closes the ports. */
    static int run(Settings settings, List<TrafficPort> ports) throws InterruptedException {
        Worker worker = new Worker(settings, ports.toArray(new TrafficPort[0]));
        Thread thread = new Thread(worker, "traffic-worker");
        CountDownLatch summarised = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            worker.stopSending = true;
            try {
                summarised.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "traffic-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        thread.start();
        report(ports, thread, worker);
        thread.join();
        int status;
        if (worker.failure != null) {
            System.err.println("TrafficGuest: worker failed: " + worker.failure);
            worker.failure.printStackTrace();
            status = 1;
        } else {
            boolean clean = true;
            for (TrafficPort port : ports) {
                System.out.println(port.summaryLine());
                clean &= port.clean();
            }
            System.out.flush();
            java.io.PrintStream out = new java.io.PrintStream(new java.io.BufferedOutputStream(
                    new java.io.FileOutputStream(java.io.FileDescriptor.out), 1 << 16), false);
            for (TrafficPort port : ports) {
                port.printGapLines(out);
            }
            out.flush();
            status = clean ? 0 : 1;
        }
        System.out.flush();
        summarised.countDown();
        return status;
    }

    /** Prints one TRAFFIC_SECOND line per port per second while the worker runs. */
    private static void report(List<TrafficPort> ports, Thread worker, Worker state) throws InterruptedException {
        int n = ports.size();
        long[] lastSent = new long[n];
        long[] lastReceived = new long[n];
        long last = System.nanoTime();
        long start = last;
        int second = 0;
        while (worker.isAlive()) {
            long wakeAt = start + (second + 1) * 1_000_000_000L;
            while (worker.isAlive() && System.nanoTime() < wakeAt) {
                Thread.sleep(Math.max(1, Math.min(50, (wakeAt - System.nanoTime()) / 1_000_000)));
            }
            if (!worker.isAlive()) {
                break;
            }
            second++;
            long now = System.nanoTime();
            double nanos = now - last;
            last = now;
            for (int i = 0; i < n; i++) {
                TrafficPort port = ports.get(i);
                long sent = port.sent.acquire();
                long received = port.received.acquire();
                System.out.printf(Locale.ROOT, "TRAFFIC_SECOND port=%s second=%d phase=%s tx_mpps=%.3f rx_mpps=%.3f"
                                + " sent=%d received=%d errors=%d%n", port.name(), second, state.phase,
                        (sent - lastSent[i]) * 1000.0 / nanos, (received - lastReceived[i]) * 1000.0 / nanos,
                        sent, received, port.errors.acquire());
                lastSent[i] = sent;
                lastReceived[i] = received;
            }
            System.out.flush();
        }
    }

    /** The data-path loop over all ports. */
    static final class Worker implements Runnable {
        /**
         * Rounds a port skips transmitting after its ring refused part of a burst: polling a
         * full ring reads the ring line the switch writes on every receive, making it bounce
         * between the cores, which slows the switch down more than it helps this guest.
         */
        static final int TX_BACKOFF_ROUNDS = 4;
        /** Most frames a paced port may send at once after a pause (a few bursts). */
        static final double MAX_CREDIT = 256;
        private final Settings settings;
        private final TrafficPort[] ports;
        /** Set by the stop hook or the deadline: leave the send phase. */
        volatile boolean stopSending;
        /** For the progress lines only. */
        volatile String phase = "send";
        volatile Throwable failure;

        Worker(Settings settings, TrafficPort[] ports) {
            this.settings = settings;
            this.ports = ports;
        }

        @Override
        public void run() {
            try {
                ThreadAffinity.pinCurrentThread(settings.cpu);
                send();
                phase = "drain";
                drain();
                phase = "done";
            } catch (Throwable e) {
                failure = e;
            }
        }

        /**
         * Transmit and receive until the deadline or a stop request. Pacing: each port earns
         * {@code rate} frames per second of credit, capped at {@value #MAX_CREDIT} frames, so a
         * guest that lost the core for a while resumes at its rate instead of bursting out the
         * whole backlog (a frame never sent takes no sequence number, so this is not loss).
         */
        private void send() {
            final TrafficPort[] ps = ports;
            final int burst = settings.burst;
            final long start = System.nanoTime();
            final long deadline = settings.seconds == 0 ? Long.MAX_VALUE : start + settings.seconds * 1_000_000_000L;
            final long warmupNanos = settings.warmupMs * 1_000_000L;
            boolean warming = warmupNanos != 0;
            final boolean paced = settings.rate != 0;
            final boolean transmit = settings.transmit;
            final double perNano = settings.rate / 1e9;
            final double[] credit = new double[ps.length];
            final int[] txSkip = new int[ps.length];
            long last = System.nanoTime();
            int idleRounds = 0;
            int round = 0;
            while (!stopSending) {
                // unpaced, the clock is read every 16 rounds: enough for the deadline
                if (paced || (round++ & 15) == 0) {
                    long now = System.nanoTime();
                    if (now > deadline) {
                        break;
                    }
                    if (warming) {
                        boolean over = true;
                        for (TrafficPort p : ps) {
                            over &= p.warmupOver(now, warmupNanos);
                        }
                        warming = !over;
                    }
                    double earned = (now - last) * perNano;
                    last = now;
                    for (int i = 0; i < ps.length; i++) {
                        credit[i] = Math.min(MAX_CREDIT, credit[i] + earned);
                    }
                }
                int work = 0;
                for (int i = 0; i < ps.length; i++) {
                    int allowed = !transmit ? 0 : paced ? (int) Math.min(burst, credit[i]) : burst;
                    if (txSkip[i] > 0) {
                        txSkip[i]--;
                    } else if (allowed > 0) {
                        int n = ps[i].transmit(allowed);
                        credit[i] -= n;
                        work += n;
                        if (n < allowed) {
                            txSkip[i] = TX_BACKOFF_ROUNDS;
                        }
                    }
                    work += ps[i].receive();
                }
                idleRounds = idle(work, idleRounds);
            }
        }

        private void drain() {
            final TrafficPort[] ps = ports;
            final long quietNanos = settings.drainMs * 1_000_000L;
            long lastArrival = System.nanoTime();
            int idleRounds = 0;
            while (true) {
                int work = 0;
                for (TrafficPort p : ps) {
                    work += p.receive();
                }
                long now = System.nanoTime();
                if (work != 0) {
                    lastArrival = now;
                } else if (now - lastArrival > quietNanos) {
                    break;
                }
                idleRounds = idle(work, idleRounds);
            }
            for (TrafficPort p : ps) {
                p.release();
            }
        }

        private int idle(int work, int idleRounds) {
            if (work != 0) {
                return 0;
            }
            if (settings.idle == Idle.PARK && idleRounds >= 64) {
                LockSupport.parkNanos(20_000);
                return idleRounds;
            }
            Thread.onSpinWait();
            return idleRounds + 1;
        }
    }

    /** The validated options. */
    record Settings(Path root, List<String> ports, List<Integer> streams, List<Integer> peerStreams, int length,
                    int burst, int rate, int seconds, int warmupMs, int drainMs, Idle idle, int cpu, int openTimeoutMs,
                    boolean transmit, int gapThresholdUs, int gapCapacity) {

        static Settings from(HarnessOptions o) {
            List<String> ports = csv(o.string("ports"));
            if (ports.isEmpty()) {
                throw new IllegalArgumentException("TrafficGuest: option=--ports is required (comma-separated port names)");
            }
            List<Integer> streams = csv(o.string("streams")).stream().map(s -> parseStream("streams", s)).toList();
            List<Integer> peers = csv(o.string("peer-streams")).stream().map(s -> parseStream("peer-streams", s)).toList();
            if (streams.size() != ports.size() || peers.size() != ports.size()) {
                throw new IllegalArgumentException("TrafficGuest: --ports, --streams and --peer-streams need one entry"
                        + " per port: ports=" + ports + " streams=" + streams + " peer-streams=" + peers);
            }
            int length = o.positiveInt("length");
            if (length < TrafficFrame.MIN_LENGTH || length > TrafficFrame.MAX_LENGTH) {
                throw new IllegalArgumentException("TrafficGuest: option=--length value=" + length + " outside "
                        + TrafficFrame.MIN_LENGTH + ".." + TrafficFrame.MAX_LENGTH);
            }
            int burst = o.positiveInt("burst");
            if (burst > 256) {
                throw new IllegalArgumentException("TrafficGuest: option=--burst value=" + burst + " above 256");
            }
            Idle idle = switch (o.string("idle")) {
                case "spin" -> Idle.SPIN;
                case "park" -> Idle.PARK;
                default -> throw new IllegalArgumentException("TrafficGuest: option=--idle value=" + o.string("idle")
                        + " must be spin or park");
            };
            return new Settings(Path.of(o.string("root")), ports, streams, peers, length, burst,
                    o.nonNegativeInt("rate"), o.nonNegativeInt("seconds"), o.nonNegativeInt("warmup-ms"),
                    o.nonNegativeInt("drain-ms"), idle,
                    o.cpuOrNone("cpu"), o.positiveInt("open-timeout-ms"), bool(o, "transmit"),
                    o.nonNegativeInt("gap-threshold-us"), o.positiveInt("gap-capacity"));
        }

        private static boolean bool(HarnessOptions o, String key) {
            return switch (o.string(key)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("TrafficGuest: option=--" + key + " value=" + o.string(key)
                        + " must be true or false");
            };
        }

        private static List<String> csv(String value) {
            List<String> out = new ArrayList<>();
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
            return out;
        }

        private static int parseStream(String option, String value) {
            try {
                return Integer.parseUnsignedInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("TrafficGuest: option=--" + option + " entry=" + value
                        + " is not a stream id (0..4294967295)", e);
            }
        }
    }
}
