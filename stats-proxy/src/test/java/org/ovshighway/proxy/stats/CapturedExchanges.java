package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The exchanges of a {@code stats-of*.hex} resource written by {@link StatsCapture}: per ovs-ofctl command, its frames in order. */
record CapturedExchanges(String resource, List<Exchange> exchanges) {

    /** One captured frame: its direction and bytes. */
    record Frame(boolean towardSwitch, byte[] bytes) {
        ByteBuf buf() {
            return Unpooled.wrappedBuffer(bytes.clone());
        }

        String hex() {
            return HexFormat.of().formatHex(bytes);
        }
    }

    /** One ovs-ofctl command's connection. */
    record Exchange(String command, List<Frame> frames) {
    }

    static CapturedExchanges load(String resource) throws IOException {
        try (InputStream in = CapturedExchanges.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IOException("test resource missing: " + resource);
            }
            List<Exchange> out = new ArrayList<>();
            String command = null;
            List<Frame> frames = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("## ") || line.isBlank()) {
                    continue;
                }
                if (line.startsWith("# ")) {
                    if (command != null) {
                        out.add(new Exchange(command, frames));
                    }
                    command = line.substring(2);
                    frames = new ArrayList<>();
                } else if (line.startsWith("> ") || line.startsWith("< ")) {
                    if (frames == null) {
                        throw new IOException("frame before the first command: resource=" + resource);
                    }
                    frames.add(new Frame(line.charAt(0) == '>', HexFormat.of().parseHex(line.substring(2).strip())));
                } else {
                    throw new IOException("unrecognised line: resource=" + resource + " line=" + line);
                }
            }
            if (command != null) {
                out.add(new Exchange(command, frames));
            }
            return new CapturedExchanges(resource, out);
        }
    }

    static List<CapturedExchanges> all() throws IOException {
        List<CapturedExchanges> all = new ArrayList<>();
        for (String v : StatsScenario.VERSIONS) {
            all.add(load(StatsScenario.resource(v)));
        }
        return all;
    }
}
