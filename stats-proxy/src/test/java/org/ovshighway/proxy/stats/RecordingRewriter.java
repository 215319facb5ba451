package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import org.ovshighway.proxy.StatsRewriter;

/** TEST ONLY: records every frame it sees as one hex line, {@code >} toward the switch, {@code <} toward the controller. */
final class RecordingRewriter implements StatsRewriter {

    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void towardSwitch(ByteBuf frame) {
        lines.add("> " + ByteBufUtil.hexDump(frame));
    }

    @Override
    public synchronized void towardController(ByteBuf frame) {
        lines.add("< " + ByteBufUtil.hexDump(frame));
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
