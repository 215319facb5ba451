package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.ovshighway.agent.ControlSocket;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;

/** {@code highway links} asked over a running agent's control socket, and its lines picked apart. */
final class AgentLinks {
    private AgentLinks() {
    }

    static String links(Path control) throws Exception {
        return ControlSocket.ask(control, "links");
    }

    static String line(String links, String port) {
        return links.lines().filter(l -> l.startsWith(port + "(")).findFirst().orElse("");
    }

    /** The link id in a {@code highway links} line, or "" when none. */
    static String linkId(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("path=link\\((\\d+),").matcher(line);
        return m.find() ? m.group(1) : "";
    }

    static String awaitLinks(Path control, Predicate<String> condition, String what) throws Exception {
        String text = "";
        for (int i = 0; i < 600; i++) {
            text = links(control);
            if (condition.test(text)) {
                return text;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("highway links never showed " + what + "; last answer:\n" + text);
    }

    /** Both guests' summaries and OVS's counters of their ports, once both guests stopped and drained. */
    record StoppedGuests(Map<String, String> a, Map<String, String> b, Map<String, Long> ovsA, Map<String, Long> ovsB) {
        @Override
        public String toString() {
            return "guest A:\n" + a + "\nguest B:\n" + b + "\nOVS A: " + ovsA + "\nOVS B: " + ovsB;
        }
    }

    /** Stops both guests (they drain first) and reads their summaries and OVS's counters of their ports. */
    static StoppedGuests stopGuests(PrivateOvsDpdk ovs, TrafficGuestProcess a, String portA, TrafficGuestProcess b,
                                    String portB) throws Exception {
        a.terminate();
        b.terminate();
        a.await(60);
        b.await(60);
        return new StoppedGuests(a.summary(portA), b.summary(portB), ovs.portCounters(portA), ovs.portCounters(portB));
    }

    /**
     * Each guest's check of the other's stream (summaries of guest A and B, OVS counters of their
     * ports): nothing reordered, duplicated, foreign or forced, and nothing lost beyond what a
     * counter names: OVS's drops toward the receiver (tx_drop: its ring was full while its guest was
     * starved of CPU) and what the ring ports' memif reconnects discarded (a restarted agent
     * reconnects them, and OVS resets their rings: the sender's
     * {@code port_tx_reconnect_discards}, the receiver's {@code port_rx_reconnect_discards}).
     */
    static void assertStreamsClean(Map<String, String> a, Map<String, String> b, Map<String, Long> ovsA,
                                   Map<String, Long> ovsB) {
        for (String direction : List.of("A->B", "B->A")) {
            boolean towardB = direction.equals("A->B");
            Map<String, String> sender = towardB ? a : b;
            Map<String, String> receiver = towardB ? b : a;
            long ovsDrops = (towardB ? ovsB : ovsA).getOrDefault("tx_drop", 0L);
            long discarded = reconnectDiscards(sender, receiver);
            assertTrue(Long.parseLong(receiver.get("lost")) <= ovsDrops + discarded, direction
                    + " lost more than OVS dropped toward the receiver (tx_drop=" + ovsDrops
                    + ") and the memif reconnects discarded (" + discarded + ")");
            for (String counter : List.of("reordered", "duplicated", "foreign", "remap_forced")) {
                assertEquals("0", receiver.get(counter), direction + " " + counter);
            }
        }
    }

    /** Frames of one direction discarded at ring-port reconnects: the sender's TX side and the receiver's RX side. */
    static long reconnectDiscards(Map<String, String> sender, Map<String, String> receiver) {
        return Long.parseLong(sender.get("port_tx_reconnect_discards"))
                + Long.parseLong(receiver.get("port_rx_reconnect_discards"));
    }

    /**
     * No link region ({@code hwlink-*}) is left in /dev/shm or /dev/hugepages, and no spare link
     * region ({@code hwspare-PID-*}) of an agent that no longer runs.
     */
    static void assertNoLinkRegionLeft() throws IOException {
        for (Path dir : List.of(Path.of("/dev/shm"), Path.of("/dev/hugepages"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> left = Files.list(dir)) {
                    assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("hwlink-")
                            || orphanSpare(p.getFileName().toString())).toList(), "no link region left in " + dir);
                }
            }
        }
    }

    private static boolean orphanSpare(String name) {
        Matcher m = SPARE.matcher(name);
        return m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true);
    }

    private static final Pattern SPARE = Pattern.compile("hwspare-([0-9]{1,18})-.*");
}
