package org.ovshighway.ovs.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ovshighway.ovs.testing.PrivateOvs;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Soundness of the point-to-point detector against the real OVS datapath: a private userspace OVS
 * with one netdev bridge and five dummy ports gets seeded random rule sets ({@link RandomRuleSet},
 * installed atomically with {@code ovs-ofctl --bundle}); a detector fed by a real
 * {@link BridgeFlowMonitor} on that bridge then names its point-to-point directions, and every one
 * is checked with {@code ofproto/trace}: each packet from X (ARP, IPv4 TCP/UDP/ICMP, VLAN-tagged,
 * IPv6, LLDP, random ones) must produce exactly the datapath action "output to Y", and no packet
 * from any other port (LOCAL included) may output to Y. The test also requires that point-to-point
 * directions were found in a good share of the sets, so it cannot pass vacuously, and prints the
 * counts (including directions the traces suggest but the detector refused: its conservatism).
 */
class DetectorSoundnessOvsTest {

    private static final int SETS = 30;
    private static final long BASE_SEED = 0x5eed_0f_f10e5L;
    private static final List<Integer> PORTS = List.of(1, 2, 3, 4, 5);
    private static final int LOCAL = 65534;
    private static final long SETTLE_MILLIS = 15_000;
    private static final Pattern HASH_RECIRC = Pattern.compile("hash\\([^()]*(?:\\([^()]*\\))?[^()]*\\),recirc\\((0x[0-9a-f]+)\\)");
    private static final Pattern DPIF_PORT = Pattern.compile("^\\s+(\\S+) (\\d+)/(\\d+):", Pattern.MULTILINE);

    @BeforeAll
    static void needsRoot() {
        assumeTrue(PrivateOvs.isRoot(), "needs root to start a private OVS");
    }

    @Test
    void everyDirectionCalledPointToPointIsPointToPointInTheDatapath() throws Exception {
        Object lock = new Object();
        P2pDetector detector = new P2pDetector(event -> { });
        detector.setCandidatePorts(new TreeSet<>(PORTS.stream().map(PortNo::of).toList()));
        int setsWithP2p = 0;
        int directions = 0;
        int traces = 0;
        int refusedButLooksP2p = 0;
        try (PrivateOvs ovs = PrivateOvs.start("br0")) {
            for (int p : PORTS) {
                ovs.vsctl("add-port", "br0", "p" + p, "--", "set", "Interface", "p" + p, "type=dummy", "ofport_request=" + p);
            }
            Map<Integer, Integer> datapathPort = datapathPorts(ovs.appctl("dpif/show"));
            assertEquals(PORTS.size() + 1, datapathPort.size(), () -> "ports in dpif/show: " + datapathPort);
            List<Integer> sources = new ArrayList<>(PORTS);
            sources.add(LOCAL);
            try (BridgeFlowMonitor monitor = BridgeFlowMonitor.start(BridgeEndpoint.managementSocket(ovs.runDir(), "br0"),
                    event -> {
                        synchronized (lock) {
                            detector.accept(event);
                        }
                    })) {
                waitFor(lock, () -> monitor.resyncCount() >= 1 && !detector.isResyncing(), "initial dump");
                for (int set = 0; set < SETS; set++) {
                    long seed = BASE_SEED + set;
                    RandomRuleSet rules = RandomRuleSet.generate(seed, PORTS);
                    install(ovs, rules);
                    int flows = countLines(ovs.ofctl("-O", "OpenFlow14", "dump-flows", "br0"), " cookie=");
                    int groups = countLines(ovs.ofctl("-O", "OpenFlow14", "dump-groups", "br0"), " group_id=");
                    waitFor(lock, () -> detector.flowCount() == flows && detector.groupCount() == groups && !detector.isResyncing(),
                            "detector to hold flows=" + flows + " groups=" + groups + " seed=" + seed);
                    Map<PortNo, PortNo> p2p;
                    synchronized (lock) {
                        p2p = detector.pointToPointDirections();
                        assertEquals(0, detector.inconsistencyCount(), "events out of step with the mirror, seed=" + seed);
                    }
                    List<String> packets = new ArrayList<>(RandomRuleSet.PACKETS);
                    packets.addAll(rules.randomPackets(3));
                    Map<Integer, List<Set<String>>> actionsFrom = new HashMap<>();
                    for (int source : sources) {
                        List<Set<String>> actions = new ArrayList<>();
                        for (String packet : packets) {
                            actions.add(datapathActions(ovs, source, packet));
                            traces++;
                        }
                        actionsFrom.put(source, actions);
                    }
                    String context = "seed=" + seed + "\nflows:\n" + String.join("\n", rules.flowLines()) + "\ngroups:\n"
                            + String.join("\n", rules.groupLines());
                    for (Map.Entry<PortNo, PortNo> d : p2p.entrySet()) {
                        int x = (int) d.getKey().number();
                        int y = (int) d.getValue().number();
                        String out = Integer.toString(datapathPort.get(y));
                        for (int i = 0; i < packets.size(); i++) {
                            Set<String> got = actionsFrom.get(x).get(i);
                            if (!got.equals(Set.of(out))) {
                                fail("detector says " + x + "->" + y + " is point-to-point, but packet from " + x + " [" + packets.get(i)
                                        + "] gives datapath actions [" + got + "], expected [" + out + "] (dp port of " + y + ")\n" + context);
                            }
                        }
                        for (int w : sources) {
                            if (w == x) {
                                continue;
                            }
                            for (int i = 0; i < packets.size(); i++) {
                                Set<String> got = actionsFrom.get(w).get(i);
                                if (got.stream().anyMatch(a -> outputs(a).contains(out))) {
                                    fail("detector says " + x + "->" + y + " is point-to-point, but packet from port " + w + " ["
                                            + packets.get(i) + "] reaches " + y + ": datapath actions [" + got + "]\n" + context);
                                }
                            }
                        }
                    }
                    refusedButLooksP2p += looksPointToPoint(actionsFrom, datapathPort, p2p);
                    directions += p2p.size();
                    setsWithP2p += p2p.isEmpty() ? 0 : 1;
                    ovs.ofctl("-O", "OpenFlow14", "del-flows", "br0");
                    ovs.ofctl("-O", "OpenFlow14", "del-groups", "br0");
                    waitFor(lock, () -> detector.flowCount() == 0 && detector.groupCount() == 0, "empty tables after seed=" + seed);
                }
            }
        }
        System.out.printf("detector soundness vs OVS: sets=%d setsWithP2p=%d p2pDirections=%d traces=%d "
                + "refusedButTracesLookP2p=%d%n", SETS, setsWithP2p, directions, traces, refusedButLooksP2p);
        assertTrue(setsWithP2p * 2 >= SETS, "point-to-point directions found in only " + setsWithP2p + " of " + SETS + " sets");
        assertTrue(directions >= SETS, "only " + directions + " point-to-point directions over " + SETS + " sets");
    }

    /** Directions the detector refused although every traced packet from X went only to one candidate Y and nothing else reached Y. */
    private static int looksPointToPoint(Map<Integer, List<Set<String>>> actionsFrom, Map<Integer, Integer> datapathPort, Map<PortNo, PortNo> p2p) {
        Map<String, Integer> ofportOf = new HashMap<>();
        datapathPort.forEach((of, dp) -> ofportOf.put(Integer.toString(dp), of));
        int count = 0;
        for (int x : PORTS) {
            if (p2p.containsKey(PortNo.of(x))) {
                continue;
            }
            Set<String> outs = new TreeSet<>();
            actionsFrom.get(x).forEach(outs::addAll);
            if (outs.size() != 1 || !ofportOf.containsKey(outs.iterator().next())) {
                continue;
            }
            String out = outs.iterator().next();
            int y = ofportOf.get(out);
            if (!PORTS.contains(y) || y == x) {
                continue;
            }
            boolean reachedByOthers = actionsFrom.entrySet().stream()
                    .anyMatch(e -> e.getKey() != x && e.getValue().stream().flatMap(Set::stream).anyMatch(a -> outputs(a).contains(out)));
            if (!reachedByOthers) {
                count++;
            }
        }
        return count;
    }

    private static void install(PrivateOvs ovs, RandomRuleSet rules) throws Exception {
        Path dir = ovs.runDir();
        if (!rules.groupLines().isEmpty()) {
            Path groups = dir.resolve("groups.txt");
            Files.write(groups, rules.groupLines());
            ovs.ofctl("-O", "OpenFlow14", "--bundle", "add-groups", "br0", groups.toString());
        }
        if (!rules.flowLines().isEmpty()) {
            Path flows = dir.resolve("flows.txt");
            Files.write(flows, rules.flowLines());
            ovs.ofctl("-O", "OpenFlow14", "--bundle", "add-flows", "br0", flows.toString());
        }
    }

    /**
     * The datapath actions a packet from {@code inPort} gets, one string per way it can go. A select
     * group makes the userspace datapath hash the packet and recirculate it without output
     * ({@code hash(...),recirc(0xN)}); the bucket is chosen in the recirculated pass, so that pass is
     * traced for every dp_hash value OVS distinguishes (it masks dp_hash with at most 0xf here).
     */
    private static Set<String> datapathActions(PrivateOvs ovs, int inPort, String packet) throws Exception {
        String in = "in_port=" + (inPort == LOCAL ? "LOCAL" : Integer.toString(inPort));
        String first = traceActions(ovs, in + "," + packet);
        Matcher recirc = HASH_RECIRC.matcher(first);
        if (!recirc.matches()) {
            return Set.of(first);
        }
        Set<String> passes = new TreeSet<>();
        // 16..31: every value of the low four bits, none zero (dp_hash=0 reads as "not hashed yet").
        for (int hash = 16; hash < 32; hash++) {
            passes.add(traceActions(ovs, "recirc_id=" + recirc.group(1) + ",dp_hash=" + hash + "," + in + "," + packet));
        }
        return passes;
    }

    private static String traceActions(PrivateOvs ovs, String flow) throws Exception {
        String trace = ovs.appctl("ofproto/trace", "br0", flow);
        for (String line : trace.split("\n")) {
            if (line.startsWith("Datapath actions: ")) {
                return line.substring("Datapath actions: ".length()).strip();
            }
        }
        throw new AssertionError("no 'Datapath actions:' line in trace of " + flow + ":\n" + trace);
    }

    /**
     * Every bare decimal token of a datapath action list, at any nesting depth (clone(...), sample(...)):
     * an over-approximation of the datapath ports it outputs to.
     */
    static Set<String> outputs(String actions) {
        Set<String> ports = new TreeSet<>();
        for (String token : actions.split("[(),;]")) {
            String t = token.strip();
            if (t.matches("\\d+")) {
                ports.add(t);
            }
        }
        return ports;
    }

    /** ofport → datapath port from {@code ovs-appctl dpif/show} (lines like {@code p1 1/2: (dummy)}). */
    private static Map<Integer, Integer> datapathPorts(String dpifShow) {
        Map<Integer, Integer> map = new LinkedHashMap<>();
        Matcher m = DPIF_PORT.matcher(dpifShow);
        while (m.find()) {
            map.put(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        }
        assertFalse(map.isEmpty(), () -> "no ports in dpif/show output:\n" + dpifShow);
        return map;
    }

    private static int countLines(String text, String prefix) {
        return (int) text.lines().filter(l -> l.startsWith(prefix)).count();
    }

    private static void waitFor(Object lock, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        while (true) {
            synchronized (lock) {
                if (condition.getAsBoolean()) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + SETTLE_MILLIS + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void outputsOfDatapathActions() {
        assertEquals(Set.of("2"), outputs("2"));
        assertEquals(Set.of("1", "3", "100"), outputs("100,1,3"));
        assertEquals(Set.of(), outputs("drop"));
        assertEquals(Set.of("4"), outputs("push_vlan(vid=5,pcp=0),4"));
        assertEquals(Set.of("3"), outputs("clone(set(eth(dst=02:00:00:00:00:99)),3)"));
        Matcher m = HASH_RECIRC.matcher("hash(sym_l4(0)),recirc(0x16)");
        assertTrue(m.matches());
        assertEquals("0x16", m.group(1));
        assertFalse(HASH_RECIRC.matcher("hash(sym_l4(0)),recirc(0x16),2").matches());
    }
}
