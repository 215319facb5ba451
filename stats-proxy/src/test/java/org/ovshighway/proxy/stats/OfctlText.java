package org.ovshighway.proxy.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Works on what real {@code ovs-ofctl} prints for statistics (dump-* and ofp-print share the
 * format): computes the text expected once extras are added to OVS's own numbers, and masks what
 * legitimately differs between two dumps taken at different times (durations, ages, xids).
 */
final class OfctlText {

    private static final Pattern FLOW = Pattern.compile("cookie=0x([0-9a-f]+), .*?table=(\\d+), n_packets=(\\d+), n_bytes=(\\d+),");
    private static final Pattern PORT_RX = Pattern.compile("^(\\s*port\\s+(\\S+): rx pkts=)(\\d+)(, bytes=)(\\d+)(,.*)$");
    private static final Pattern PORT_TX = Pattern.compile("^(\\s*tx pkts=)(\\d+)(, bytes=)(\\d+)(,.*)$");
    private static final Pattern AGGREGATE = Pattern.compile("packet_count=(\\d+) byte_count=(\\d+)");

    private static final Pattern PRIORITY = Pattern.compile("[ ,]priority=(\\d+)");
    /** ovs-ofctl omits the priority when it is the default. */
    private static final int DEFAULT_PRIORITY = 0x8000;

    /** The extra {packets, bytes} of the flow printed with this table, cookie and priority, or null. */
    @FunctionalInterface
    interface FlowLookup {
        long[] extra(int table, long cookie, int priority);
    }

    private OfctlText() {
    }

    /**
     * {@code text} with the extras added: flow lines by (table, cookie), port lines by port
     * (LOCAL is 0xfffffffe), aggregate lines by {@code aggregate} (null: aggregates unchanged).
     */
    static String withExtras(String text, FlowLookup flowExtra, LongFunction<PortExtra> portExtra, long[] aggregate) {
        List<String> out = new ArrayList<>();
        PortExtra current = PortExtra.NONE;
        for (String line : text.split("\n", -1)) {
            Matcher f = FLOW.matcher(line);
            Matcher rx = PORT_RX.matcher(line);
            Matcher tx = PORT_TX.matcher(line);
            Matcher ag = AGGREGATE.matcher(line);
            if (f.find()) {
                Matcher pr = PRIORITY.matcher(line);
                int priority = pr.find() ? Integer.parseInt(pr.group(1)) : DEFAULT_PRIORITY;
                long[] extra = flowExtra.extra(Integer.parseInt(f.group(2)), Long.parseUnsignedLong(f.group(1), 16), priority);
                if (extra != null) {
                    line = line.substring(0, f.start(3)) + (Long.parseLong(f.group(3)) + extra[0]) + line.substring(f.end(3), f.start(4))
                            + (Long.parseLong(f.group(4)) + extra[1]) + line.substring(f.end(4));
                }
            } else if (rx.matches()) {
                String name = rx.group(2);
                current = portExtra.apply(name.equals("LOCAL") ? 0xfffffffeL : Long.parseLong(name));
                line = rx.group(1) + (Long.parseLong(rx.group(3)) + current.rxPackets()) + rx.group(4)
                        + (Long.parseLong(rx.group(5)) + current.rxBytes()) + rx.group(6);
            } else if (tx.matches()) {
                line = tx.group(1) + (Long.parseLong(tx.group(2)) + current.txPackets()) + tx.group(3)
                        + (Long.parseLong(tx.group(4)) + current.txBytes()) + tx.group(5);
            } else if (ag.find() && aggregate != null) {
                line = line.substring(0, ag.start(1)) + (Long.parseLong(ag.group(1)) + aggregate[0]) + line.substring(ag.end(1), ag.start(2))
                        + (Long.parseLong(ag.group(2)) + aggregate[1]) + line.substring(ag.end(2));
            }
            out.add(line);
        }
        return String.join("\n", out);
    }

    /** Masks durations, idle/hard ages and xids: they differ between two dumps of the same state. */
    static String timeless(String text) {
        return text.replaceAll("duration=[0-9.]+s", "duration=*")
                .replaceAll("idle_age=\\d+", "idle_age=*")
                .replaceAll("hard_age=\\d+", "hard_age=*")
                .replaceAll("xid=0x[0-9a-f]+", "xid=*");
    }

    /** The lines {@code ovs-ofctl ofp-print} gives for one frame. */
    static String ofpPrint(byte[] frame) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ovs-ofctl", "ofp-print", java.util.HexFormat.of().formatHex(frame)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("ovs-ofctl ofp-print failed: exit=" + p.exitValue() + " output=" + out);
        }
        return out;
    }
}
