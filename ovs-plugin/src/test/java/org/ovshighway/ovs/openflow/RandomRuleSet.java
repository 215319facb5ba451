package org.ovshighway.ovs.openflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded random flow and group table for one netdev bridge, in ovs-ofctl syntax, biased so that
 * point-to-point directions occur often: most ports get a rule {@code in_port=X actions=output:Y}
 * (directly, through goto_table or through a single-bucket group) towards a partner port, and
 * distractors are sprinkled on top: higher- and equal-priority partial matches with the same or
 * other actions, shadowed lower-priority rules, header rewrites, FLOOD/NORMAL/CONTROLLER/drop,
 * two-bucket groups, idle and hard timeouts, wildcard-in_port rules, rules from LOCAL and rules in
 * tables no traffic reaches. Every partial match uses a clause from {@link #CLAUSES}, and
 * {@link #PACKETS} holds packets hitting each clause, so a trace exercises every distractor.
 */
final class RandomRuleSet {

    /** Match clauses the distractors use (ovs-ofctl syntax, prerequisites included). */
    static final List<String> CLAUSES = List.of(
            "tcp,tp_dst=80",
            "udp,udp_dst=53",
            "ip,nw_dst=10.0.0.9",
            "ip,nw_src=10.1.0.0/16",
            "arp",
            "dl_vlan=10",
            "ipv6",
            "tcp6,tp_dst=443",
            "icmp",
            "dl_dst=ff:ff:ff:ff:ff:ff");

    /**
     * Trace packets (ofproto/trace flow syntax without in_port; its parser takes tp_src/tp_dst for
     * TCP only, hence udp_src/udp_dst); together they hit every clause above and miss each. */
    static final List<String> PACKETS = List.of(
            "arp,dl_src=02:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.0.0.1,arp_tpa=10.0.0.9,arp_op=1",
            "tcp,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.9,tp_src=40000,tp_dst=80",
            "udp,dl_src=02:00:00:00:00:03,dl_dst=02:00:00:00:00:04,nw_src=10.1.2.3,nw_dst=192.168.1.1,udp_src=5353,udp_dst=53",
            "dl_vlan=10,tcp,dl_src=02:00:00:00:00:05,dl_dst=02:00:00:00:00:06,nw_src=10.0.0.5,nw_dst=10.0.0.6,tp_src=1000,tp_dst=22",
            "dl_vlan=20,udp,dl_src=02:00:00:00:00:07,dl_dst=ff:ff:ff:ff:ff:ff,nw_src=172.16.0.1,nw_dst=172.16.0.255,udp_src=68,udp_dst=67",
            "ipv6,dl_src=02:00:00:00:00:08,dl_dst=33:33:00:00:00:01,ipv6_src=2001:db8::1,ipv6_dst=ff02::1,nw_proto=59",
            "tcp6,dl_src=02:00:00:00:00:09,dl_dst=02:00:00:00:00:0a,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,tp_src=50000,tp_dst=443",
            "icmp,dl_src=02:00:00:00:00:0b,dl_dst=02:00:00:00:00:0c,nw_src=10.0.0.1,nw_dst=10.0.0.2,icmp_type=8,icmp_code=0",
            "dl_type=0x88cc,dl_src=02:00:00:00:00:0d,dl_dst=01:80:c2:00:00:0e");

    /** Actions that make a rule anything but a plain single output (Z is replaced by a port). */
    private static final List<String> OTHER_ACTIONS = List.of(
            "drop", "CONTROLLER", "NORMAL", "FLOOD", "ALL", "LOCAL",
            "set_field:02:00:00:00:00:99->eth_dst,output:Z", "mod_vlan_vid:5,output:Z", "push_vlan:0x8100,output:Z",
            "set_queue:1,output:Z", "resubmit(,7)",
            "output:Z,output:Z2", "output:IN_PORT");

    private final Random random;
    private final List<Integer> ports;
    /** Flows keyed by table, priority and match, so no two adds in one set collide. */
    private final Map<String, String> flows = new LinkedHashMap<>();
    private final List<String> groups = new ArrayList<>();
    private int nextGroup = 1;

    private RandomRuleSet(long seed, List<Integer> ports) {
        this.random = new Random(seed);
        this.ports = ports;
    }

    /** Generates one set over {@code ports} (ofport numbers of the bridge's ordinary ports). */
    static RandomRuleSet generate(long seed, List<Integer> ports) {
        RandomRuleSet set = new RandomRuleSet(seed, ports);
        set.build();
        return set;
    }

    /** Lines for {@code ovs-ofctl --bundle add-flows}. */
    List<String> flowLines() {
        return new ArrayList<>(flows.values());
    }

    /** Lines for {@code ovs-ofctl --bundle add-groups}. */
    List<String> groupLines() {
        return List.copyOf(groups);
    }

    /** A few packets of this set beyond {@link #PACKETS}: random addresses and ports, some vlan-tagged. */
    List<String> randomPackets(int count) {
        List<String> packets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String proto = random.nextBoolean() ? "tcp" : "udp";
            String vlan = random.nextInt(3) == 0 ? "dl_vlan=" + (1 + random.nextInt(4094)) + "," : "";
            packets.add(vlan + proto + ",dl_src=" + mac() + ",dl_dst=" + mac()
                    + ",nw_src=10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256)
                    + ",nw_dst=" + (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256)
                    + "," + proto + "_src=" + (1 + random.nextInt(65535)) + "," + proto + "_dst=" + (1 + random.nextInt(65535)));
        }
        return packets;
    }

    private void build() {
        List<Integer> shuffled = new ArrayList<>(ports);
        Collections.shuffle(shuffled, random);
        Map<Integer, Integer> partner = new LinkedHashMap<>();
        for (int i = 0; i + 1 < shuffled.size(); i += 2) {
            partner.put(shuffled.get(i), shuffled.get(i + 1));
            partner.put(shuffled.get(i + 1), shuffled.get(i));
        }
        for (int x : ports) {
            if (chance(85)) {
                int y = partner.containsKey(x) && chance(85) ? partner.get(x) : otherPort(x);
                forwarding(x, y);
            } else {
                nonForwarding(x);
            }
        }
        // A few distractors per set (none in some sets), so that sets range from clean to cluttered.
        int distractors = random.nextInt(6);
        for (int i = 0; i < distractors; i++) {
            distractor(pick(ports), partner);
        }
    }

    /** X's traffic towards Y: output:Y directly, through one or two goto_table, or through a single-bucket group. */
    private void forwarding(int x, int y) {
        String in = "in_port=" + x;
        int via = random.nextInt(10);
        if (via < 5) {
            flow(0, 100, in, "output:" + y);
        } else if (via < 7) {
            int t = 1 + random.nextInt(2);
            flow(0, 100, in, "goto_table:" + t);
            if (t == 1 && chance(30)) {
                flow(1, 100, in, "goto_table:2");
                t = 2;
            }
            flow(t, 100, in, "output:" + y);
        } else {
            int g = nextGroup++;
            groups.add("group_id=" + g + ",type=" + pick(List.of("indirect", "all", "select")) + ",bucket=output:" + y);
            flow(0, 100, in, "group:" + g);
        }
        if (chance(30)) {
            flow(0, 200, in + "," + pick(CLAUSES), "output:" + y);
        }
    }

    /** A port whose traffic is not sent to one port: table miss, a partial rule, a reserved output, two outputs. */
    private void nonForwarding(int x) {
        String in = "in_port=" + x;
        switch (random.nextInt(4)) {
            case 0 -> { } // table miss
            case 1 -> flow(0, 100, in, otherAction(x));
            case 2 -> flow(0, 100, in + "," + pick(CLAUSES), "output:" + otherPort(x));
            default -> flow(0, 100, in, "output:" + otherPort(x) + ",output:" + otherPort(x));
        }
    }

    /** One rule (or group) that may or may not break a direction, as the detector and the datapath must agree. */
    private void distractor(int x, Map<Integer, Integer> partner) {
        String in = "in_port=" + x;
        int y = partner.getOrDefault(x, otherPort(x));
        switch (random.nextInt(16)) {
            case 0 -> flow(0, 200, in + "," + pick(CLAUSES), otherAction(x));
            case 1 -> flow(0, 100, in + "," + pick(CLAUSES), "output:" + otherPort(x));
            case 2 -> flow(0, 10, in, "output:" + otherPort(x));
            case 3 -> flow(0, 10, in, "output:" + y);
            case 4 -> flow(0, 300, in, "idle_timeout=300,output:" + y);
            case 5 -> flow(0, 300, in, "hard_timeout=300,output:" + y);
            case 6 -> flow(0, pick(new int[] {20, 150, 250}), pick(CLAUSES), "output:" + pick(ports));
            case 7 -> flow(0, 1, "", "drop");
            case 8 -> flow(0, 5, "dl_dst=ff:ff:ff:ff:ff:ff", "FLOOD");
            case 9 -> flow(7, 10, in, "output:" + pick(ports));
            case 10 -> flow(0, 100, "in_port=LOCAL", "output:" + pick(ports));
            case 11 -> {
                int g = nextGroup++;
                groups.add("group_id=" + g + ",type=" + pick(List.of("all", "select")) + ",bucket=output:" + y
                        + ",bucket=output:" + otherPort(x));
                flow(0, 250, in + "," + pick(CLAUSES), "group:" + g);
            }
            case 12 -> flow(0, 250, in + "," + pick(CLAUSES), "set_field:02:00:00:00:00:99->eth_dst,output:" + y);
            case 13 -> flow(0, 250, in + "," + pick(CLAUSES), "goto_table:3");
            case 14 -> flow(3, 10, "", "output:" + pick(ports));
            default -> flow(0, 250, in + "," + pick(CLAUSES), "output:" + y);
        }
    }

    private String otherAction(int x) {
        return pick(OTHER_ACTIONS).replace("Z2", Integer.toString(otherPort(x))).replace("Z", Integer.toString(otherPort(x)));
    }

    private void flow(int table, int priority, String match, String actions) {
        String key = table + "/" + priority + "/" + match;
        String m = match.isEmpty() ? "" : match + ",";
        // Timeouts travel in the actions argument of the helpers above; ovs-ofctl wants them before actions=.
        String timeouts = "";
        String acts = actions;
        while (acts.startsWith("idle_timeout=") || acts.startsWith("hard_timeout=")) {
            int comma = acts.indexOf(',');
            timeouts += acts.substring(0, comma + 1);
            acts = acts.substring(comma + 1);
        }
        flows.putIfAbsent(key, "table=" + table + ",priority=" + priority + "," + m + timeouts + "actions=" + acts);
    }

    private int otherPort(int x) {
        int p;
        do {
            p = pick(ports);
        } while (p == x);
        return p;
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private int pick(int[] values) {
        return values[random.nextInt(values.length)];
    }

    private String mac() {
        return String.format("02:%02x:%02x:%02x:%02x:%02x", random.nextInt(256), random.nextInt(256), random.nextInt(256),
                random.nextInt(256), random.nextInt(256));
    }
}
