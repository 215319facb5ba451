package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Frames of a {@code flowmon-*.hex} resource written by {@link FlowMonitorCapture}: the step comment and the bytes. */
record CapturedFrames(List<String> steps, List<byte[]> frames) {

    static CapturedFrames load(String resource) throws IOException {
        try (InputStream in = CapturedFrames.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IOException("test resource missing: " + resource);
            }
            List<String> steps = new ArrayList<>();
            List<byte[]> frames = new ArrayList<>();
            String step = "";
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("# ")) {
                    step = line.substring(2);
                } else if (!line.isBlank()) {
                    steps.add(step);
                    frames.add(HexFormat.of().parseHex(line.strip()));
                }
            }
            return new CapturedFrames(steps, frames);
        }
    }

    ByteBuf frame(int i) {
        return Unpooled.wrappedBuffer(frames.get(i));
    }
}
