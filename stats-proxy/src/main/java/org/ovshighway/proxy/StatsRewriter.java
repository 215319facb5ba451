package org.ovshighway.proxy;

import io.netty.buffer.ByteBuf;

/**
 * The statistics hook of one relayed connection: the relay shows it every complete OpenFlow frame
 * in both directions, in order, and it may add bypassed traffic to the counters of statistics
 * replies on their way to the controller.
 *
 * <p>One instance serves one connection and is called from that connection's event loop only.
 * Frames are complete and already validated by the framer (header length equals frame length).
 */
public interface StatsRewriter {

    /**
     * Sees a frame the controller sends toward the switch (for example to remember what an
     * aggregate request asked for, by XID). Must neither modify nor retain {@code frame}.
     */
    void towardSwitch(ByteBuf frame);

    /**
     * Sees a frame the switch sends toward the controller. May overwrite counter fields in place;
     * never changes the frame's length, XID or any other byte, and never retains {@code frame}.
     */
    void towardController(ByteBuf frame);

    /** Creates the rewriter of one new connection; {@code connectionName} is for logs. */
    @FunctionalInterface
    interface Factory {
        StatsRewriter newConnection(String connectionName);
    }

    /** Relays every frame unchanged: a proxy with no bypass to account for. */
    StatsRewriter NONE = new StatsRewriter() {
        @Override
        public void towardSwitch(ByteBuf frame) {
        }

        @Override
        public void towardController(ByteBuf frame) {
        }
    };
}
