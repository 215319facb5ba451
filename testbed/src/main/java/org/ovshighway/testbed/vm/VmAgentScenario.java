package org.ovshighway.testbed.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ovshighway.hotplug.libvirt.DomainXml;
import org.ovshighway.hotplug.libvirt.LibvirtAttacher;
import org.ovshighway.hotplug.libvirt.RegionFileAccess;
import org.ovshighway.testbed.EstablishCycles;
import org.ovshighway.testbed.KeyValueLine;

/**
 * The host side of the agent-with-VMs scenario (testbed/vm-test step 3): two running VMs whose
 * guests run {@code TrafficGuest} on ring ports that {@code highway agent} provisions on a
 * private OVS-DPDK and hot-plugs into the VMs through libvirt.
 *
 * <ol>
 *   <li>starts {@code highway agent --config FILE} (bypass on); the bridge's rules copy every
 *       frame to LOCAL as well, so nothing is point-to-point: both guests' sequence-numbered
 *       frames go through OVS-DPDK (its receive counters grow);</li>
 *   <li>replaces them with point-to-point rules: the agent creates a two-way link region,
 *       hot-plugs it into both VMs, the guests map it and take it (FENCE handshake); OVS's
 *       receive counters stand still while the link counters grow;</li>
 *   <li>adds rules that copy to LOCAL again: the agent reverts the link, unplugs it, and the
 *       traffic is back on OVS;</li>
 *   <li>with {@code establish-rounds=N}: N timed establish/revert rounds of a one-way link
 *       A -> B, the FLOW_MOD sent by this harness ({@link #measuredEstablishes()});</li>
 *   <li>tells the guests to stop (the stop file in their read-only control share), reads their
 *       summaries and OVS's counters: nothing reordered, duplicated or foreign, nothing lost
 *       beyond what OVS counts as dropped toward the receiver, no forced revert;</li>
 *   <li>(not with {@code link-standby=true}, where the agent would activate its standby link)
 *       makes A -> B point-to-point again (the agent hot-plugs a link nobody takes), kills the
 *       agent (SIGKILL) and starts another: it must take over both VMs' port devices and ring
 *       ports as they are (no unplug, no second device) and name the killed agent's link devices
 *       in a warning; those are removed by hand;</li>
 *   <li>stops the agent with SIGTERM: it unplugs the port devices from the running VMs (the
 *       guests print {@code HW_APP devices-gone}), deletes its OVS ports and region files.
 *       Checks that no OVS port, region file or shmem device is left.</li>
 * </ol>
 * Prints {@code VM_AGENT ...} lines (phase durations, counters, verdict); exits non-zero on any
 * failure after stopping the agent.
 */
public final class VmAgentScenario {
    private static final String READY = "highway agent running:";
    /** Frames OVS may still count on a bypassed port: a FENCE copy, frames queued at the switch. */
    private static final long BYPASS_SLACK = 16;
    /** Between two looks at a link region while timing an establishment: the guests need the CPU more. */
    private static final long ESTABLISH_POLL_NANOS = 1_000_000;

    private final Map<String, String> args;
    private final String bridge;
    private final String portA;
    private final String portB;
    private final Path control;
    private final long deadline;
    private final ConsoleLog consoleA;
    private final ConsoleLog consoleB;
    private final Path agentLog;
    /** The running agent (the second one after phase 5). */
    private Process agent;

    private VmAgentScenario(Map<String, String> args) {
        this.args = args;
        this.bridge = arg("bridge");
        this.portA = arg("port-a");
        this.portB = arg("port-b");
        this.control = Path.of(arg("control"));
        this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(arg("timeout-ms")));
        this.consoleA = new ConsoleLog(arg("domain-a"), Path.of(arg("console-a")));
        this.consoleB = new ConsoleLog(arg("domain-b"), Path.of(arg("console-b")));
        this.agentLog = Path.of(arg("agent-log"));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are key=value: " + a);
            }
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        new VmAgentScenario(args).run();
    }

    /** Whether the agent runs with {@code link-standby=true} (argument {@code link-standby}, default false). */
    private boolean standbyLinks() {
        return Boolean.parseBoolean(args.getOrDefault("link-standby", "false"));
    }

    private String arg(String key) {
        String value = args.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing argument " + key + "=... in " + args);
        }
        return value;
    }

    private void run() throws Exception {
        // hot-plugging before the guest kernel's ACPI hot-plug driver is up could go unnoticed:
        // the agent starts once both guests are in user space
        consoleA.await("HW_APP traffic-launched", deadline);
        consoleB.await("HW_APP traffic-launched", deadline);
        long t0 = System.nanoTime();
        agent = startAgent(agentLog);
        try {
            throughOvs(ms(System.nanoTime() - t0));
            String link = ontoLink();
            backToOvs(link);
            measuredEstablishes();
            stopGuestsAndAccount();
            if (standbyLinks()) {
                // the pair keeps a standby link A -> B, which the next A -> B verdict would activate
                // instead of plugging the never-taken link this phase is about
                System.out.println("VM_AGENT phase=pending-readopt skipped: the agent keeps standby links");
            } else {
                killWithALinkPendingAndReadopt();
            }
            cleanStop();
        } finally {
            if (agent.isAlive()) {
                agent.destroy();
                if (!agent.waitFor(300, TimeUnit.SECONDS)) {
                    agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            // a failure between the kill and the new agent's rollback leaves the killed agent's link
            // region (vm-test then destroys the domains, which drops their devices)
            for (String id : linkIds) {
                for (Path path : linkRegionFiles(id)) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /** Phase 1: the rules also copy to LOCAL (not point-to-point): both streams go through OVS-DPDK. */
    private void throughOvs(long agentStartMs) throws Exception {
        long tAgent = System.nanoTime();
        awaitLinks(t -> line(t, portA).contains("not-p2p") && line(t, portB).contains("not-p2p"),
                "both directions not point-to-point");
        Map<String, Long> a0 = portCounters(portA);
        Map<String, Long> b0 = portCounters(portB);
        while (portCounters(portA).get("rx_pkts") - a0.get("rx_pkts") < 300
                || portCounters(portB).get("rx_pkts") - b0.get("rx_pkts") < 300) {
            waitOrFail("300 frames from each guest through OVS-DPDK (are the guests' ports up?)");
        }
        long tOvs = System.nanoTime();
        System.out.println("VM_AGENT phase=ovs agent_start_ms=" + agentStartMs + " first_frames_ms="
                + ms(tOvs - tAgent) + " ovs_rx_a=" + portCounters(portA).get("rx_pkts") + " ovs_rx_b="
                + portCounters(portB).get("rx_pkts"));
    }

    /** Phase 2: point-to-point rules; the agent hot-plugs a two-way link into both VMs and OVS stops seeing the frames. */
    private String ontoLink() throws Exception {
        ofctl("add-flow", bridge, "in_port=1,actions=output:2");
        ofctl("add-flow", bridge, "in_port=2,actions=output:1");
        long tRules = System.nanoTime();
        String active = awaitLinks(t -> line(t, portA).contains(",ACTIVE)") && line(t, portB).contains(",ACTIVE)"),
                "a two-way link ACTIVE");
        long tActive = System.nanoTime();
        String linkA = linkId(line(active, portA));
        if (linkA.isEmpty() || !linkA.equals(linkId(line(active, portB)))) {
            throw new IllegalStateException("expected one two-way link for both directions:\n" + active);
        }
        long rxA = portCounters(portA).get("rx_pkts");
        long rxB = portCounters(portB).get("rx_pkts");
        long linkPacketsBefore = linkPackets(line(active, portA)) + linkPackets(line(active, portB));
        Thread.sleep(5000);
        long ovsDeltaA = portCounters(portA).get("rx_pkts") - rxA;
        long ovsDeltaB = portCounters(portB).get("rx_pkts") - rxB;
        String onLink = links();
        long linkDelta = linkPackets(line(onLink, portA)) + linkPackets(line(onLink, portB)) - linkPacketsBefore;
        System.out.println("VM_AGENT phase=link establish_ms=" + ms(tActive - tRules) + " link=" + linkA
                + " ovs_rx_delta_a=" + ovsDeltaA + " ovs_rx_delta_b=" + ovsDeltaB + " link_packets_delta="
                + linkDelta + "\n" + onLink.strip());
        if (ovsDeltaA > BYPASS_SLACK || ovsDeltaB > BYPASS_SLACK) {
            throw new IllegalStateException("OVS still receives the guests' frames while they are bypassed: a="
                    + ovsDeltaA + " b=" + ovsDeltaB);
        }
        if (linkDelta < 100) {
            throw new IllegalStateException("the link carried only " + linkDelta + " frames in 5 s:\n" + onLink);
        }
        return linkA;
    }

    /** Phase 3: copies to LOCAL again break both directions: the link is reverted, unplugged and deleted. */
    private void backToOvs(String linkA) throws Exception {
        ofctl("add-flow", bridge, "priority=40000,in_port=1,actions=output:2,LOCAL");
        ofctl("add-flow", bridge, "priority=40000,in_port=2,actions=output:1,LOCAL");
        long tBreak = System.nanoTime();
        awaitLinks(t -> line(t, portA).contains("not-p2p") && line(t, portA).contains("path=ovs")
                && line(t, portB).contains("not-p2p") && line(t, portB).contains("path=ovs"),
                "both directions back on OVS");
        long tReverted = System.nanoTime();
        long rxA2 = portCounters(portA).get("rx_pkts");
        long rxB2 = portCounters(portB).get("rx_pkts");
        Thread.sleep(5000);
        long backA = portCounters(portA).get("rx_pkts") - rxA2;
        long backB = portCounters(portB).get("rx_pkts") - rxB2;
        System.out.println("VM_AGENT phase=revert revert_ms=" + ms(tReverted - tBreak) + " ovs_rx_delta_a=" + backA
                + " ovs_rx_delta_b=" + backB);
        if (backA < 100 || backB < 100) {
            throw new IllegalStateException("traffic did not come back to OVS: a=" + backA + " b=" + backB);
        }
        awaitLinkRegionGone(linkA);
    }

    /**
     * Phase 3b ({@code establish-rounds=N}, N > 0; testbed/bench vm-establish): N timed
     * establishments of a one-way link A -> B with the harness's own FLOW_MOD straight to OVS
     * ({@link EstablishCycles}, the cycles {@code testbed/bench bypass} runs for process guests).
     * A -> B's copy to LOCAL is narrowed to ARP only (the breaker rule), B -> A keeps its copy, so
     * deleting the breaker makes A -> B alone point-to-point; re-adding it reverts the link. Each
     * round's split ({@link VmEstablishSplit}) is printed; afterwards the rules are as phase 3
     * left them. The traffic keeps running: phase 4's accounting covers these rounds too. With
     * {@code link-standby=true} (the agent's option of that name) one unmeasured cycle goes first,
     * so that each measured round can activate the standby link the revert before it left.
     */
    private void measuredEstablishes() throws Exception {
        int rounds = Integer.parseInt(args.getOrDefault("establish-rounds", "0"));
        if (rounds == 0) {
            return;
        }
        Path regionDir = portRegionDir();
        ofctl("add-flow", bridge, "priority=" + EstablishCycles.BREAKER_PRIORITY + ",in_port=1,dl_type=0x0806,actions=LOCAL");
        ofctl("--strict", "del-flows", bridge, "priority=" + EstablishCycles.BREAKER_PRIORITY + ",in_port=1");
        long timeoutNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args.getOrDefault("establish-timeout-s", "300")));
        ByteArrayOutputStream runLines = new ByteArrayOutputStream();
        List<EstablishCycles.Run> runs;
        try (PrintStream out = new PrintStream(runLines, true, StandardCharsets.UTF_8)) {
            // no warm-up cycle: the scenario's own link before these rounds warmed the agent and the guests;
            // with standby links one, whose revert leaves the first one-way standby link (phase 3's was two-way)
            runs = EstablishCycles.run(new EstablishCycles.Settings(arg("openflow"), arg("openflow"), regionDir, portA, 1,
                    standbyLinks() ? 1 : 0, rounds, Long.parseLong(args.getOrDefault("on-link-ms", "3000")),
                    Long.parseLong(args.getOrDefault("settle-ms", "2000")), timeoutNanos, ESTABLISH_POLL_NANOS), out);
        } finally {
            // back to phase 3's rules whatever happened: both directions copy to LOCAL
            ofctl("add-flow", bridge, "priority=" + EstablishCycles.BREAKER_PRIORITY + ",in_port=1,actions=output:2,LOCAL");
            ofctl("--strict", "del-flows", bridge, "priority=" + EstablishCycles.BREAKER_PRIORITY
                    + ",in_port=1,dl_type=0x0806");
        }
        runLines.toString(StandardCharsets.UTF_8).lines().forEach(l -> System.out.println("VM_AGENT " + l));
        List<String> problems = new ArrayList<>();
        for (EstablishCycles.Run run : runs) {
            if (run.linkId() != 0) {
                linkIds.add(Long.toString(run.linkId()));
            }
            if (!run.failure().isEmpty()) {
                problems.add("round=" + run.index() + " " + run.failure());
                continue;
            }
            if (run.index() < 1) {
                continue;   // a warm-up cycle: not measured
            }
            Optional<String> mappedA = awaitGuestLine(consoleA, VmEstablishSplit.mappedMarker(portA, run.linkId()));
            Optional<String> mappedB = awaitGuestLine(consoleB, VmEstablishSplit.mappedMarker(portB, run.linkId()));
            System.out.println(VmEstablishSplit.of(run, Files.readAllLines(agentLog), portA, portB, mappedA, mappedB,
                    ZoneId.systemDefault()).line());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("measured establishes failed: " + problems + "; agent log " + agentLog);
        }
        awaitLinks(t -> line(t, portA).contains("not-p2p") && line(t, portA).contains("path=ovs"),
                "A -> B back on OVS after the measured establishes");
    }

    /** A guest's line (its console may lag: the serial port is slow under TCG), or empty after 30 s. */
    private Optional<String> awaitGuestLine(ConsoleLog console, String marker) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Optional<String> line = console.find(marker);
            if (line.isPresent() || System.nanoTime() > until) {
                return line;
            }
            Thread.sleep(100);
        }
    }

    /** Where the agent puts regions: the directory of port A's region ("ring port up: ... region=PATH"). */
    private Path portRegionDir() throws IOException {
        Matcher m = Pattern.compile("ring port up: port=" + Pattern.quote(portA) + " .*\\bregion=(\\S+)")
                .matcher(Files.readString(agentLog));
        if (!m.find()) {
            throw new IllegalStateException("no \"ring port up: port=" + portA + " ... region=\" line in agent log " + agentLog);
        }
        return Path.of(m.group(1)).getParent();
    }

    /** Phase 4: the guests stop and drain; every frame accounted. */
    private void stopGuestsAndAccount() throws Exception {
        Files.writeString(Path.of(arg("stop-file")), "stop\n");
        Map<String, String> sa = KeyValueLine.fields(consoleA.await("TRAFFIC_SUMMARY port=" + portA + " ", deadline));
        Map<String, String> sb = KeyValueLine.fields(consoleB.await("TRAFFIC_SUMMARY port=" + portB + " ", deadline));
        Map<String, Long> ovsA = portCounters(portA);
        Map<String, Long> ovsB = portCounters(portB);
        System.out.println("VM_AGENT guest_a " + sa + "\nVM_AGENT guest_b " + sb + "\nVM_AGENT ovs_a " + ovsA
                + "\nVM_AGENT ovs_b " + ovsB);
        List<String> problems = new ArrayList<>();
        // B receives A's stream (OVS drops toward B count as tx drops on port B), and the other way
        account("A->B", sa, sb, ovsB.getOrDefault("tx_drop", 0L), problems);
        account("B->A", sb, sa, ovsA.getOrDefault("tx_drop", 0L), problems);
        boolean accounted = problems.isEmpty();
        System.out.println("VM_AGENT frames sent_a=" + sa.get("sent") + " sent_b=" + sb.get("sent") + " checked_by_b="
                + sb.get("checked") + " checked_by_a=" + sa.get("checked") + " lost_a_to_b=" + sb.get("lost")
                + " lost_b_to_a=" + sa.get("lost") + " ovs_tx_drop_b=" + ovsB.getOrDefault("tx_drop", 0L)
                + " ovs_tx_drop_a=" + ovsA.getOrDefault("tx_drop", 0L) + " accounted=" + accounted);
        if (!accounted) {
            throw new IllegalStateException("frames not accounted for: " + problems);
        }
    }

    /**
     * Phase 5: A -> B point-to-point again while the applications have stopped: the agent
     * hot-plugs a one-way link that nobody takes (it stays ATTACHING); then the agent is killed.
     * The next one takes over the VMs' port devices (no second device, no unplug: the guests keep
     * their mappings) and the OVS ports, and re-adopts the link: it was never usable, so the new
     * agent rolls it back itself, unplugging its devices from both VMs and deleting its region.
     */
    private void killWithALinkPendingAndReadopt() throws Exception {
        ofctl("--strict", "del-flows", bridge, "priority=40000,in_port=1");
        awaitLinks(t -> line(t, portA).contains(",ATTACHING)") || line(t, portA).contains("(ATTACHING)"),
                "a link A -> B being established");
        String staleLink = awaitLinkDeviceInBothDomains();
        linkIds.add(staleLink);
        agent.destroyForcibly();
        if (!agent.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("highway agent survived SIGKILL");
        }
        ofctl("add-flow", bridge, "priority=40000,in_port=1,actions=output:2,LOCAL");
        Path secondLog = Path.of(agentLog + ".readopt");
        long tReadopt = System.nanoTime();
        agent = startAgent(secondLog);
        long readoptMs = ms(System.nanoTime() - tReadopt);
        String second = Files.readString(secondLog);
        long adoptedDevices = second.lines().filter(l -> l.contains("LibvirtAttacher: adopted domain=")
                && l.contains(" shmem=highway-port-")).count();
        long adoptedLinkDevices = second.lines().filter(l -> l.contains("LibvirtAttacher: adopted domain=")
                && l.contains(" shmem=hwlink-" + staleLink + " ")).count();
        long readopted = second.lines().filter(l -> l.contains("ring port re-adopted: port=")).count();
        boolean pluggedAgain = second.contains("LibvirtAttacher: attached domain=");
        boolean deviceWentAway = consoleA.find("HW_APP devices-gone").isPresent()
                || consoleB.find("HW_APP devices-gone").isPresent();
        System.out.println("VM_AGENT readopt start_ms=" + readoptMs + " ports_readopted=" + readopted
                + " devices_adopted=" + adoptedDevices + " plugged_again=" + pluggedAgain + " guest_lost_device="
                + deviceWentAway);
        if (readopted != 2 || adoptedDevices != 2 || pluggedAgain || deviceWentAway) {
            throw new IllegalStateException("the agent started after a kill did not take over both VMs' port"
                    + " devices as they were; log " + secondLog);
        }
        long tRollback = System.nanoTime();
        while (linkDevices(arg("domain-a")).contains("hwlink-" + staleLink)
                || linkDevices(arg("domain-b")).contains("hwlink-" + staleLink)) {
            if (System.nanoTime() - tRollback > TimeUnit.SECONDS.toNanos(120)) {
                throw new IllegalStateException("the re-adopted link " + staleLink + " was not rolled back within"
                        + " 120 s: its devices are still in the domains; log " + secondLog);
            }
            Thread.sleep(200);
        }
        String afterRollback = Files.readString(secondLog);
        boolean adoptedLink = afterRollback.contains("adopted link=" + staleLink) && adoptedLinkDevices == 2;
        System.out.println("VM_AGENT stale_link link=" + staleLink + " adopted=" + adoptedLink + " devices_adopted="
                + adoptedLinkDevices + " rolled_back_ms="
                + ms(System.nanoTime() - tRollback));
        if (!adoptedLink) {
            throw new IllegalStateException("the new agent did not re-adopt link " + staleLink + "; log " + secondLog);
        }
    }

    /** Phase 6: a clean stop unplugs the ports from the running VMs and removes everything. */
    private void cleanStop() throws Exception {
        long tStop = System.nanoTime();
        agent.destroy();
        if (!agent.waitFor(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("highway agent still running 300 s after SIGTERM; log " + agentLog);
        }
        long stopMs = ms(System.nanoTime() - tStop);
        if (agent.exitValue() != 143) {
            throw new IllegalStateException("agent exit status " + agent.exitValue() + " after SIGTERM (expected"
                    + " 143); log " + agentLog);
        }
        consoleA.await("HW_APP devices-gone", deadline);
        consoleB.await("HW_APP devices-gone", deadline);
        String leftovers = leftovers();
        System.out.println("VM_AGENT teardown agent_stop_ms=" + stopMs + " leftovers="
                + (leftovers.isEmpty() ? "none" : leftovers));
        if (!leftovers.isEmpty()) {
            throw new IllegalStateException("left behind: " + leftovers);
        }
    }

    /** The id of the link whose device both domains have (the agent attached it to both). */
    private String awaitLinkDeviceInBothDomains() throws Exception {
        while (true) {
            List<String> a = linkDevices(arg("domain-a"));
            List<String> b = linkDevices(arg("domain-b"));
            for (String name : a) {
                if (b.contains(name)) {
                    return name.substring("hwlink-".length());
                }
            }
            waitOrFail("a link device in both domains (have a=" + a + " b=" + b + ")");
        }
    }

    /** Names of the hwlink-* shmem devices running domain {@code domain} has. */
    private static List<String> linkDevices(String domain) throws Exception {
        return DomainXml.parse(run("virsh", "-c", LibvirtAttacher.SYSTEM_URI, "dumpxml", domain)).shmems().stream()
                .map(d -> d.name()).filter(n -> n.startsWith("hwlink-")).toList();
    }

    /** Starts {@code highway agent} and waits until it says its ring ports are up (hot-plugged into both VMs). */
    private Process startAgent(Path log) throws Exception {
        Process agent = new ProcessBuilder(arg("highway"), "agent", "--config", arg("config"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        while (!Files.readString(log).contains(READY)) {
            if (!agent.isAlive()) {
                throw new IllegalStateException("highway agent exited with status " + agent.exitValue()
                        + " before its ring ports were up; log " + log + ":\n" + Files.readString(log));
            }
            try {
                waitOrFail("the agent's ring ports (hot-plugged into both VMs)");
            } catch (IllegalStateException e) {
                agent.destroy();
                throw e;
            }
        }
        return agent;
    }

    /**
     * The receiver's check of the sender's stream: nothing reordered, duplicated or foreign, no
     * forced revert, at least a thousand frames checked, lost no more than OVS dropped toward
     * the receiver, and of everything the sender sent, only what OVS dropped did not arrive.
     */
    private static void account(String direction, Map<String, String> sender, Map<String, String> receiver,
                                long ovsDrops, List<String> problems) {
        long missing = Long.parseLong(sender.get("sent")) - Long.parseLong(receiver.get("received"));
        if (missing < 0 || missing > ovsDrops) {
            problems.add(direction + " sent=" + sender.get("sent") + " received=" + receiver.get("received")
                    + " (missing=" + missing + ", OVS tx_drop toward the receiver=" + ovsDrops + ")");
        }
        for (String counter : List.of("reordered", "duplicated", "foreign", "remap_forced")) {
            if (!"0".equals(receiver.get(counter))) {
                problems.add(direction + " " + counter + "=" + receiver.get(counter));
            }
        }
        if (Long.parseLong(receiver.get("lost")) > ovsDrops) {
            problems.add(direction + " lost=" + receiver.get("lost") + " > OVS tx_drop toward the receiver=" + ovsDrops);
        }
        if (Long.parseLong(receiver.get("checked")) < 1000) {
            problems.add(direction + " checked only " + receiver.get("checked") + " frames");
        }
    }

    /**
     * The reverted link's region file (and its /dev/shm symlink) is gone once the agent unplugged
     * it from both VMs. Only this link's name: other work on the machine may have links of its own.
     */
    private void awaitLinkRegionGone(String linkId) throws Exception {
        while (!linkRegionFiles(linkId).isEmpty()) {
            waitOrFail("the reverted link's region files to be deleted: " + linkRegionFiles(linkId));
        }
        linkIds.add(linkId);
    }

    private final List<String> linkIds = new ArrayList<>();

    private static List<Path> linkRegionFiles(String linkId) {
        List<Path> left = new ArrayList<>();
        for (Path dir : List.of(Path.of("/dev/shm"), Path.of("/dev/hugepages"))) {
            Path file = dir.resolve("hwlink-" + linkId);
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                left.add(file);
            }
        }
        return left;
    }

    /** OVS ports on the bridge, the ports' and links' region files, shmem devices in running domains. */
    private String leftovers() throws Exception {
        StringBuilder left = new StringBuilder();
        String ports = run("ovs-vsctl", "list-ports", bridge).strip();
        if (!ports.isEmpty()) {
            left.append(" ovs-ports=").append(ports.replace('\n', ','));
        }
        for (Path dir : List.of(Path.of("/dev/shm"), Path.of("/dev/hugepages"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(p -> linkIds.stream().anyMatch(id -> p.getFileName().toString().equals("hwlink-" + id))
                                    || p.getFileName().toString().equals("highway-port-" + portA)
                                    || p.getFileName().toString().equals("highway-port-" + portB))
                            .filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
                            .forEach(p -> left.append(" file=").append(p));
                }
            }
        }
        for (String domain : List.of(arg("domain-a"), arg("domain-b"))) {
            Process p = new ProcessBuilder("virsh", "-c", LibvirtAttacher.SYSTEM_URI, "dumpxml", domain)
                    .redirectErrorStream(true).start();
            String xml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // a guest that saw its devices go powers off: a domain that ended holds no device
            if (p.waitFor() == 0) {
                DomainXml parsed = DomainXml.parse(xml);
                for (String name : List.of("highway-port-" + portA, "highway-port-" + portB)) {
                    if (parsed.shmem(name).isPresent()) {
                        left.append(" device domain=").append(domain).append(" shmem=").append(name);
                    }
                }
                if (xml.contains("<shmem name='hwlink-")) {
                    left.append(" device domain=").append(domain).append(" shmem=hwlink-*");
                }
            }
        }
        return left.toString().strip();
    }

    private Map<String, Long> portCounters(String port) throws Exception {
        String reply = ofctl("dump-ports", bridge, port);
        Map<String, Long> counters = new HashMap<>();
        String prefix = null;
        for (String raw : reply.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("port")) {
                line = line.substring(line.indexOf(':') + 1).strip();
            }
            if (!line.startsWith("rx ") && !line.startsWith("tx ")) {
                continue;
            }
            prefix = line.substring(0, 2);
            for (String field : line.substring(3).split(",")) {
                String[] kv = field.strip().split("=", 2);
                if (kv.length == 2 && kv[1].matches("\\d+")) {
                    counters.put(prefix + "_" + kv[0], Long.parseLong(kv[1]));
                }
            }
        }
        if (!counters.containsKey("rx_pkts")) {
            throw new IOException("cannot read counters of port=" + port + " from dump-ports:\n" + reply);
        }
        return counters;
    }

    private static String ofctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ovs-ofctl"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    private String links() throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(control))) {
            channel.write(ByteBuffer.wrap("links\n".getBytes(StandardCharsets.US_ASCII)));
            channel.shutdownOutput();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private String awaitLinks(Predicate<String> condition, String what) throws Exception {
        String text = "";
        while (true) {
            text = links();
            if (condition.test(text)) {
                return text;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("highway links never showed " + what + "; last answer:\n" + text);
            }
            Thread.sleep(100);
        }
    }

    private static String line(String links, String port) {
        return links.lines().filter(l -> l.startsWith(port + "(")).findFirst().orElse("");
    }

    private static String linkId(String line) {
        Matcher m = Pattern.compile("path=link\\((\\d+),").matcher(line);
        return m.find() ? m.group(1) : "";
    }

    private static long linkPackets(String line) {
        Matcher m = Pattern.compile("link_packets=(\\d+)").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private void waitOrFail(String what) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timeout waiting for " + what);
        }
        Thread.sleep(100);
    }

    private static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }
}
